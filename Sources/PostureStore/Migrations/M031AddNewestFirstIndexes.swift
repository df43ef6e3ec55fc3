import FluentKit
import SQLKit

/// 031: indexes for the two reads that took an organization's whole history to answer a question
/// about its newest rows: the change log's newest spans, newest first (the overview's "recent
/// changes", `recentChanges`), and the status history's last sequence (every status written).
/// Both grew with the history's length (400 days of demo data: 399 change-log rows scanned and
/// sorted on every overview).
public struct M031AddNewestFirstIndexes: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        // Covers the spans read (the sequences and times), so the rows themselves, with their
        // packed entries, are not read until they are chosen.
        try await sql.create(index: "change_batches_newest").on("change_batches")
            .column("organization_id").column("occurred_to").column("first_sequence")
            .column("last_sequence").column("occurred_from")
            .run()
        try await sql.create(index: "status_history_org_sequence").on("status_history")
            .column("organization_id").column("sequence")
            .run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "status_history_org_sequence").run()
        try await sql.drop(index: "change_batches_newest").run()
    }
}
