import Foundation
import NIOConcurrencyHelpers

/// A budget of work per caller (a token bucket, per node, in memory): reads that materialise many
/// rows (a `$filter` over ten years of daily scores, a ten-year history) spend units in proportion
/// to the rows, and a caller who has spent the budget waits, with `Retry-After`, while everyone else
/// is served. So no single token, read-only or not, can keep the server busy for others.
public final class WorkBudget: Sendable {
    /// Units a caller may spend at once…
    public let capacity: Double
    /// …and the units given back each second.
    public let refillPerSecond: Double
    private let buckets = NIOLockedValueBox<[String: (units: Double, at: Date)]>([:])

    /// Defaults: about fifteen ten-year `$filter` reads in a burst, then four a second.
    public init(capacity: Double = 50_000, refillPerSecond: Double = 15_000) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
    }

    /// Spends `cost` units of `caller`'s budget: nil when granted, else the whole seconds until it
    /// would be. A cost above the capacity is charged as the capacity (the work is bounded anyway).
    public func spend(_ caller: String, cost: Int, now: Date) -> Int? {
        let cost = min(Double(max(cost, 0)), capacity)
        return buckets.withLockedValue { buckets in
            if buckets.count > 50_000 {
                buckets = buckets.filter { now.timeIntervalSince($0.value.at) * refillPerSecond < capacity }
            }
            let last = buckets[caller] ?? (capacity, now)
            let units = min(capacity, last.units + max(0, now.timeIntervalSince(last.at)) * refillPerSecond)
            guard units >= cost else {
                buckets[caller] = (units, now)
                return max(1, Int(((cost - units) / refillPerSecond).rounded(.up)))
            }
            buckets[caller] = (units - cost, now)
            return nil
        }
    }
}
