import FluentKit
import SQLKit

/// 016: the instance-wide multi-tenant app (one row), whose credential is sealed like a
/// connection's; connections that use it keep the admin-consent state they sent the tenant's
/// administrator with, and when consent was seen.
public struct M016CreateConnectionApp: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("connection_app")
            .field("id", .string, .identifier(auto: false))
            .field("client_id", .string, .required)
            .field("credential_kind", .string, .required)
            .field("sealed_credential", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("credential_rotated_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE connections ADD COLUMN consent_state TEXT").run()
        try await sql.raw("ALTER TABLE connections ADD COLUMN consented_at DOUBLE PRECISION").run()
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw("ALTER TABLE connections DROP COLUMN consented_at").run()
            try await sql.raw("ALTER TABLE connections DROP COLUMN consent_state").run()
        }
        try await database.schema("connection_app").delete()
    }
}
