import Foundation
import PostureCore

/// What the store has already worked out from history rows, each under the fingerprint of the
/// rows it came from, so reading a year again costs its rows' bytes, not decoding them:
///
/// - days' moves (``PostureStore/periodMoves(_:from:to:)``), under their own day's bytes and the
///   day before's (which day, and its bytes). Replacing, inserting or recomputing a day, on this
///   node or another, changes a fingerprint, so an entry is only used for the rows it was made
///   from. Past `capacity` days, the other organizations' days are dropped.
/// - change-log rows' entries, under the row's first sequence and bytes. Past `changeCapacity`
///   entries, all are dropped (a row is decoded again when next read).
public final class HistoryCache: @unchecked Sendable {
    struct Fingerprint: Hashable {
        var own: Int
        var previousDay: CivilDay
        var previous: Int
    }

    private let lock = NSLock()
    struct Entry {
        var fingerprint: Fingerprint
        var moves: DayMoves
    }

    private var entries: [OrganizationID: [CivilDay: Entry]] = [:]
    private var count = 0
    let capacity: Int

    struct BatchKey: Hashable {
        var organizationID: OrganizationID
        var firstSequence: Int64
    }

    private var batches: [BatchKey: (fingerprint: Int, entries: [ChangeEntry])] = [:]
    private var batchEntries = 0
    let changeCapacity: Int

    /// About a kilobyte a day and a few hundred bytes an entry: the defaults hold a year of 500
    /// organizations' days, and a few months of their change logs.
    public init(capacity: Int = 200_000, changeCapacity: Int = 200_000) {
        self.capacity = capacity
        self.changeCapacity = changeCapacity
    }

    /// The bytes' fingerprint: every byte counts (a `Data`'s own hash may look at only some).
    static func fingerprint(_ bytes: Data) -> Int {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    func changes(_ key: BatchKey, fingerprint: Int) -> [ChangeEntry]? {
        lock.lock()
        defer { lock.unlock() }
        guard let batch = batches[key], batch.fingerprint == fingerprint else { return nil }
        return batch.entries
    }

    func keep(_ key: BatchKey, fingerprint: Int, changes: [ChangeEntry]) {
        guard changes.count <= changeCapacity else { return }
        lock.lock()
        defer { lock.unlock() }
        if batchEntries + changes.count > changeCapacity {
            batches = [:]
            batchEntries = 0
        }
        if let old = batches.updateValue((fingerprint, changes), forKey: key) { batchEntries -= old.entries.count }
        batchEntries += changes.count
    }

    func moves(_ organizationID: OrganizationID, day: CivilDay, fingerprint: Fingerprint) -> DayMoves? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[organizationID]?[day], entry.fingerprint == fingerprint else { return nil }
        return entry.moves
    }

    func keep(_ organizationID: OrganizationID, _ days: [(Fingerprint, DayMoves)]) {
        lock.lock()
        defer { lock.unlock() }
        if count + days.count > capacity {
            let own = entries[organizationID] ?? [:]
            entries = [organizationID: own]
            count = own.count
        }
        var own = entries[organizationID] ?? [:]
        for (fingerprint, moves) in days.suffix(capacity) {
            if own.updateValue(Entry(fingerprint: fingerprint, moves: moves), forKey: moves.day) == nil { count += 1 }
        }
        entries[organizationID] = own
    }

    /// How many days are held, for the tests.
    var size: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    /// How many change-log entries are held, for the tests.
    var changeSize: Int {
        lock.lock()
        defer { lock.unlock() }
        return batchEntries
    }
}
