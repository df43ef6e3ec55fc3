import Foundation
import NIOConcurrencyHelpers
import PostureCore

/// Applies ``SignInBackoff`` per key (an account and a client address): after a few failures, the
/// next attempt from the same key must wait, doubling each time. Held per node, in memory, and
/// bounded: the oldest keys are dropped beyond `capacity`.
public final class SignInThrottle: Sendable {
    let backoff: SignInBackoff
    let capacity: Int
    private let state = NIOLockedValueBox<[String: (failures: Int, last: Date)]>([:])

    public init(backoff: SignInBackoff = SignInBackoff(), capacity: Int = 100_000) {
        self.backoff = backoff
        self.capacity = capacity
    }

    /// Nil when an attempt may go ahead; otherwise the whole seconds to wait.
    public func wait(_ key: String, now: Date) -> Int? {
        state.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            let remaining = backoff.delay(afterFailures: entry.failures) - now.timeIntervalSince(entry.last)
            return remaining > 0 ? max(1, Int(remaining.rounded(.up))) : nil
        }
    }

    public func recordFailure(_ key: String, now: Date) {
        state.withLockedValue { entries in
            if entries.count >= capacity, entries[key] == nil {
                // Forget the keys whose wait is long over first; then the oldest.
                entries = entries.filter { now.timeIntervalSince($0.value.last) < backoff.maximum }
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.last < $1.value.last }) {
                    entries[oldest.key] = nil
                }
            }
            let failures = (entries[key]?.failures ?? 0) + 1
            entries[key] = (failures, now)
        }
    }

    public func recordSuccess(_ key: String) {
        _ = state.withLockedValue { $0.removeValue(forKey: key) }
    }
}
