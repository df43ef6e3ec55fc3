import FluentKit
import SQLKit

/// 020: webhook endpoints become channels of several kinds (webhook, Microsoft Teams, e-mail):
/// the table is renamed, gains a kind, a name and the kind's settings, and deliveries name their
/// channel. Existing endpoints are webhooks and keep their ids and sealed secrets.
public struct M020CreateChannels: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE webhook_endpoints RENAME TO channels").run()
        try await sql.raw("ALTER TABLE channels ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook'").run()
        try await sql.raw("ALTER TABLE channels ADD COLUMN name TEXT NOT NULL DEFAULT ''").run()
        try await sql.raw("ALTER TABLE channels ADD COLUMN settings TEXT").run()
        try await sql.raw("ALTER TABLE deliveries RENAME COLUMN endpoint_id TO channel_id").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE deliveries RENAME COLUMN channel_id TO endpoint_id").run()
        try await sql.raw("DELETE FROM channels WHERE kind <> 'webhook'").run()
        try await sql.raw("ALTER TABLE channels DROP COLUMN settings").run()
        try await sql.raw("ALTER TABLE channels DROP COLUMN name").run()
        try await sql.raw("ALTER TABLE channels DROP COLUMN kind").run()
        try await sql.raw("ALTER TABLE channels RENAME TO webhook_endpoints").run()
    }
}
