import Foundation

/// Counts the writes this process makes, so caches of derived data know when to drop entries.
/// Bumped after every write and again after every committed transaction (a reader that slipped in
/// between sees a number that changes once more).
public final class ChangeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var counter: UInt64 = 0

    public init() {}

    public var value: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return counter
    }

    public func bump() {
        lock.lock()
        counter &+= 1
        lock.unlock()
    }
}
