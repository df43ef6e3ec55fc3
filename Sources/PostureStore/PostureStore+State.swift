import FluentKit
import Foundation
import PostureCore

extension PostureStore {
    /// Inserts or replaces the latest measurement of each action. Idempotent: the same batch twice
    /// leaves the same rows.
    public func upsertMeasurements(
        _ organizationID: String,
        _ measurements: [ActionMeasurement],
        by actor: String,
        at instant: Date
    )
        async throws
    {
        let ids = measurements.map(\.actionID)
        let existing = try await MeasurementRecord.query(on: database)
            .filter(\.$organizationID == organizationID).filter(\.$actionID ~~ ids).all()
        let byID = Dictionary(existing.map { ($0.actionID, $0) }, uniquingKeysWith: { first, _ in first })
        for measurement in measurements {
            let record = byID[measurement.actionID] ?? MeasurementRecord()
            record.organizationID = organizationID
            record.actionID = measurement.actionID
            switch measurement.result {
            case .implemented(let done):
                record.implemented = done
                record.achieved = nil
                record.total = nil
            case .counted(let achieved, let total):
                record.implemented = nil
                record.achieved = achieved
                record.total = total
            }
            record.observedAt = measurement.observedAt
            record.achievedEntities = measurement.achievedEntities.map(StoredJSON.encode)
            record.totalEntities = measurement.totalEntities.map(StoredJSON.encode)
            record.excluded = StoredJSON.encode(measurement.excluded)
            record.updatedAt = instant
            record.updatedBy = actor
            try await record.save(on: database)
        }
        try await announceChange()
    }

    /// When each stored measurement of `actionIDs` was observed (its arrival when it named no time).
    public func observationTimes(_ organizationID: String, _ actionIDs: [String]) async throws -> [String: Date] {
        let records = try await MeasurementRecord.query(on: database)
            .filter(\.$organizationID == organizationID).filter(\.$actionID ~~ actionIDs).all()
        return Dictionary(
            records.map { ($0.actionID, $0.observedAt ?? $0.updatedAt) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    public func measurements(_ organizationID: String) async throws -> [ActionMeasurement] {
        try await MeasurementRecord.query(on: database).filter(\.$organizationID == organizationID).sort(\.$actionID)
            .all()
            .map { record in
                let result: ActionMeasurement.Result =
                    if let implemented = record.implemented { .implemented(implemented) } else {
                        .counted(achieved: record.achieved ?? 0, total: record.total ?? 0)
                    }
                return ActionMeasurement(
                    actionID: record.actionID,
                    result: result,
                    observedAt: record.observedAt,
                    achievedEntities: try record.achievedEntities.map { try StoredJSON.decode([String].self, $0) },
                    totalEntities: try record.totalEntities.map { try StoredJSON.decode([String].self, $0) },
                    excluded: try StoredJSON.decode([Exclusion].self, record.excluded)
                )
            }
    }

    /// Records a status: the current one is replaced and the change appended to the history.
    public func setStatus(_ organizationID: String, _ record: StatusRecord) async throws {
        let setBy = record.setBy ?? "unknown"
        let setAt = record.setAt ?? Date(timeIntervalSince1970: 0)
        let current =
            try await StatusRow.query(on: database).filter(\.$organizationID == organizationID)
            .filter(\.$actionID == record.actionID).first() ?? StatusRow()
        current.organizationID = organizationID
        current.actionID = record.actionID
        current.fill(record, setBy: setBy, setAt: setAt)
        try await current.save(on: database)
        try await appendStatusHistory(organizationID, record)
    }

    /// Adds a status to the history only, leaving the current record as it is: the system's
    /// transitions (a regression, an expired exception), which the scoring already applies.
    public func appendStatusHistory(_ organizationID: String, _ record: StatusRecord) async throws {
        let last = try await StatusHistoryRow.query(on: database).filter(\.$organizationID == organizationID)
            .sort(\.$sequence, .descending).first()
        let history = StatusHistoryRow()
        history.organizationID = organizationID
        history.fill(record, setBy: record.setBy ?? "unknown", setAt: record.setAt ?? Date(timeIntervalSince1970: 0))
        history.sequence = (last?.sequence ?? 0) + 1
        try await history.create(on: database)
        try await announceChange()
    }

    public func statuses(_ organizationID: String) async throws -> [StatusRecord] {
        try await StatusRow.query(on: database).filter(\.$organizationID == organizationID).sort(\.$actionID).all()
            .map(\.record)
    }

    /// Every status ever set, oldest first; optionally for one action.
    public func statusHistory(_ organizationID: String, actionID: String? = nil) async throws -> [StatusRecord] {
        var query = StatusHistoryRow.query(on: database).filter(\.$organizationID == organizationID)
        if let actionID { query = query.filter(\.$actionID == actionID) }
        return try await query.sort(\.$sequence).all().map(\.record)
    }

    public func tags(_ organizationID: String) async throws -> [String: [String]] {
        let rows = try await TagRecord.query(on: database).filter(\.$organizationID == organizationID).sort(\.$tag)
            .all()
        return Dictionary(grouping: rows, by: \.actionID).mapValues { $0.map(\.tag) }
    }

    /// Adds a tag; returns false when the action already had it.
    public func addTag(_ organizationID: String, actionID: String, tag: String, at instant: Date) async throws -> Bool {
        let exists =
            try await TagRecord.query(on: database).filter(\.$organizationID == organizationID)
            .filter(\.$actionID == actionID).filter(\.$tag == tag).count() > 0
        if exists { return false }
        let record = TagRecord()
        record.organizationID = organizationID
        record.actionID = actionID
        record.tag = tag
        record.createdAt = instant
        try await record.create(on: database)
        try await announceChange()
        return true
    }

    /// Removes a tag; returns false when the action did not have it.
    public func removeTag(_ organizationID: String, actionID: String, tag: String) async throws -> Bool {
        let query = TagRecord.query(on: database).filter(\.$organizationID == organizationID)
            .filter(\.$actionID == actionID).filter(\.$tag == tag)
        let count = try await query.count()
        try await query.delete()
        if count > 0 { try await announceChange() }
        return count > 0
    }
}

/// The columns both status tables share, so rows convert to and from ``StatusRecord`` one way.
protocol StatusColumns: AnyObject {
    var actionID: String { get set }
    var status: String { get set }
    var note: String? { get set }
    var owner: String? { get set }
    var expiresAt: Date? { get set }
    var targetDate: String? { get set }
    var setBy: String { get set }
    var setAt: Date { get set }
    var clientState: String? { get set }
}

extension StatusRow: StatusColumns {}
extension StatusHistoryRow: StatusColumns {}

extension StatusColumns {
    func fill(_ record: StatusRecord, setBy: String, setAt: Date) {
        actionID = record.actionID
        status = record.status.rawValue
        note = record.note
        owner = record.owner
        expiresAt = record.expiresAt
        targetDate = record.targetDate?.description
        self.setBy = setBy
        self.setAt = setAt
        clientState = record.clientState
    }

    var record: StatusRecord {
        StatusRecord(
            actionID: actionID,
            status: ActionStatus(rawValue: status) ?? .toAddress,
            note: note,
            owner: owner,
            expiresAt: expiresAt,
            targetDate: targetDate.flatMap { CivilDay($0) },
            setBy: setBy,
            setAt: setAt,
            clientState: clientState
        )
    }
}
