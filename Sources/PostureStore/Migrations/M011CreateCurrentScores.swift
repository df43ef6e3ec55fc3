import FluentKit
import SQLKit

/// 011: each organization's current score, stored by every write in the same transaction (see
/// ``PostureCore/CurrentScore``). `revision` changes with every write (random, so a recreated
/// organization never repeats one); `valid_until` (seconds since 1970) is when a time-driven
/// change is due, for the scheduler; the score columns serve lists without decoding the document.
public struct M011CreateCurrentScores: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("current_scores")
            .field("organization_id", .string, .required)
            .field("revision", .int64, .required)
            .field("valid_until", .double)
            .field("rules_key", .string, .required)
            .field("score", .double, .required)
            .field("max_score", .double, .required)
            .field("verified_score", .double, .required)
            .field("regressions", .int, .required)
            .field("document", .string, .required)
            .unique(on: "organization_id")
            .create()
        // The scheduler looks for documents whose time has come.
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "current_scores_valid_until").on("current_scores").column("valid_until").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("current_scores").delete()
    }
}
