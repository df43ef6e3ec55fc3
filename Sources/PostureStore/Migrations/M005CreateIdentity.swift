import FluentKit
import SQLKit

/// 005: people, their roles per organization and their web sessions; and the role each API client
/// acts with (existing read-only clients become Security readers, read-write ones Security administrators).
public struct M005CreateIdentity: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("must_change_password", .bool, .required)
            .field("instance_admin", .bool, .required)
            .field("failed_sign_ins", .int, .required)
            .field("locked_until", .datetime)
            .field("created_at", .datetime, .required)
            .field("password_changed_at", .datetime)
            .unique(on: "username")
            .create()
        try await database.schema("role_grants")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("granted_at", .datetime, .required)
            .field("granted_by", .string, .required)
            .unique(on: "user_id", "organization_id")
            .create()
        try await database.schema("sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        // Same statement on both engines; Fluent's schema builder cannot give a new column a default.
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE api_clients ADD COLUMN role TEXT NOT NULL DEFAULT 'securityReader'").run()
        // Clients that could already write keep writing: they act as Security administrators.
        try await sql.raw(
            "UPDATE api_clients SET role = 'securityAdministrator' WHERE scopes LIKE '%SecurityEvents.ReadWrite.All%'"
        ).run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("api_clients").deleteField("role").update()
        try await database.schema("sessions").delete()
        try await database.schema("role_grants").delete()
        try await database.schema("users").delete()
    }
}
