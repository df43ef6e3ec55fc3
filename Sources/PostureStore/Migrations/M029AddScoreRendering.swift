import FluentKit
import SQLKit

/// 029: each current score's document rendered when it is stored (``ScoreRendering``), with the
/// day its projection starts from, and today's Graph `controlScores`, so a read of the score or
/// of Graph's newest entry serves them without rendering. Rows
/// stored before hold NULL; the scheduler's pass renders them once.
public struct M029AddScoreRendering: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        // One column per statement: SQLite alters a table one change at a time.
        try await database.schema("current_scores").field("rendered_day", .string).update()
        try await database.schema("current_scores").field("rendered", .data).update()
        try await database.schema("current_scores").field("graph_controls", .string).update()
        if sql.dialect.name == "postgresql" {
            // Read on every score request: kept out of line but uncompressed, so a read copies it
            // instead of inflating it.
            try await sql.raw("ALTER TABLE current_scores ALTER COLUMN rendered SET STORAGE EXTERNAL").run()
        }
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("current_scores").deleteField("graph_controls").update()
        try await database.schema("current_scores").deleteField("rendered").update()
        try await database.schema("current_scores").deleteField("rendered_day").update()
    }
}
