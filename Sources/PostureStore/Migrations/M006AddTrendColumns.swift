import FluentKit
import Foundation
import PostureCore
import SQLKit

/// 006: what the trends read without decoding JSON. Snapshots get their percentage, seat count
/// and per-category points as columns (filled in for existing rows) plus an index by day for the
/// cohort averages; change-log entries get their cause; organizations get their settings (score
/// zones, custom comparison).
public struct M006AddTrendColumns: AsyncMigration {
    public init() {}

    static func categoryColumn(_ category: ActionCategory, _ part: String) -> String {
        "cat_\(category.rawValue.lowercased())_\(part)"
    }

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        var columns = ["percentage DOUBLE PRECISION NOT NULL DEFAULT 0", "seats INTEGER NOT NULL DEFAULT 0"]
        for category in ActionCategory.allCases {
            for part in ["score", "max"] {
                columns.append("\(Self.categoryColumn(category, part)) DOUBLE PRECISION NOT NULL DEFAULT 0")
            }
        }
        // One column per statement: SQLite adds only one at a time.
        for column in columns {
            try await sql.raw("ALTER TABLE snapshots ADD COLUMN \(unsafeRaw: column)").run()
        }
        try await sql.raw("ALTER TABLE changes ADD COLUMN cause TEXT").run()
        try await backfillSnapshots(database)
        try await sql.create(index: "snapshots_day_seats").on("snapshots").column("day").column("seats").run()
        try await database.schema("organization_settings")
            .field("organization_id", .string, .identifier(auto: false))
            .foreignKey("organization_id", references: "organizations", "id", onDelete: .cascade)
            .field("zones", .string)
            .field("comparison", .string)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .create()
    }

    /// Fills the new columns of existing snapshots from their JSON, a thousand rows at a time.
    private func backfillSnapshots(_ database: any Database) async throws {
        var offset = 0
        while true {
            // Only the columns that existed then: later migrations add to the model.
            let records = try await SnapshotRecord.query(on: database).sort(\.$id).range(offset..<(offset + 1000))
                .field(\.$id).field(\.$score).field(\.$maxScore).field(\.$categories)
                .field(\.$licensedUserCount).field(\.$activeUserCount).all()
            if records.isEmpty { break }
            for record in records {
                let categories = (try? StoredJSON.decode([DailySnapshot.Category].self, record.categories)) ?? []
                record.applyTrendColumns(
                    score: record.score,
                    maxScore: record.maxScore,
                    categories: categories,
                    seats: SeatBand.seats(licensed: record.licensedUserCount, active: record.activeUserCount)
                )
                try await record.update(on: database)
            }
            offset += records.count
        }
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("organization_settings").delete()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "snapshots_day_seats").run()
        var columns = ["percentage", "seats", "cause"]
        for category in ActionCategory.allCases {
            columns += [Self.categoryColumn(category, "score"), Self.categoryColumn(category, "max")]
        }
        for column in columns {
            let table = column == "cause" ? "changes" : "snapshots"
            try await sql.raw("ALTER TABLE \(unsafeRaw: table) DROP COLUMN \(unsafeRaw: column)").run()
        }
    }
}
