import FluentKit

/// 004: API clients (machine identities) per organization: the client id, a SHA-256 hash of the
/// secret (never the secret), the scopes it may ask for, and when it was revoked.
public struct M004CreateAPIClients: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("api_clients")
            .id()
            .field("client_id", .string, .required)
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("secret_hash", .string, .required)
            .field("scopes", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("revoked_at", .datetime)
            .unique(on: "client_id")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("api_clients").delete()
    }
}
