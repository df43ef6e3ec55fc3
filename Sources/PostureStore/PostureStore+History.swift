import FluentKit
import Foundation
import PostureCore
import SQLKit

extension PostureStore {
    /// Writes the day's snapshot unless one exists. Returns false when the day was already taken:
    /// snapshots are immutable, so a second sync on the same day changes nothing. Its actions are
    /// stored as a delta from the organization's previous snapshot when that one is close enough
    /// (``ActionsDelta``), else in full.
    @discardableResult
    public func insertSnapshot(_ snapshot: DailySnapshot, at instant: Date) async throws -> Bool {
        if try await hasSnapshot(OrganizationID(snapshot.organizationID), day: snapshot.day) { return false }
        try await insertAbsentSnapshot(snapshot, at: instant)
        return true
    }

    /// Overwrites the organization's newest snapshot, which the caller knows is `snapshot`'s day
    /// (today's, following the current state): no later day can be stored as a delta on it, so
    /// unlike ``replaceSnapshot(_:at:)`` nothing else is read or rewritten.
    public func replaceNewestSnapshot(_ snapshot: DailySnapshot, at instant: Date) async throws {
        try await sql.raw(
            """
            DELETE FROM snapshots WHERE organization_id = \(bind: snapshot.organizationID)
                AND day = \(bind: snapshot.day.description)
            """
        ).run()
        try await insertAbsentSnapshot(snapshot, at: instant)
    }

    /// ``insertSnapshot(_:at:)`` for a day the caller knows has no snapshot.
    private func insertAbsentSnapshot(_ snapshot: DailySnapshot, at instant: Date) async throws {
        let record = SnapshotRecord()
        record.fill(from: snapshot, at: instant)
        var actions: String?
        // SQL, not the model: today's snapshot is written again on every write.
        if let previous = try await sql.raw(
            """
            SELECT day, actions, actions_packed FROM snapshots WHERE organization_id = \(bind: snapshot.organizationID)
                AND day < \(bind: snapshot.day.description) ORDER BY day DESC LIMIT 1
            """
        ).first(),
            let previousDay = CivilDay(try previous.decode(column: "day", as: String.self))
        {
            let stored = try StoredActions(
                packed: try previous.decode(column: "actions_packed", as: Data?.self),
                text: try previous.decode(column: "actions", as: String.self)
            )
            let key = stored.key ?? previousDay
            if ActionsDelta.extends(key: key, to: snapshot.day) {
                let base = try await resolvedActions(
                    [(previousDay, stored)],
                    organizationID: OrganizationID(snapshot.organizationID)
                )
                if let old = base[previousDay] {
                    actions = StoredJSON.encodeBulk(
                        ActionsDelta(base: previousDay, key: key, from: old, to: snapshot.actions)
                    )
                }
            }
        }
        record.setActions(actions ?? StoredJSON.encodeBulk(snapshot.actions))
        try await record.create(on: database)
        try await announceChange(OrganizationID(snapshot.organizationID))
    }

    /// Every given record's actions, whole: deltas are applied to their bases, read as needed
    /// back to their chains' keys. The records must be of one organization and contiguous in
    /// day order (a range or a page), which every caller's query gives.
    func resolvedActions(
        _ records: [SnapshotRecord],
        organizationID: OrganizationID
    ) async throws -> [CivilDay: [DailySnapshot.Action]] {
        try await resolvedActions(
            try records.compactMap { record in
                guard let day = CivilDay(record.day) else { return nil }
                return (day, try StoredActions(record.actionsText()))
            },
            organizationID: organizationID
        )
    }

    /// The same for rows whose actions column is already read.
    func resolvedActions(
        _ rows: [(CivilDay, StoredActions)],
        organizationID: OrganizationID
    ) async throws -> [CivilDay: [DailySnapshot.Action]] {
        var stored = rows
        let keys = stored.compactMap { $0.1.key }
        if let oldest = stored.map(\.0).min(), let firstKey = keys.min(), firstKey < oldest {
            let earlier = try await SnapshotRecord.query(on: database).filter(
                \.$organizationID == organizationID.rawValue
            )
            .filter(\.$day >= firstKey.description).filter(\.$day < oldest.description)
            .field(\.$day).field(\.$actions).field(\.$actionsPacked).all()
            stored += try earlier.compactMap { record in
                guard let day = CivilDay(record.day) else { return nil }
                return (day, try StoredActions(record.actionsText()))
            }
        }
        var resolved: [CivilDay: [DailySnapshot.Action]] = [:]
        for (day, actions) in stored.sorted(by: { $0.0 < $1.0 }) {
            switch actions {
            case .full(let list):
                resolved[day] = list
            case .delta(let delta):
                guard let base = resolved[delta.base] else {
                    throw DecodingError.dataCorrupted(
                        .init(
                            codingPath: [],
                            debugDescription: "snapshot \(day) of \(organizationID) lacks its base \(delta.base)"
                        )
                    )
                }
                resolved[day] = delta.apply(to: base)
            }
        }
        return resolved
    }

    /// Snapshots newest first, optionally within `[from, to]`, with offset and limit for paging.
    /// A day in `known` whose stored score matches takes those actions instead of resolving its
    /// stored chain (today's, from the current score).
    public func snapshots(
        _ organizationID: OrganizationID,
        from: CivilDay? = nil,
        to: CivilDay? = nil,
        offset: Int = 0,
        limit: Int? = nil,
        known: [CivilDay: (score: Double, actions: [DailySnapshot.Action])] = [:]
    ) async throws -> [DailySnapshot] {
        var query = SnapshotRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
        if let from { query = query.filter(\.$day >= from.description) }
        if let to { query = query.filter(\.$day <= to.description) }
        query = query.sort(\.$day, .descending)
        if offset > 0 { query = query.offset(offset) }
        // SQLite accepts OFFSET only after a LIMIT.
        if let limit { query = query.limit(limit) } else if offset > 0 { query = query.limit(Int(Int32.max)) }
        let records = try await query.all()
        var given: [CivilDay: [DailySnapshot.Action]] = [:]
        for record in records {
            if let day = CivilDay(record.day), let match = known[day], abs(match.score - record.score) < 1e-9 {
                given[day] = match.actions
            }
        }
        let unresolved = records.filter { CivilDay($0.day).map { given[$0] == nil } ?? true }
        let actions = try await resolvedActions(unresolved, organizationID: organizationID).merging(given) { _, new in
            new
        }
        return try records.map { try DailySnapshot($0, actions: actions) }
    }

    public func snapshot(_ organizationID: OrganizationID, day: CivilDay) async throws -> DailySnapshot? {
        guard
            let record = try await SnapshotRecord.query(on: database).filter(
                \.$organizationID == organizationID.rawValue
            )
            .filter(\.$day == day.description).first()
        else { return nil }
        return try DailySnapshot(record, actions: try await resolvedActions([record], organizationID: organizationID))
    }

    public func snapshotCount(_ organizationID: OrganizationID) async throws -> Int {
        try await SnapshotRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue).count()
    }

    public func latestSnapshotDay(_ organizationID: OrganizationID) async throws -> CivilDay? {
        // SQL, not the model: every write asks, and the model's reflection cost more than the read.
        try await sql.raw(
            """
            SELECT day FROM snapshots WHERE organization_id = \(bind: organizationID.rawValue)
            ORDER BY day DESC LIMIT 1
            """
        ).first().flatMap { CivilDay(try $0.decode(column: "day", as: String.self)) }
    }

    /// Whether the day has a snapshot, without reading it.
    public func hasSnapshot(_ organizationID: OrganizationID, day: CivilDay) async throws -> Bool {
        try await SnapshotRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$day == day.description).count() > 0
    }

    /// Every organization's score on the given days without the per-action breakdown: what
    /// cohort comparisons need, read without decoding the heavy columns.
    public func scoreSummaries(days: [CivilDay]) async throws -> [DailySnapshot] {
        guard !days.isEmpty else { return [] }
        let rows = try await SnapshotRecord.query(on: database).filter(\.$day ~~ days.map(\.description))
            .field(\.$organizationID).field(\.$day).field(\.$score).field(\.$maxScore).field(\.$verifiedScore)
            .field(\.$categories).field(\.$categoriesPacked).field(\.$catalogVersion).field(\.$modelVersion).field(
                \.$filled
            )
            .field(\.$licensedUserCount).field(\.$activeUserCount).all()
        // `actions` was not read: the summaries leave the per-action breakdown out.
        return try rows.map { try DailySnapshot(summaryOf: $0) }
    }

    /// One organization's snapshots in `[from, to]`, oldest first, without the per-action breakdown:
    /// what score series and comparisons need, read without decoding the heaviest column.
    public func snapshotSummaries(
        _ organizationID: OrganizationID,
        from: CivilDay,
        to: CivilDay
    ) async throws -> [DailySnapshot] {
        let rows = try await SnapshotRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$day >= from.description).filter(\.$day <= to.description).sort(\.$day)
            .field(\.$organizationID).field(\.$day).field(\.$score).field(\.$maxScore).field(\.$verifiedScore)
            .field(\.$categories).field(\.$categoriesPacked).field(\.$catalogVersion).field(\.$modelVersion).field(
                \.$filled
            )
            .field(\.$licensedUserCount).field(\.$activeUserCount).all()
        return try rows.map { try DailySnapshot(summaryOf: $0) }
    }

    /// A cheap round trip for readiness checks.
    public func ping() async throws {
        try await sql.raw("SELECT 1").run()
    }

    /// One organization's percentage on each day of `[from, to]` that has a snapshot.
    /// Read with SQL: the model's reflection cost more than the rest of the overview page.
    public func percentages(
        _ organizationID: OrganizationID,
        from: CivilDay,
        to: CivilDay
    ) async throws -> [CivilDay: Double] {
        let rows = try await valueRows(
            """
            SELECT day, percentage FROM snapshots WHERE organization_id = \(bind: organizationID.rawValue)
                AND day >= \(bind: from.description) AND day <= \(bind: to.description)
            """
        )
        var result: [CivilDay: Double] = [:]
        for row in rows {
            guard let day = CivilDay(try row.required("day", ValueRow.string)) else { continue }
            if result[day] == nil { result[day] = try row.required("percentage", ValueRow.double) }
        }
        return result
    }
}

extension SnapshotRecord {
    func fill(from snapshot: DailySnapshot, at instant: Date) {
        organizationID = snapshot.organizationID
        day = snapshot.day.description
        score = snapshot.score
        maxScore = snapshot.maxScore
        verifiedScore = snapshot.verifiedScore
        // The actions are left to the caller, which knows whether they go as a delta: packing
        // the full list only to replace it would cost a write more than the rest of it.
        setCategories(StoredJSON.encodeBulk(snapshot.categories))
        catalogVersion = snapshot.catalogVersion
        modelVersion = snapshot.scoringModelVersion
        filled = snapshot.filled
        licensedUserCount = snapshot.licensedUserCount
        activeUserCount = snapshot.activeUserCount
        createdAt = instant
        applyTrendColumns(
            score: snapshot.score,
            maxScore: snapshot.maxScore,
            categories: snapshot.categories,
            seats: SeatBand.seats(licensed: snapshot.licensedUserCount, active: snapshot.activeUserCount)
        )
    }
}

/// A snapshot's `actions` column: a JSON array in full, or a JSON object holding an
/// ``ActionsDelta``.
enum StoredActions {
    case full([DailySnapshot.Action])
    case delta(ActionsDelta)

    /// From a row's two columns: the packed bytes when there are any (rows since migration 012),
    /// else the plain text.
    init(packed: Data?, text: String) throws {
        try self.init(try packed.map(PackedText.unpack) ?? text)
    }

    init(_ text: String) throws {
        if text.first == "{" {
            self = .delta(try StoredJSON.decode(ActionsDelta.self, text))
        } else {
            self = .full(try StoredJSON.decode([DailySnapshot.Action].self, text))
        }
    }

    /// The chain's key for a delta; nil for a day stored in full (its own key).
    var key: CivilDay? {
        if case .delta(let delta) = self { return delta.key }
        return nil
    }
}

extension DailySnapshot {
    /// A record with its actions resolved by ``PostureStore/resolvedActions(_:organizationID:)``.
    init(_ record: SnapshotRecord, actions: [CivilDay: [DailySnapshot.Action]]) throws {
        try self.init(summaryOf: record)
        self.actions = actions[day] ?? []
    }

    /// A record without its per-action breakdown.
    init(summaryOf record: SnapshotRecord) throws {
        guard let day = CivilDay(record.day) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad snapshot day \(record.day)"))
        }
        self.init(
            organizationID: record.organizationID,
            day: day,
            score: record.score,
            maxScore: record.maxScore,
            verifiedScore: record.verifiedScore,
            categories: try StoredJSON.decode([DailySnapshot.Category].self, record.categoriesText()),
            actions: [],
            catalogVersion: record.catalogVersion,
            scoringModelVersion: record.modelVersion,
            filled: record.filled,
            licensedUserCount: record.licensedUserCount,
            activeUserCount: record.activeUserCount
        )
    }
}
