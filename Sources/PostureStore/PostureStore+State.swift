import FluentKit
import Foundation
import PostureCore
import SQLKit

extension PostureStore {
    /// Inserts or replaces the latest measurement of each action, in one statement per 200
    /// measurements (a whole tenant's batch in one). Idempotent: the same batch twice leaves the
    /// same rows.
    public func upsertMeasurements(
        _ organizationID: OrganizationID,
        _ measurements: [ActionMeasurement],
        by actor: String,
        at instant: Date
    )
        async throws
    {
        let columns = [
            "organization_id", "action_id", "implemented", "achieved", "total", "observed_at", "achieved_entities",
            "total_entities", "excluded", "updated_at", "updated_by",
        ]
        let rows = Self.lastOfEachAction(measurements, \.actionID).map { measurement -> [any SQLExpression] in
            var implemented: Bool?
            var achieved: Int?
            var total: Int?
            switch measurement.result {
            case .implemented(let done): implemented = done
            case .counted(let a, let t): (achieved, total) = (a, t)
            }
            return [
                SQLBind(organizationID.rawValue), SQLBind(measurement.actionID), SQLBind(implemented),
                SQLBind(achieved), SQLBind(total), SQLBind(measurement.observedAt),
                SQLBind(measurement.achievedEntities.map(StoredJSON.encode)),
                SQLBind(measurement.totalEntities.map(StoredJSON.encode)),
                SQLBind(StoredJSON.encode(measurement.excluded)), SQLBind(instant), SQLBind(actor),
            ]
        }
        try await upsert(into: "measurements", columns: columns, rows: rows)
        try await announceChange(organizationID)
    }

    /// When each stored measurement of `actionIDs` was observed (its arrival when it named no time).
    public func observationTimes(_ organizationID: OrganizationID, _ actionIDs: [String]) async throws -> [String: Date]
    {
        guard !actionIDs.isEmpty else { return [:] }
        let rows = try await sql.select().columns("action_id", "observed_at", "updated_at").from("measurements")
            .where("organization_id", .equal, organizationID.rawValue)
            .where("action_id", .in, actionIDs)
            .all()
        var times: [String: Date] = [:]
        for row in rows {
            let observed = try row.decodeIfPresent(column: "observed_at", as: Date.self)
            times[try row.decode(column: "action_id", as: String.self)] =
                try observed ?? row.decode(column: "updated_at", as: Date.self)
        }
        return times
    }

    /// Read with SQL rather than through the model: scoring reads every measurement on each
    /// write, and the model's reflection cost most of it.
    public func measurements(_ organizationID: OrganizationID) async throws -> [ActionMeasurement] {
        try await sql.select()
            .columns(
                "action_id",
                "implemented",
                "achieved",
                "total",
                "observed_at",
                "achieved_entities",
                "total_entities",
                "excluded"
            )
            .from("measurements")
            .where("organization_id", .equal, organizationID.rawValue)
            .orderBy("action_id")
            .all()
            .map { row in
                let result: ActionMeasurement.Result =
                    if let implemented = try row.decodeIfPresent(column: "implemented", as: Bool.self) {
                        .implemented(implemented)
                    } else {
                        .counted(
                            achieved: try row.decodeIfPresent(column: "achieved", as: Int.self) ?? 0,
                            total: try row.decodeIfPresent(column: "total", as: Int.self) ?? 0
                        )
                    }
                return ActionMeasurement(
                    actionID: try row.decode(column: "action_id", as: String.self),
                    result: result,
                    observedAt: try row.decodeIfPresent(column: "observed_at", as: Date.self),
                    achievedEntities: try row.decodeIfPresent(column: "achieved_entities", as: String.self).map {
                        try StoredJSON.decode([String].self, $0)
                    },
                    totalEntities: try row.decodeIfPresent(column: "total_entities", as: String.self).map {
                        try StoredJSON.decode([String].self, $0)
                    },
                    excluded: try StoredJSON.decode(
                        [Exclusion].self,
                        try row.decode(column: "excluded", as: String.self)
                    )
                )
            }
    }

    /// Records a status: the current one is replaced and the change appended to the history.
    public func setStatus(_ organizationID: OrganizationID, _ record: StatusRecord) async throws {
        try await setStatuses(organizationID, [record])
    }

    /// Sets several statuses at once (the system's, after a batch of measurements): the current
    /// records replaced and the history appended, in one statement each per 200 records. When an
    /// action comes twice, its last record is the current one and both go to the history.
    public func setStatuses(_ organizationID: OrganizationID, _ records: [StatusRecord]) async throws {
        guard !records.isEmpty else { return }
        try await upsert(
            into: "action_statuses",
            columns: Self.statusColumns,
            rows: Self.lastOfEachAction(records, \.actionID).map { Self.statusBinds(organizationID, $0) }
        )
        try await appendStatusHistory(organizationID, records)
    }

    /// Adds a status to the history only, leaving the current record as it is: the system's
    /// transitions (a regression, an expired exception), which the scoring already applies.
    public func appendStatusHistory(_ organizationID: OrganizationID, _ record: StatusRecord) async throws {
        try await appendStatusHistory(organizationID, [record])
    }

    /// Several history entries, in order, in one statement per 200.
    public func appendStatusHistory(_ organizationID: OrganizationID, _ records: [StatusRecord]) async throws {
        guard !records.isEmpty else { return }
        let last = try await sql.raw(Self.lastStatusSequence(organizationID)).first()
        var sequence = try last.flatMap { try $0.decodeIfPresent(column: "last", as: Int.self) } ?? 0
        for start in stride(from: 0, to: records.count, by: 200) {
            let insert = sql.insert(into: "status_history").columns(["id"] + Self.statusColumns + ["sequence"])
            for record in records[start..<min(start + 200, records.count)] {
                sequence += 1
                insert.values([SQLBind(UUID())] + Self.statusBinds(organizationID, record) + [SQLBind(sequence)])
            }
            try await insert.run()
        }
        try await announceChange(organizationID)
    }

    /// The last item of each action, in the order the actions first appear: one row per action
    /// must hold, and the last word on it wins.
    static func lastOfEachAction<Item>(_ items: [Item], _ actionID: (Item) -> String) -> [Item] {
        var latest: [String: Item] = [:]
        var order: [String] = []
        for item in items where latest.updateValue(item, forKey: actionID(item)) == nil {
            order.append(actionID(item))
        }
        return order.map { latest[$0]! }
    }

    /// Inserts one row per action into a table keyed by `(organization_id, action_id)`, 200 rows a
    /// statement; `columns` start with those two keys and each row gives their values in order.
    /// A stored row keeps its id and keys and takes every other column's new value.
    private func upsert(into table: String, columns: [String], rows: [[any SQLExpression]]) async throws {
        for start in stride(from: 0, to: rows.count, by: 200) {
            let insert = sql.insert(into: table).columns(["id"] + columns)
            for row in rows[start..<min(start + 200, rows.count)] { insert.values([SQLBind(UUID())] + row) }
            try await insert.onConflict(with: Array(columns.prefix(2))) { update in
                var update = update
                for column in columns.dropFirst(2) { update = update.set(excludedValueOf: column) }
                return update
            }.run()
        }
    }

    /// The organization's last status-history sequence, read through the
    /// `status_history_org_sequence` index (migration 031): one step, however long the history.
    static func lastStatusSequence(_ organizationID: OrganizationID) -> SQLQueryString {
        "SELECT MAX(sequence) AS last FROM status_history WHERE organization_id = \(bind: organizationID.rawValue)"
    }

    /// The columns a status is stored in, keys first; the same in the current table and the history.
    static let statusColumns = [
        "organization_id", "action_id", "status", "note", "owner", "expires_at", "target_date", "set_by", "set_at",
        "client_state",
    ]

    /// A record's values for ``statusColumns``, in their order. A record the system made without a
    /// setter or a time is stored as set by "unknown" at the epoch, as it always was.
    static func statusBinds(_ organizationID: OrganizationID, _ record: StatusRecord) -> [any SQLExpression] {
        [
            SQLBind(organizationID.rawValue), SQLBind(record.actionID), SQLBind(record.status.rawValue),
            SQLBind(record.note), SQLBind(record.owner), SQLBind(record.expiresAt),
            SQLBind(record.targetDate?.description), SQLBind(record.setBy ?? "unknown"),
            SQLBind(record.setAt ?? Date(timeIntervalSince1970: 0)), SQLBind(record.clientState),
        ]
    }

    /// Read with SQL, as ``measurements(_:)`` is.
    public func statuses(_ organizationID: OrganizationID) async throws -> [StatusRecord] {
        try await statusRecords(from: "action_statuses", organizationID, actionID: nil, orderBy: "action_id")
    }

    /// Every status ever set, oldest first; optionally for one action.
    public func statusHistory(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil
    ) async throws -> [StatusRecord] {
        try await statusRecords(from: "status_history", organizationID, actionID: actionID, orderBy: "sequence")
    }

    /// The records of either status table (both hold ``statusColumns``), read with SQL.
    private func statusRecords(
        from table: String,
        _ organizationID: OrganizationID,
        actionID: ActionID?,
        orderBy order: String
    ) async throws -> [StatusRecord] {
        var query = sql.select().columns(Array(Self.statusColumns.dropFirst())).from(table)
            .where("organization_id", .equal, organizationID.rawValue)
        if let actionID { query = query.where("action_id", .equal, actionID.rawValue) }
        return try await query.orderBy(order).all().map { row in
            StatusRecord(
                actionID: try row.decode(column: "action_id", as: String.self),
                status: ActionStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .toAddress,
                note: try row.decodeIfPresent(column: "note", as: String.self),
                owner: try row.decodeIfPresent(column: "owner", as: String.self),
                expiresAt: try row.decodeIfPresent(column: "expires_at", as: Date.self),
                targetDate: try row.decodeIfPresent(column: "target_date", as: String.self).flatMap { CivilDay($0) },
                setBy: try row.decode(column: "set_by", as: String.self),
                setAt: try row.decode(column: "set_at", as: Date.self),
                clientState: try row.decodeIfPresent(column: "client_state", as: String.self)
            )
        }
    }

    public func tags(_ organizationID: OrganizationID) async throws -> [String: [String]] {
        let rows = try await TagRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue).sort(
            \.$tag
        )
        .all()
        return Dictionary(grouping: rows, by: \.actionID).mapValues { $0.map(\.tag) }
    }

    /// Adds a tag; returns false when the action already had it.
    public func addTag(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        tag: String,
        at instant: Date
    ) async throws -> Bool {
        let exists =
            try await TagRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$actionID == actionID.rawValue).filter(\.$tag == tag).count() > 0
        if exists { return false }
        let record = TagRecord()
        record.organizationID = organizationID.rawValue
        record.actionID = actionID.rawValue
        record.tag = tag
        record.createdAt = instant
        try await record.create(on: database)
        try await announceChange(organizationID)
        return true
    }

    /// Removes a tag; returns false when the action did not have it.
    public func removeTag(_ organizationID: OrganizationID, actionID: ActionID, tag: String) async throws -> Bool {
        let query = TagRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$actionID == actionID.rawValue).filter(\.$tag == tag)
        let count = try await query.count()
        try await query.delete()
        if count > 0 { try await announceChange(organizationID) }
        return count > 0
    }
}
