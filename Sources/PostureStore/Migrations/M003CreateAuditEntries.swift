import FluentKit
import SQLKit

/// 003: the append-only, hash-chained audit log. No foreign key to organizations: the log outlives
/// a deleted organization, and its deletion is itself an entry.
public struct M003CreateAuditEntries: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema("audit_entries")
            .id()
            .field("sequence", .int, .required)
            .field("occurred_at", .datetime, .required)
            .field("actor", .string, .required)
            .field("organization_id", .string)
            .field("action", .string, .required)
            .field("target", .string)
            .field("before", .string)
            .field("after", .string)
            .field("request_id", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "audit_entries_org").on("audit_entries").column("organization_id").column(
            "sequence"
        )
        .run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("audit_entries").delete()
    }
}
