import Foundation

/// What one collection of a connection brought back, assessed and ready to store: the
/// measurements of the configuration it read, Microsoft's own Secure Score when the connection
/// has that source, and the record of what could not be read.
public struct CollectionHarvest: Sendable {
    public var measurements: [ActionMeasurement]
    /// Microsoft's daily scores and control profiles; nil when not collected or not readable.
    public var microsoftScores: [MicrosoftDailyScore]?
    public var microsoftProfiles: [MicrosoftControlProfile]
    public var resourcesCollected: Int
    /// Resources that could not be read, each with the reason.
    public var resourcesFailed: [String: String]
    /// Why nothing could be collected at all (no sign-in, every resource refused); nil otherwise.
    public var problem: String?
    /// Graph's last `Retry-After`, in seconds, when throttling stopped the collection.
    public var retryAfter: Double?
    public var graphRequests: Int
    public var throttled: Int

    public init(
        measurements: [ActionMeasurement] = [],
        microsoftScores: [MicrosoftDailyScore]? = nil,
        microsoftProfiles: [MicrosoftControlProfile] = [],
        resourcesCollected: Int = 0,
        resourcesFailed: [String: String] = [:],
        problem: String? = nil,
        retryAfter: Double? = nil,
        graphRequests: Int = 0,
        throttled: Int = 0
    ) {
        self.measurements = measurements
        self.microsoftScores = microsoftScores
        self.microsoftProfiles = microsoftProfiles
        self.resourcesCollected = resourcesCollected
        self.resourcesFailed = resourcesFailed
        self.problem = problem
        self.retryAfter = retryAfter
        self.graphRequests = graphRequests
        self.throttled = throttled
    }

    /// A harvest that failed as a whole.
    public static func failed(_ problem: String, retryAfter: Double? = nil) -> CollectionHarvest {
        CollectionHarvest(problem: problem, retryAfter: retryAfter)
    }
}
