import Foundation
import PostureCore

/// Counts the writes this process makes or hears of, so caches of derived data know when to drop
/// entries. A write names the organization it belongs to, so a cache of one organization's reads
/// moves only with writes to that organization and with writes that belong to none (people,
/// clients, organizations created or deleted). Bumped after every write and again after every
/// committed transaction (a reader that slipped in between sees a number that changes once more).
public final class ChangeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var total: UInt64 = 0
    private var shared: UInt64 = 0
    private var organizations: [OrganizationID: UInt64] = [:]

    public init() {}

    /// Moves with every write.
    public var value: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return total
    }

    /// Moves with every write to `organizationID` and every write that belongs to no organization.
    public func value(for organizationID: OrganizationID) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        // Both parts only grow, so the pair never repeats.
        return shared << 32 &+ organizations[organizationID, default: 0]
    }

    /// Records a write to `organizationID`, or to no organization in particular when nil.
    public func bump(_ organizationID: OrganizationID? = nil) {
        lock.lock()
        total &+= 1
        if let organizationID {
            organizations[organizationID, default: 0] &+= 1
        } else {
            shared &+= 1
        }
        lock.unlock()
    }
}

/// The organizations a transaction wrote to (nil for a write that belongs to none), bumped again
/// once it commits.
final class PendingChanges: @unchecked Sendable {
    private let lock = NSLock()
    private var written: Set<OrganizationID?> = []

    func add(_ organizationID: OrganizationID?) {
        lock.lock()
        written.insert(organizationID)
        lock.unlock()
    }

    var all: Set<OrganizationID?> {
        lock.lock()
        defer { lock.unlock() }
        return written
    }
}
