import FluentKit
import SQLKit

/// 018: organizations' webhook endpoints (their secrets sealed like connection credentials) and
/// the one delivery queue every outbound message goes through: a row per message and endpoint,
/// its attempts, when it is due, and which node holds it.
public struct M018CreateWebhooks: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                url TEXT NOT NULL,
                events TEXT NOT NULL,
                sealed_secret TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                created_by TEXT NOT NULL,
                disabled_at DOUBLE PRECISION,
                disabled_reason TEXT
            )
            """
        ).run()
        try await sql.raw("CREATE INDEX webhook_endpoints_organization ON webhook_endpoints (organization_id)").run()
        try await sql.raw(
            """
            CREATE TABLE deliveries (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                endpoint_id TEXT NOT NULL,
                event_type TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at DOUBLE PRECISION,
                lease_holder TEXT,
                lease_expires_at DOUBLE PRECISION,
                last_attempt_at DOUBLE PRECISION,
                last_status INTEGER,
                last_error TEXT,
                finished_at DOUBLE PRECISION
            )
            """
        ).run()
        try await sql.raw("CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at)").run()
        try await sql.raw("CREATE INDEX deliveries_organization ON deliveries (organization_id, created_at)").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE deliveries").run()
        try await sql.raw("DROP TABLE webhook_endpoints").run()
    }
}
