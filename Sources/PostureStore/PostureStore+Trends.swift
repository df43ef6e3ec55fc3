import FluentKit
import Foundation
import PostureCore
import SQLKit

extension PostureStore {
    // MARK: settings

    /// Both settings in one read.
    public func settings(
        _ organizationID: OrganizationID
    ) async throws -> (zones: ScoreZones, comparison: CustomComparison?) {
        // SQL, not the model: every overview reads them, and the model's reflection cost more than
        // the statement.
        let row = try await sql.select().columns("zones", "comparison").from(SettingsRecord.schema)
            .where("organization_id", .equal, organizationID.rawValue).first()
        return (
            try row?.decode(column: "zones", as: String?.self).flatMap(SettingsRecord.zones) ?? .default,
            try row?.decode(column: "comparison", as: String?.self).flatMap {
                try? StoredJSON.decode(CustomComparison.self, $0)
            }
        )
    }

    public func zones(_ organizationID: OrganizationID) async throws -> ScoreZones {
        try await settings(organizationID).zones
    }

    public func customComparison(_ organizationID: OrganizationID) async throws -> CustomComparison? {
        try await settings(organizationID).comparison
    }

    /// Stores the zones (nil: back to the defaults).
    public func setZones(
        _ organizationID: OrganizationID,
        _ zones: ScoreZones?,
        by actor: String,
        at instant: Date
    )
        async throws
    {
        try await updateSettings(organizationID, by: actor, at: instant) { record in
            record.zones = zones.map { StoredJSON.encode($0.ranges) }
            record.zoneOkayFrom = zones?.okayFrom
            record.zoneGoodFrom = zones?.goodFrom
        }
    }

    /// Stores the custom comparison (nil: none).
    public func setCustomComparison(
        _ organizationID: OrganizationID,
        _ comparison: CustomComparison?,
        by actor: String,
        at instant: Date
    ) async throws {
        try await updateSettings(organizationID, by: actor, at: instant) { record in
            record.comparison = comparison.map(StoredJSON.encode)
        }
    }

    private func updateSettings(
        _ organizationID: OrganizationID,
        by actor: String,
        at instant: Date,
        _ change: (SettingsRecord) -> Void
    ) async throws {
        let record = try await SettingsRecord.find(organizationID.rawValue, on: database) ?? SettingsRecord()
        record.id = organizationID.rawValue
        change(record)
        record.updatedAt = instant
        record.updatedBy = actor
        try await record.save(on: database)
        try await announceChange(organizationID)
    }

    /// Overwrites a stored snapshot with a recomputed one (`posture history recompute --apply`).
    /// Later days stored as deltas on this one are first rewritten in full, so they keep their
    /// own actions.
    public func replaceSnapshot(_ snapshot: DailySnapshot, at instant: Date) async throws {
        let organizationID = OrganizationID(snapshot.organizationID)
        let later = try await SnapshotRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$day > snapshot.day.description)
            .filter(\.$day < snapshot.day.adding(days: ActionsDelta.chainDays).description).sort(\.$day).all()
        let dependents = try later.filter { record in
            if case .delta(let delta) = try StoredActions(record.actionsText()) { return delta.base == snapshot.day }
            return false
        }
        if !dependents.isEmpty {
            let whole = try await resolvedActions(later, organizationID: organizationID)
            for record in dependents {
                guard let day = CivilDay(record.day), let actions = whole[day] else { continue }
                record.setActions(StoredJSON.encodeBulk(actions))
                try await record.update(on: database)
            }
        }
        try await SnapshotRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$day == snapshot.day.description).delete()
        try await insertSnapshot(snapshot, at: instant)
    }
}

extension PostureStore {
    /// Inserts many snapshots at once (imports, generated histories): 500 rows per statement, in
    /// one transaction. Unlike ``insertSnapshot(_:at:)`` it does not skip existing days; the
    /// unique index refuses duplicates and nothing is written.
    public func insertSnapshots(_ snapshots: [DailySnapshot], at instant: Date) async throws {
        // Each organization's days in order, as deltas on the day before within the batch (new
        // chains every ``ActionsDelta/chainDays``), so the encoding never depends on stored rows.
        let ordered = snapshots.sorted { ($0.organizationID, $0.day) < ($1.organizationID, $1.day) }
        var last: [String: (day: CivilDay, key: CivilDay, actions: [DailySnapshot.Action])] = [:]
        let records = ordered.map { snapshot -> SnapshotRecord in
            let record = SnapshotRecord()
            record.id = UUID()
            record.fill(from: snapshot, at: instant)
            var key = snapshot.day
            if let previous = last[snapshot.organizationID], ActionsDelta.extends(key: previous.key, to: snapshot.day) {
                key = previous.key
                record.setActions(
                    StoredJSON.encodeBulk(
                        ActionsDelta(base: previous.day, key: key, from: previous.actions, to: snapshot.actions)
                    )
                )
            } else {
                record.setActions(StoredJSON.encodeBulk(snapshot.actions))
            }
            last[snapshot.organizationID] = (snapshot.day, key, snapshot.actions)
            return record
        }
        try await transaction { store in
            for batch in stride(from: 0, to: records.count, by: 500) {
                try await Array(records[batch..<min(batch + 500, records.count)]).create(on: store.database)
            }
            for organizationID in Set(snapshots.map(\.organizationID)) {
                try await store.announceChange(OrganizationID(organizationID))
            }
        }
    }
}

extension SettingsRecord {
    /// The zones as stored; nil for the defaults (or a value that no longer reads).
    var storedZones: ScoreZones? { zones.flatMap(Self.zones) }

    /// The zones stored as `text`; nil when it does not hold valid ones.
    static func zones(_ text: String) -> ScoreZones? {
        (try? StoredJSON.decode([ScoreZones.Range].self, text)).flatMap { try? ScoreZones(ranges: $0) }
    }
}
