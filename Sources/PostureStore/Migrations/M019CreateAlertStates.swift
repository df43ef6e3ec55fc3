import FluentKit
import SQLKit

/// 019: each organization's alert rules and what its alerts remember (open incidents, the change
/// log read so far), with when it is next due. Existing organizations start at the end of their
/// change log, so an upgrade never announces old history.
public struct M019CreateAlertStates: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE alert_states (
                organization_id TEXT PRIMARY KEY,
                rules TEXT,
                state TEXT,
                change_cursor BIGINT NOT NULL DEFAULT 0,
                pending_since DOUBLE PRECISION,
                checked_at DOUBLE PRECISION
            )
            """
        ).run()
        try await sql.raw("CREATE INDEX alert_states_pending ON alert_states (pending_since)").run()
        try await sql.raw("CREATE INDEX alert_states_checked ON alert_states (checked_at)").run()
        try await sql.raw(
            """
            INSERT INTO alert_states (organization_id, change_cursor)
            SELECT o.id, COALESCE((SELECT MAX(c.last_sequence) FROM change_batches c WHERE c.organization_id = o.id), 0)
            FROM organizations o
            """
        ).run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE alert_states").run()
    }
}
