import FluentKit
import SQLKit

/// 002: indexes for the hot read paths: snapshots newest first and the change log by time.
public struct M002AddHistoryIndexes: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "changes_org_time").on("changes").column("organization_id").column("occurred_at")
            .run()
        try await sql.create(index: "status_history_org_action").on("status_history").column("organization_id")
            .column("action_id").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "status_history_org_action").run()
        try await sql.drop(index: "changes_org_time").run()
    }
}
