import Foundation

/// When a delivery is tried again (Standard Webhooks' schedule, cut to about a day): at once,
/// then 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours and 10 hours after each failure, each
/// wait stretched by up to a tenth at random, never before the receiver's `Retry-After` (at most a
/// day). Seven attempts in all, over about 18 hours.
public enum DeliverySchedule {
    public static let waits: [Double] = [5, 300, 1_800, 7_200, 18_000, 36_000]
    public static var maxAttempts: Int { waits.count + 1 }
    public static let jitterFraction = 0.1
    public static let longestRetryAfter: Double = 86_400

    /// When to try again after the `attempts`-th attempt failed, or nil when it was the last.
    /// `jitter` is in 0..<1 (random in the server, fixed in tests).
    public static func nextAttempt(
        after finished: Date,
        attempts: Int,
        retryAfter: Double? = nil,
        jitter: Double
    ) -> Date? {
        guard attempts >= 1, attempts < maxAttempts else { return nil }
        let wait = waits[attempts - 1] * (1 + jitterFraction * min(max(jitter, 0), 1))
        let asked = min(max(retryAfter ?? 0, 0), longestRetryAfter)
        return finished.addingTimeInterval(max(wait, asked))
    }
}

/// What one attempt's answer means.
public enum DeliveryResult: Sendable, Equatable {
    /// 2xx: done.
    case delivered
    /// 410 Gone: the receiver asks never to be sent to again; the endpoint is disabled.
    case gone
    /// Anything else (3xx, 4xx, 5xx, no answer): tried again on schedule.
    case failed

    public init(status: Int?) {
        switch status {
        case .some(200..<300): self = .delivered
        case .some(410): self = .gone
        default: self = .failed
        }
    }
}

/// A queued delivery's state.
public enum DeliveryState: String, Sendable, CaseIterable {
    case pending
    case delivered
    /// Every attempt failed.
    case failed
    /// Its endpoint was disabled or removed before it could be sent.
    case cancelled
}
