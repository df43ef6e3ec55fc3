import FluentKit

/// 008: Microsoft's own Secure Score imported from Graph: its daily history (kept for good, not
/// Microsoft's 90 days) and its control profiles with their latest state.
public struct M008CreateMicrosoftSecureScore: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("microsoft_scores")
            .id()
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("created_at", .datetime, .required)
            .field("current_score", .double, .required)
            .field("max_score", .double, .required)
            .field("licensed_user_count", .int)
            .field("active_user_count", .int)
            .field("controls", .string, .required)
            .field("imported_at", .datetime, .required)
            .unique(on: "organization_id", "day")
            .create()
        try await database.schema("microsoft_control_profiles")
            .id()
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("control_id", .string, .required)
            .field("title", .string, .required)
            .field("max_score", .double, .required)
            .field("category", .string)
            .field("deprecated", .bool, .required)
            .field("state", .string)
            .field("state_updated_by", .string)
            .field("state_updated_at", .datetime)
            .field("imported_at", .datetime, .required)
            .unique(on: "organization_id", "control_id")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("microsoft_control_profiles").delete()
        try await database.schema("microsoft_scores").delete()
    }
}
