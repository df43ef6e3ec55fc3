import FluentKit

/// 001: organizations, latest measurements, current statuses and their history, tags, daily
/// snapshots and the change log. Every table but `organizations` is keyed by organization first.
public struct M001CreateCoreTables: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("organizations")
            .field("id", .string, .identifier(auto: false))
            .field("display_name", .string, .required)
            .field("licensed_user_count", .int)
            .field("active_user_count", .int)
            .field("industry", .string)
            .field("region", .string)
            .field("enabled_services", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("measurements")
            .id()
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("action_id", .string, .required)
            .field("implemented", .bool)
            .field("achieved", .int)
            .field("total", .int)
            .field("observed_at", .datetime)
            .field("achieved_entities", .string)
            .field("total_entities", .string)
            .field("excluded", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .unique(on: "organization_id", "action_id")
            .create()

        for table in ["action_statuses", "status_history"] {
            var builder = database.schema(table)
                .id()
                .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
                .field("action_id", .string, .required)
                .field("status", .string, .required)
                .field("note", .string)
                .field("owner", .string)
                .field("expires_at", .datetime)
                .field("target_date", .string)
                .field("set_by", .string, .required)
                .field("set_at", .datetime, .required)
                .field("client_state", .string)
            if table == "action_statuses" {
                builder = builder.unique(on: "organization_id", "action_id")
            } else {
                builder = builder.field("sequence", .int, .required)
            }
            try await builder.create()
        }

        try await database.schema("action_tags")
            .id()
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("action_id", .string, .required)
            .field("tag", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "organization_id", "action_id", "tag")
            .create()

        try await database.schema("snapshots")
            .id()
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("day", .string, .required)
            .field("score", .double, .required)
            .field("max_score", .double, .required)
            .field("verified_score", .double, .required)
            .field("categories", .string, .required)
            .field("actions", .string, .required)
            .field("catalog_version", .string, .required)
            .field("model_version", .string, .required)
            .field("filled", .bool, .required)
            .field("licensed_user_count", .int)
            .field("active_user_count", .int)
            .field("created_at", .datetime, .required)
            .unique(on: "organization_id", "day")
            .create()

        try await database.schema("changes")
            .id()
            .field("organization_id", .string, .required, .references("organizations", "id", onDelete: .cascade))
            .field("action_id", .string, .required)
            .field("category", .string, .required)
            .field("kind", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("from_status", .string)
            .field("to_status", .string)
            .field("points_before", .double, .required)
            .field("points_after", .double, .required)
            .field("max_score", .double, .required)
            .field("actor", .string, .required)
            .field("detail", .string, .required)
            .field("sequence", .int, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {
        for table in [
            "changes", "snapshots", "action_tags", "status_history", "action_statuses", "measurements", "organizations",
        ] {
            try await database.schema(table).delete()
        }
    }
}
