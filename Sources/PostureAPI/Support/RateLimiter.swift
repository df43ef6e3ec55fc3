import Foundation
import NIOConcurrencyHelpers

/// A fixed-window limit per key (a source address, a client): at most `limit` requests per
/// `window` seconds, then a `Retry-After` until the window ends. Held per node, in memory.
public final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let state = NIOLockedValueBox<[String: (start: Date, count: Int)]>([:])

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Nil when the request may go ahead; otherwise the seconds to wait.
    public func acquire(_ key: String, now: Date) -> Int? {
        state.withLockedValue { buckets in
            if buckets.count > 50_000 { buckets = buckets.filter { now.timeIntervalSince($0.value.start) < window } }
            var bucket = buckets[key] ?? (now, 0)
            if now.timeIntervalSince(bucket.start) >= window { bucket = (now, 0) }
            guard bucket.count < limit else {
                return max(1, Int((window - now.timeIntervalSince(bucket.start)).rounded(.up)))
            }
            bucket.count += 1
            buckets[key] = bucket
            return nil
        }
    }
}
