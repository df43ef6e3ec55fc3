import FluentKit
import SQLKit

/// 014: Microsoft 365 connections, one per organization. The credential is stored sealed
/// (AES-GCM with the connection key, which lives beside the signing keys, not in the database).
public struct M014CreateConnections: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("connections")
            .field("organization_id", .string, .identifier(auto: false))
            .field("tenant_id", .string, .required)
            .field("client_id", .string, .required)
            .field("credential_kind", .string, .required)
            // base64 of AES-GCM's nonce, ciphertext and tag, sealed with the organization's id as
            // associated data so a sealed credential cannot be moved to another row.
            .field("sealed_credential", .string, .required)
            .field("cloud", .string, .required)
            // Source names separated by spaces.
            .field("sources", .string, .required)
            .field("login_url", .string)
            .field("graph_url", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("credential_rotated_at", .datetime, .required)
            .foreignKey("organization_id", references: "organizations", "id", onDelete: .cascade)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("connections").delete()
    }
}
