import FluentKit
import SQLKit

/// 022: tickets raised in a ticket system (ServiceNow) for shared actions, with the state Posture
/// last read. One row per ticket; the system's id is unique per channel.
public struct M022CreateTickets: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE tickets (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                action_id TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                external_id TEXT NOT NULL,
                number TEXT NOT NULL,
                state TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                url TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL
            )
            """
        ).run()
        try await sql.raw("CREATE UNIQUE INDEX tickets_external ON tickets (channel_id, external_id)").run()
        try await sql.raw("CREATE INDEX tickets_organization ON tickets (organization_id, active, updated_at)").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE tickets").run()
    }
}
