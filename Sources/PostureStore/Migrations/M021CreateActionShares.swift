import FluentKit
import SQLKit

/// 021: improvement actions shared by people (by e-mail or to a channel): the action's share
/// history, each with the delivery that carries it.
public struct M021CreateActionShares: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE action_shares (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                action_id TEXT NOT NULL,
                method TEXT NOT NULL,
                target TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                note TEXT NOT NULL,
                shared_by TEXT NOT NULL,
                shared_at DOUBLE PRECISION NOT NULL,
                delivery_id TEXT NOT NULL
            )
            """
        ).run()
        try await sql.raw(
            "CREATE INDEX action_shares_action ON action_shares (organization_id, action_id, shared_at)"
        ).run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE action_shares").run()
    }
}
