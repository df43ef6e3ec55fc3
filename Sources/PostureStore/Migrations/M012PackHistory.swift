import FluentKit
import Foundation
import PostureCore
import SQLKit

/// 012: history that grows with change, compactly. Snapshots get packed columns for their
/// categories and actions (``PackedText``; earlier rows keep their plain text and read back the
/// same). The change log moves from one row per entry (`changes`) to one packed row per write
/// (`change_batches`, keyed by organization and first sequence); existing entries are moved over
/// in their order, each organization's sequence renumbered from 1.
public struct M012PackHistory: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        // One column per statement: SQLite alters a table one column at a time.
        try await database.schema("snapshots").field("categories_packed", .data).update()
        try await database.schema("snapshots").field("actions_packed", .data).update()
        try await database.schema("change_batches")
            .field("organization_id", .string, .required)
            .field("first_sequence", .int64, .required)
            .field("last_sequence", .int64, .required)
            // Seconds since 1970: the range of the entries' times, for reads by period.
            .field("occurred_from", .double, .required)
            .field("occurred_to", .double, .required)
            .field("entries", .data, .required)
            .compositeIdentifier(over: "organization_id", "first_sequence")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for organizationID in try await organizations(sql) {
            try await moveChanges(of: organizationID, sql)
        }
        try await database.schema("changes").delete()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
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
            .field("cause", .string)
            .create()
        try await sql.create(index: "changes_org_time").on("changes").column("organization_id").column("occurred_at")
            .run()
        let rows = try await sql.select().columns("organization_id", "first_sequence", "entries")
            .from("change_batches").all()
        for row in rows {
            let organizationID = try row.decode(column: "organization_id", as: String.self)
            let first = try row.decode(column: "first_sequence", as: Int64.self)
            let batch = try StoredJSON.decode(
                StoredChangeBatch.self,
                PackedText.unpack(try row.decode(column: "entries", as: Data.self))
            )
            for (offset, entry) in batch.changes(of: organizationID).enumerated() {
                try await sql.insert(into: "changes")
                    .columns(["id", "organization_id"] + Self.entryColumns.dropLast() + ["sequence", "cause"])
                    .values(
                        SQLBind(UUID()),
                        SQLBind(organizationID),
                        SQLBind(entry.actionID),
                        SQLBind(entry.category.rawValue),
                        SQLBind(entry.kind.rawValue),
                        SQLBind(entry.occurredAt),
                        SQLBind(entry.fromStatus?.rawValue),
                        SQLBind(entry.toStatus?.rawValue),
                        SQLBind(entry.pointsBefore),
                        SQLBind(entry.pointsAfter),
                        SQLBind(entry.maxScore),
                        SQLBind(entry.actor),
                        SQLBind(entry.detail),
                        SQLBind(Int(first) + offset),
                        SQLBind(entry.cause.map { StoredJSON.encode(StoredCause($0)) })
                    )
                    .run()
            }
        }
        try await database.schema("change_batches").delete()
        // Packed snapshot columns back to text before they go.
        let packed = try await sql.select().columns("id", "categories_packed", "actions_packed").from("snapshots")
            .where(SQLColumn("actions_packed"), .isNot, SQLLiteral.null).all()
        for row in packed {
            try await sql.update("snapshots")
                .set(
                    "categories",
                    to: try PackedText.unpack(try row.decode(column: "categories_packed", as: Data.self))
                )
                .set("actions", to: try PackedText.unpack(try row.decode(column: "actions_packed", as: Data.self)))
                .where("id", .equal, try row.decode(column: "id", as: UUID.self))
                .run()
        }
        try await database.schema("snapshots").deleteField("categories_packed").update()
        try await database.schema("snapshots").deleteField("actions_packed").update()
    }

    /// The columns of one entry in the old `changes` table, as both directions read and write them.
    static let entryColumns = [
        "action_id", "category", "kind", "occurred_at", "from_status", "to_status", "points_before", "points_after",
        "max_score", "actor", "detail", "cause",
    ]

    private func organizations(_ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT DISTINCT organization_id FROM changes").all().map {
            try $0.decode(column: "organization_id", as: String.self)
        }
    }

    /// One organization's entries in their order, grouped as they were written (the same time
    /// and actor), at most ``PostureStore/changeBatchLimit`` to a row.
    private func moveChanges(of organizationID: String, _ sql: any SQLDatabase) async throws {
        let rows = try await sql.select()
            .columns(Self.entryColumns)
            .from("changes").where("organization_id", .equal, organizationID)
            .orderBy("sequence").orderBy("occurred_at").all()
        var groups: [[ChangeEntry]] = []
        for row in rows {
            let entry = ChangeEntry(
                organizationID: organizationID,
                actionID: try row.decode(column: "action_id", as: String.self),
                category: ActionCategory(rawValue: try row.decode(column: "category", as: String.self)) ?? .identity,
                kind: ChangeEntry.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .statusChanged,
                occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                fromStatus: try row.decodeIfPresent(column: "from_status", as: String.self).flatMap(ActionStatus.init),
                toStatus: try row.decodeIfPresent(column: "to_status", as: String.self).flatMap(ActionStatus.init),
                pointsBefore: try row.decode(column: "points_before", as: Double.self),
                pointsAfter: try row.decode(column: "points_after", as: Double.self),
                maxScore: try row.decode(column: "max_score", as: Double.self),
                actor: try row.decode(column: "actor", as: String.self),
                detail: try row.decode(column: "detail", as: String.self),
                cause: try row.decodeIfPresent(column: "cause", as: String.self).flatMap {
                    try? StoredJSON.decode(StoredCause.self, $0).cause
                }
            )
            if let last = groups.last?.last, last.occurredAt == entry.occurredAt, last.actor == entry.actor,
                groups[groups.count - 1].count < PostureStore.changeBatchLimit
            {
                groups[groups.count - 1].append(entry)
            } else {
                groups.append([entry])
            }
        }
        var sequence: Int64 = 0
        for group in groups {
            try await PostureStore.insertChangeBatch(
                sql,
                OrganizationID(organizationID),
                firstSequence: sequence + 1,
                group
            )
            sequence += Int64(group.count)
        }
    }
}
