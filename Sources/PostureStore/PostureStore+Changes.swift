import Foundation
import PostureCore
import SQLKit

/// The change log: append-only, one `change_batches` row per write (``StoredChangeBatch``). Each
/// entry's sequence is its row's first sequence plus its place in the row, so the log keeps one
/// order per organization however it is read.
extension PostureStore {
    /// Entries per row at most: a read of a few entries never inflates a whole import.
    static let changeBatchLimit = 500

    public func appendChanges(_ organizationID: OrganizationID, _ entries: [ChangeEntry]) async throws {
        guard !entries.isEmpty else { return }
        var sequence = try await lastChangeSequence(organizationID)
        let before = sequence
        for start in stride(from: 0, to: entries.count, by: Self.changeBatchLimit) {
            let part = entries[start..<min(start + Self.changeBatchLimit, entries.count)]
            try await Self.insertChangeBatch(sql, organizationID, firstSequence: sequence + 1, part)
            sequence += Int64(part.count)
        }
        // Only a loss of points can raise an alert; gains re-arm incidents at the next look.
        if let lost = entries.filter({ $0.delta < 0 }).map(\.occurredAt).max() {
            try await markAlertsPending(organizationID, at: lost, startingAfter: before)
        }
        try await announceChange(organizationID)
    }

    /// The newest `limit` entries, newest first (by time, then by sequence). Only the rows that
    /// can hold them are unpacked: rows are walked newest first until the next one ends before
    /// every row taken so far begins.
    public func recentChanges(_ organizationID: OrganizationID, limit: Int) async throws -> [ChangeEntry] {
        guard limit > 0 else { return [] }
        // The newest rows nearly always hold the entries: read a few spans first, and all of them
        // only when those do not settle it (a long history must not cost every page a full scan).
        let firstRead = 32 + limit
        var chosen = try await recentBatches(organizationID, limit: limit, spans: firstRead)
        if chosen == nil { chosen = try await recentBatches(organizationID, limit: limit, spans: nil) }
        guard let chosen, !chosen.isEmpty else { return [] }
        let rows = try await sql.select().columns("first_sequence", "entries").from("change_batches")
            .where("organization_id", .equal, organizationID.rawValue)
            .where("first_sequence", .in, chosen)
            .all()
        let entries = try sequenced(rows, organizationID: organizationID)
        return entries.sorted { ($0.entry.occurredAt, $0.sequence) > ($1.entry.occurredAt, $1.sequence) }
            .prefix(limit).map(\.entry)
    }

    /// The first sequences of the rows that can hold the newest `limit` entries, walking at most
    /// `spans` rows (nil: all) newest first until the next one ends before every row taken so far
    /// begins. Nil when `spans` rows were not enough to tell.
    private func recentBatches(
        _ organizationID: OrganizationID,
        limit: Int,
        spans: Int?
    ) async throws -> [Int64]? {
        let rows = try await sql.raw(Self.newestSpans(organizationID, spans: spans)).all()
        var chosen: [Int64] = []
        var count: Int64 = 0
        var earliest = Double.infinity
        for span in rows {
            let to = try span.decode(column: "occurred_to", as: Double.self)
            if count >= Int64(limit), to < earliest { return chosen }
            let first = try span.decode(column: "first_sequence", as: Int64.self)
            chosen.append(first)
            count += try span.decode(column: "last_sequence", as: Int64.self) - first + 1
            earliest = min(earliest, try span.decode(column: "occurred_from", as: Double.self))
        }
        if let spans, rows.count >= spans { return nil }
        return chosen
    }

    /// The organization's change-log rows newest first, at most `spans` (nil: all), without their
    /// entries: read through the `change_batches_newest` index (migration 031), so the newest rows
    /// cost the same however long the history is.
    static func newestSpans(_ organizationID: OrganizationID, spans: Int?) -> SQLQueryString {
        var query = SQLQueryString(
            """
            SELECT first_sequence, last_sequence, occurred_from, occurred_to FROM change_batches
            WHERE organization_id = \(bind: organizationID.rawValue) ORDER BY occurred_to DESC, first_sequence DESC
            """
        )
        if let spans { query.appendInterpolation(unsafeRaw: " LIMIT \(spans)") }
        return query
    }

    /// Entries oldest first (by sequence), optionally for one action and within `[from, to)`.
    public func changes(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil,
        from: Date? = nil,
        to: Date? = nil
    ) async throws -> [ChangeEntry] {
        var query = sql.select().columns("first_sequence", "entries").from("change_batches")
            .where("organization_id", .equal, organizationID.rawValue)
        if let from { query = query.where("occurred_to", .greaterThanOrEqual, from.timeIntervalSince1970) }
        if let to { query = query.where("occurred_from", .lessThan, to.timeIntervalSince1970) }
        let rows = try await query.orderBy("first_sequence").all()
        return try sequenced(rows, organizationID: organizationID).lazy.map(\.entry).filter { entry in
            (actionID.map { entry.actionID == $0.rawValue } ?? true) && (from.map { entry.occurredAt >= $0 } ?? true)
                && (to.map { entry.occurredAt < $0 } ?? true)
        }
    }

    /// A page of entries oldest first: those after sequence `after` that `matching` keeps (and,
    /// when given, of one action and within `[from, to)`), at most `limit`, with whether more
    /// follow. Rows are read a few at a time from the cursor on, so a page costs what it holds and
    /// what `matching` skips, not the whole log.
    public func changePage(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil,
        from: Date? = nil,
        to: Date? = nil,
        after: Int64,
        limit: Int,
        matching: (ChangeEntry) -> Bool = { _ in true }
    ) async throws -> (entries: [(sequence: Int64, entry: ChangeEntry)], more: Bool) {
        var page: [(sequence: Int64, entry: ChangeEntry)] = []
        var cursor = after
        while true {
            var query = sql.select().columns("first_sequence", "last_sequence", "entries").from("change_batches")
                .where("organization_id", .equal, organizationID.rawValue)
                .where("last_sequence", .greaterThan, cursor)
            if let from { query = query.where("occurred_to", .greaterThanOrEqual, from.timeIntervalSince1970) }
            if let to { query = query.where("occurred_from", .lessThan, to.timeIntervalSince1970) }
            let rows = try await query.orderBy("first_sequence").limit(16).all()
            guard !rows.isEmpty else { return (page, false) }
            for (sequence, entry) in try sequenced(rows, organizationID: organizationID) where sequence > cursor {
                guard actionID.map({ entry.actionID == $0.rawValue }) ?? true,
                    from.map({ entry.occurredAt >= $0 }) ?? true,
                    to.map({ entry.occurredAt < $0 }) ?? true, matching(entry)
                else { continue }
                if page.count == limit { return (page, true) }
                page.append((sequence, entry))
            }
            cursor = try rows.map { try $0.decode(column: "last_sequence", as: Int64.self) }.max() ?? cursor
        }
    }

    /// One row of entries numbered from `firstSequence` (also used by migration 012).
    static func insertChangeBatch(
        _ sql: any SQLDatabase,
        _ organizationID: OrganizationID,
        firstSequence: Int64,
        _ entries: some Collection<ChangeEntry>
    ) async throws {
        let times = entries.map(\.occurredAt.timeIntervalSince1970)
        try await sql.insert(into: "change_batches")
            .columns("organization_id", "first_sequence", "last_sequence", "occurred_from", "occurred_to", "entries")
            .values(
                SQLBind(organizationID.rawValue),
                SQLBind(firstSequence),
                SQLBind(firstSequence + Int64(entries.count) - 1),
                SQLBind(times.min() ?? 0),
                SQLBind(times.max() ?? 0),
                SQLBind(PackedText.pack(StoredJSON.encodeBulk(StoredChangeBatch(entries))))
            )
            .run()
    }

    func deleteChanges(_ organizationID: OrganizationID) async throws {
        try await sql.delete(from: "change_batches").where("organization_id", .equal, organizationID.rawValue).run()
    }

    /// The newest sequence of the organization's change log (0 when it has none).
    public func lastChangeSequence(_ organizationID: OrganizationID) async throws -> Int64 {
        // Rows are appended in sequence, so the newest row holds the last one: read through the
        // key, not every row of the organization.
        let row = try await sql.raw(
            """
            SELECT last_sequence AS last FROM change_batches WHERE organization_id = \(bind: organizationID.rawValue)
            ORDER BY first_sequence DESC LIMIT 1
            """
        ).first()
        guard let row, try !row.decodeNil(column: "last") else { return 0 }
        return try row.decode(column: "last", as: Int64.self)
    }

    private func sequenced(
        _ rows: [any SQLRow],
        organizationID: OrganizationID
    ) throws -> [(sequence: Int64, entry: ChangeEntry)] {
        let packed = try rows.map { row in
            (
                first: try row.decode(column: "first_sequence", as: Int64.self),
                data: try row.decode(column: "entries", as: Data.self)
            )
        }
        return try packed.sorted { $0.first < $1.first }.flatMap { row -> [(sequence: Int64, entry: ChangeEntry)] in
            // Rows are never rewritten, but the fingerprint still guards against a log deleted
            // with its organization and written again under the same id.
            let key = HistoryCache.BatchKey(organizationID: organizationID, firstSequence: row.first)
            let fingerprint = HistoryCache.fingerprint(row.data)
            let changes: [ChangeEntry]
            if let held = history.changes(key, fingerprint: fingerprint) {
                changes = held
            } else {
                changes = try StoredJSON.decode(StoredChangeBatch.self, PackedText.unpack(row.data))
                    .changes(of: organizationID.rawValue)
                history.keep(key, fingerprint: fingerprint, changes: changes)
            }
            return changes.enumerated().map { (row.first + Int64($0.offset), $0.element) }
        }
    }
}
