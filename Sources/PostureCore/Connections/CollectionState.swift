import Foundation

/// What one collection attempt came to: how long it took, what it read and what it could not,
/// and, when it failed as a whole, why.
public struct CollectionOutcome: Sendable, Equatable {
    public var startedAt: Date
    public var finishedAt: Date
    /// Resources read in full.
    public var resourcesCollected: Int
    /// Resources that could not be read, each with Graph's reason.
    public var resourcesFailed: [String: String]
    /// Measurements the collection gave (older ones are left out by the write).
    public var measured: Int
    /// Why the collection failed as a whole (no sign-in, nothing readable); nil when it stored
    /// what it read.
    public var problem: String?
    /// Seconds Graph asked to wait (`Retry-After`) when it throttled the attempt to a stop.
    public var retryAfter: Double?
    public var graphRequests: Int
    public var throttled: Int

    public init(
        startedAt: Date,
        finishedAt: Date,
        resourcesCollected: Int = 0,
        resourcesFailed: [String: String] = [:],
        measured: Int = 0,
        problem: String? = nil,
        retryAfter: Double? = nil,
        graphRequests: Int = 0,
        throttled: Int = 0
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.resourcesCollected = resourcesCollected
        self.resourcesFailed = resourcesFailed
        self.measured = measured
        self.problem = problem
        self.retryAfter = retryAfter
        self.graphRequests = graphRequests
        self.throttled = throttled
    }

    public var succeeded: Bool { problem == nil }
    public var duration: Double { max(0, finishedAt.timeIntervalSince(startedAt)) }
}

/// A connection's collection record as stored: when it runs next, how the last attempts went.
public struct CollectionState: Sendable, Equatable {
    public enum Health: String, Sendable, Equatable, CaseIterable {
        /// Never collected yet: added, first run on its way.
        case pending
        /// The last attempt succeeded and the data is within two intervals.
        case healthy
        /// The last attempt failed; retrying with back-off.
        case failing
        /// No success for more than two intervals.
        case stale
    }

    public var nextRunAt: Date
    /// Set while a node collects; past once the node is gone.
    public var leaseExpiresAt: Date?
    public var lastAttemptAt: Date?
    public var lastSuccessAt: Date?
    public var lastFinishedAt: Date?
    public var lastDuration: Double?
    public var consecutiveFailures: Int
    public var lastProblem: String?
    public var resourcesCollected: Int?
    public var resourcesFailed: [String: String]
    public var measured: Int?
    /// When the connection was made: health counts from there until a first success.
    public var connectedAt: Date

    public init(
        nextRunAt: Date,
        leaseExpiresAt: Date? = nil,
        lastAttemptAt: Date? = nil,
        lastSuccessAt: Date? = nil,
        lastFinishedAt: Date? = nil,
        lastDuration: Double? = nil,
        consecutiveFailures: Int = 0,
        lastProblem: String? = nil,
        resourcesCollected: Int? = nil,
        resourcesFailed: [String: String] = [:],
        measured: Int? = nil,
        connectedAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.nextRunAt = nextRunAt
        self.leaseExpiresAt = leaseExpiresAt
        self.lastAttemptAt = lastAttemptAt
        self.lastSuccessAt = lastSuccessAt
        self.lastFinishedAt = lastFinishedAt
        self.lastDuration = lastDuration
        self.consecutiveFailures = consecutiveFailures
        self.lastProblem = lastProblem
        self.resourcesCollected = resourcesCollected
        self.resourcesFailed = resourcesFailed
        self.measured = measured
        self.connectedAt = connectedAt
    }

    /// A node holds the connection and is collecting it now.
    public func isRunning(at now: Date) -> Bool {
        guard let leaseExpiresAt else { return false }
        return leaseExpiresAt > now
    }

    /// Stale outranks failing: old data is what people must not rely on, whatever the cause.
    public func health(_ schedule: CollectionSchedule, at now: Date) -> Health {
        if schedule.isStale(lastSuccess: lastSuccessAt, since: connectedAt, at: now) { return .stale }
        if consecutiveFailures > 0 { return .failing }
        return lastSuccessAt == nil ? .pending : .healthy
    }
}
