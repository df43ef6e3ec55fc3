import Foundation

/// When a connection is collected: every `intervalMinutes` after a success, sooner and sooner
/// again after failures (exponential back-off, never later than the interval), never before
/// Graph's `Retry-After`, each wait stretched by up to a tenth at random so connections added
/// together drift apart instead of hitting Graph in the same minute forever.
public struct CollectionSchedule: Sendable, Equatable {
    /// Six hours, the collection rhythm of Microsoft's own score and of the peers.
    public static let defaultIntervalMinutes = 360
    /// From a quarter of an hour (Graph's data changes no faster) to a week.
    public static let intervalMinutesRange = 15...10_080
    /// The first retry after a failure; each further failure doubles it, up to the interval.
    public static let firstRetrySeconds: Double = 300
    /// The most a wait is stretched by, as a fraction of it.
    public static let jitterFraction = 0.1

    public var intervalMinutes: Int

    public init(intervalMinutes: Int = Self.defaultIntervalMinutes) {
        self.intervalMinutes = intervalMinutes
    }

    /// The problem with an interval given by a person, naming the field; nil when acceptable.
    public static func problem(intervalMinutes: Int) -> ConnectionProblem? {
        guard !intervalMinutesRange.contains(intervalMinutes) else { return nil }
        return ConnectionProblem(
            field: "collectEveryMinutes",
            "must be from \(intervalMinutesRange.lowerBound) to \(intervalMinutesRange.upperBound) minutes (a week)"
        )
    }

    public var intervalSeconds: Double { Double(intervalMinutes) * 60 }

    /// The wait before the next attempt, before jitter: the interval after a success; after the
    /// `failures`-th failure in a row, 5 minutes doubled `failures - 1` times, capped by the
    /// interval, and at least what Graph asked for.
    public func wait(consecutiveFailures failures: Int, retryAfter: Double? = nil) -> Double {
        guard failures > 0 else { return intervalSeconds }
        // 2^20 × 5 minutes is far past any interval: the cap keeps the power finite.
        let backOff = Self.firstRetrySeconds * pow(2, Double(min(failures - 1, 20)))
        return max(min(backOff, intervalSeconds), retryAfter ?? 0)
    }

    /// When to collect next after an attempt that finished at `finished`. `jitter` is a number
    /// in 0..<1 (random in the server, fixed in tests); the wait grows by that share of a tenth.
    public func nextRun(
        after finished: Date,
        consecutiveFailures failures: Int,
        retryAfter: Double? = nil,
        jitter: Double
    ) -> Date {
        let wait = wait(consecutiveFailures: failures, retryAfter: retryAfter)
        let stretch = 1 + Self.jitterFraction * min(max(jitter, 0), 1)
        return finished.addingTimeInterval(wait * stretch)
    }

    /// Data is stale when the last success is older than two intervals: a missed run is normal
    /// (a restart, one throttled round), two in a row mean nobody is keeping it current.
    public func isStale(lastSuccess: Date?, since created: Date, at now: Date) -> Bool {
        now.timeIntervalSince(lastSuccess ?? created) > 2 * intervalSeconds
    }
}
