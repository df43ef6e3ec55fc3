import FluentKit

/// 007: entities an organization leaves out of an action's count (e.g. break-glass accounts), with
/// the reason, the owner and an optional expiry.
public struct M007CreateEntityExclusions: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("entity_exclusions")
            .id()
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("action_id", .string, .required)
            .field("entity", .string, .required)
            .field("reason", .string, .required)
            .field("owner", .string)
            .field("expires_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .unique(on: "organization_id", "action_id", "entity")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("entity_exclusions").delete()
    }
}
