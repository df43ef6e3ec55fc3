import FluentKit
import SQLKit

/// 024: people's weekly digests: one row per person and organization, with the address it goes
/// to and the week last queued.
public struct M024CreateDigestSubscriptions: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE digest_subscriptions (
                organization_id TEXT NOT NULL,
                username TEXT NOT NULL,
                email TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                last_sent_week TEXT,
                PRIMARY KEY (organization_id, username)
            )
            """
        ).run()
        try await sql.raw("CREATE INDEX digest_subscriptions_week ON digest_subscriptions (last_sent_week)").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE digest_subscriptions").run()
    }
}
