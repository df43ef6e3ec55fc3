import FluentKit
import SQLKit

/// 023: a webhook's previous signing secret, kept for a day after a rotation so receivers can
/// switch over while messages carry both signatures.
public struct M023AddPreviousSecrets: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE channels ADD COLUMN previous_sealed_secret TEXT").run()
        try await sql.raw("ALTER TABLE channels ADD COLUMN previous_expires_at DOUBLE PRECISION").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE channels DROP COLUMN previous_expires_at").run()
        try await sql.raw("ALTER TABLE channels DROP COLUMN previous_sealed_secret").run()
    }
}
