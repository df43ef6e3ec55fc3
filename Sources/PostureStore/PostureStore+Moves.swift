import Foundation
import PostureCore
import SQLKit

extension PostureStore {
    /// The moves of `[from, to]`: the last stored day before `from` is the baseline (or the first
    /// day of the range when none is earlier), and every later stored day's moves against the day
    /// before. Equal to ``PeriodMoves/init(_:)`` of the same snapshots. Days already worked out
    /// come from ``HistoryCache`` when their rows are unchanged; the others are read from their
    /// stored deltas, so a year costs its changes and a full day every ``ActionsDelta/chainDays``,
    /// not every day's actions.
    public func periodMoves(
        _ organizationID: OrganizationID,
        from: CivilDay,
        to: CivilDay
    ) async throws
        -> PeriodMoves
    {
        try await fingerprintedMoves(organizationID, from: from, to: to).moves
    }

    /// The same, with a fingerprint of every stored row the moves came from (each day and its
    /// actions): equal fingerprints in this process mean the same moves, so what is worked out
    /// from them can be kept under it; and each day's percentage in `[from, to]`, read with them
    /// (what ``percentages(_:from:to:)`` gives).
    public func fingerprintedMoves(
        _ organizationID: OrganizationID,
        from: CivilDay,
        to: CivilDay
    ) async throws
        -> (moves: PeriodMoves, fingerprint: Int, percentages: [CivilDay: Double])
    {
        let baseline = try await sql.raw(
            """
            SELECT day FROM snapshots WHERE organization_id = \(bind: organizationID.rawValue)
                AND day < \(bind: from.description) ORDER BY day DESC LIMIT 1
            """
        ).first().flatMap { CivilDay(try $0.decode(column: "day", as: String.self)) }
        // Each day's fingerprint is stored with it (migration 028): the days are checked
        // against what is already worked out without reading their actions.
        var rows = try await valueRows(
            """
            SELECT day, score, percentage, catalog_version, model_version, actions_hash FROM snapshots
            WHERE organization_id = \(bind: organizationID.rawValue) AND day >= \(bind: (baseline ?? from).description)
                AND day <= \(bind: to.description)
            ORDER BY day
            """
        ).map(MovesRow.init(row:))
        if let firstUnknown = rows.firstIndex(where: { $0.hash == nil }),
            let lastUnknown = rows.lastIndex(where: { $0.hash == nil })
        {
            try await readActions(of: &rows, firstUnknown...lastUnknown, organizationID: organizationID)
        }
        var whole = Hasher()
        for row in rows {
            whole.combine(row.day.daysSinceEpoch)
            whole.combine(row.fingerprint)
        }
        var percentages: [CivilDay: Double] = [:]
        for row in rows where row.day >= from { percentages[row.day] = row.percentage }
        guard let first = rows.first else { return (PeriodMoves(firstDay: nil, firstScore: 0, days: []), 0, [:]) }
        let fingerprints = zip(rows, rows.dropFirst()).map { previous, row in
            HistoryCache.Fingerprint(own: row.fingerprint, previousDay: previous.day, previous: previous.fingerprint)
        }
        // Only the moves come from the cache: a day's score and versions are read from its row.
        var days = zip(zip(rows, rows.dropFirst()), fingerprints).map { pair, fingerprint -> DayMoves? in
            let (previous, row) = pair
            return history.moves(organizationID, day: row.day, fingerprint: fingerprint).map {
                DayMoves(
                    day: row.day,
                    score: row.score,
                    versions: row.versions,
                    previousVersions: previous.versions,
                    moves: $0.moves
                )
            }
        }
        // Work out the days not held, from the day before the first of them to the last.
        if let firstMissing = days.firstIndex(where: { $0 == nil }),
            let lastMissing = days.lastIndex(where: { $0 == nil })
        {
            try await readActions(of: &rows, firstMissing...(lastMissing + 1), organizationID: organizationID)
            let worked = try await walk(Array(rows[firstMissing...(lastMissing + 1)]), organizationID: organizationID)
            for (offset, day) in worked.enumerated() { days[firstMissing + offset] = day }
            history.keep(organizationID, Array(zip(fingerprints[firstMissing...lastMissing], worked)))
        }
        return (
            PeriodMoves(firstDay: first.day, firstScore: first.score, days: days.compactMap { $0 }), whole.finalize(),
            percentages
        )
    }

    /// Reads the stored actions of the rows in `wanted` not read yet (one range query), and
    /// fingerprints those written before their fingerprint was stored.
    private func readActions(
        of rows: inout [MovesRow],
        _ wanted: ClosedRange<Int>,
        organizationID: OrganizationID
    ) async throws {
        // Rows fingerprinted from their actions (written before migration 028) already hold them.
        guard let first = wanted.first(where: { rows[$0].actions == nil }),
            let last = wanted.last(where: { rows[$0].actions == nil })
        else { return }
        let range = first...last
        let stored = try await valueRows(
            """
            SELECT day, actions, actions_packed FROM snapshots WHERE organization_id = \(bind: organizationID.rawValue)
                AND day >= \(bind: rows[range.lowerBound].day.description)
                AND day <= \(bind: rows[range.upperBound].day.description)
            """
        )
        var byDay: [String: (packed: Data?, text: String)] = [:]
        for row in stored {
            byDay[try row.required("day", ValueRow.string)] = (
                try row.data("actions_packed"), try row.required("actions", ValueRow.string)
            )
        }
        for index in range {
            guard let actions = byDay[rows[index].day.description] else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [], debugDescription: "snapshot \(rows[index].day) was removed while read")
                )
            }
            rows[index].actions = actions
            if rows[index].hash == nil {
                rows[index].hash = SnapshotRecord.actionsFingerprint(actions.packed ?? Data(actions.text.utf8))
            }
        }
    }

    /// The moves of every row after the first, each against the one before, read from their
    /// stored deltas (the first row's actions are resolved whole).
    private func walk(_ rows: [MovesRow], organizationID: OrganizationID) async throws -> [DayMoves] {
        guard let first = rows.first else { return [] }
        var byID: [String: DailySnapshot.Action] = [:]
        var order: [String] = []
        func take(_ list: [DailySnapshot.Action]) {
            byID = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            order = list.map(\.id)
        }
        let firstStored = try first.stored()
        take(try await resolvedActions([(first.day, firstStored)], organizationID: organizationID)[first.day] ?? [])
        var previous = first
        var days: [DayMoves] = []
        for row in rows.dropFirst() {
            var moves: [DayMoves.Move] = []
            let stored = try row.stored()
            if case .delta(let delta) = stored, delta.base == previous.day {
                var added: [String] = []
                for change in delta.changed {
                    let old = byID[change.id]
                    guard let new = change.apply(to: old) else { continue }
                    if old == nil { added.append(change.id) }
                    let move = DayMoves.Move(old: old, new: new)
                    if abs(move.delta) > Trends.tolerance { moves.append(move) }
                    byID[change.id] = new
                }
                let removed = Set(delta.removed)
                for id in order where removed.contains(id) {
                    if let old = byID.removeValue(forKey: id), old.points > Trends.tolerance {
                        moves.append(DayMoves.Move(old: old, new: nil))
                    }
                }
                order = delta.order ?? (order.filter { byID[$0] != nil } + added)
            } else {
                let list: [DailySnapshot.Action]
                switch stored {
                case .full(let full): list = full
                case .delta:
                    list = try await resolvedActions([(row.day, stored)], organizationID: organizationID)[row.day] ?? []
                }
                moves = DayMoves.moves(from: order.compactMap { byID[$0] }, to: list)
                take(list)
            }
            days.append(
                DayMoves(
                    day: row.day,
                    score: row.score,
                    versions: row.versions,
                    previousVersions: previous.versions,
                    moves: moves
                )
            )
            previous = row
        }
        return days
    }
}

/// One stored day as the moves need it, read without the model's reflection: its fingerprint
/// first, its actions only when its moves are worked out.
private struct MovesRow {
    var day: CivilDay
    var score: Double
    var percentage: Double
    var versions: DayMoves.Versions
    /// The stored fingerprint of its actions; nil on rows from before migration 028 until their
    /// actions are read.
    var hash: Int64?
    var actions: (packed: Data?, text: String)?

    init(row: ValueRow) throws {
        let dayText = try row.required("day", ValueRow.string)
        guard let day = CivilDay(dayText) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "snapshot day \"\(dayText)\""))
        }
        self.day = day
        score = try row.required("score", ValueRow.double)
        percentage = try row.required("percentage", ValueRow.double)
        versions = DayMoves.Versions(
            catalog: try row.required("catalog_version", ValueRow.string),
            scoringModel: try row.required("model_version", ValueRow.string)
        )
        hash = try row.int("actions_hash").map(Int64.init)
    }

    var fingerprint: Int { Int(truncatingIfNeeded: hash ?? 0) }

    func stored() throws -> StoredActions {
        guard let actions else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "snapshot \(day) not read"))
        }
        return try StoredActions(packed: actions.packed, text: actions.text)
    }
}
