import FluentKit

/// 009: bearer tokens issued by `posture token create`, so they can be listed and revoked. The
/// token itself is never stored: its id (`jti`) is enough to recognise it.
public struct M009CreateIssuedTokens: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("issued_tokens")
            .id()
            .field("token_id", .string, .required)
            .field("subject", .string, .required)
            // An organization id, or `*` for an instance-wide token.
            .field("organization_id", .string, .required)
            .field("role", .string)
            .field("scopes", .string, .required)
            .field("issued_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("issued_by", .string, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_id")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("issued_tokens").delete()
    }
}
