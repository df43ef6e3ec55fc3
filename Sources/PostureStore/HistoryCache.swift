import Foundation
import PostureCore

/// Days' moves already worked out by ``PostureStore/periodMoves(_:from:to:)``, each under the
/// fingerprint of the stored rows it came from: its own day's bytes and the day before's (which
/// day, and its bytes). Replacing, inserting or recomputing a day, on this node or another,
/// changes a fingerprint, so an entry is only ever used for the rows it was made from; reading a
/// year then costs its rows' bytes, not decoding them. Bounded: past `capacity` days, the other
/// organizations' entries are dropped.
public final class MovesCache: @unchecked Sendable {
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

    /// About a kilobyte a day: the default holds a year of 500 organizations.
    public init(capacity: Int = 200_000) {
        self.capacity = capacity
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
}
