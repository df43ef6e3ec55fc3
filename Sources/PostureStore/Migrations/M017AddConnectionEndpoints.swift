import FluentKit
import SQLKit

/// 017: a connection's Exchange Online and Defender for Endpoint endpoints, when set apart from
/// its cloud's (a sovereign proxy, or a recorded service on this machine), like its sign-in and
/// Graph endpoints.
public struct M017AddConnectionEndpoints: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE connections ADD COLUMN exchange_url TEXT").run()
        try await sql.raw("ALTER TABLE connections ADD COLUMN defender_url TEXT").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE connections DROP COLUMN defender_url").run()
        try await sql.raw("ALTER TABLE connections DROP COLUMN exchange_url").run()
    }
}
