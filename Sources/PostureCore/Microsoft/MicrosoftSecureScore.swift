import Foundation

/// One day of Microsoft's own Secure Score for a tenant, as Graph's `secureScores` reports it.
public struct MicrosoftDailyScore: Sendable, Equatable, Codable {
    public var day: CivilDay
    public var createdAt: Date
    public var currentScore: Double
    public var maxScore: Double
    public var licensedUserCount: Int?
    public var activeUserCount: Int?
    public var controls: [MicrosoftControlScore]

    public init(
        day: CivilDay,
        createdAt: Date,
        currentScore: Double,
        maxScore: Double,
        licensedUserCount: Int? = nil,
        activeUserCount: Int? = nil,
        controls: [MicrosoftControlScore]
    ) {
        self.day = day
        self.createdAt = createdAt
        self.currentScore = currentScore
        self.maxScore = maxScore
        self.licensedUserCount = licensedUserCount
        self.activeUserCount = activeUserCount
        self.controls = controls
    }
}

/// Microsoft's points for one control on one day, with its count and total when reported.
public struct MicrosoftControlScore: Sendable, Equatable, Codable {
    public var controlName: String
    public var category: String?
    public var score: Double
    public var count: Int?
    public var total: Int?

    public init(controlName: String, category: String? = nil, score: Double, count: Int? = nil, total: Int? = nil) {
        self.controlName = controlName
        self.category = category
        self.score = score
        self.count = count
        self.total = total
    }
}

/// Microsoft's description of a control (`secureScoreControlProfiles`) and its latest state.
public struct MicrosoftControlProfile: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var maxScore: Double
    public var category: String?
    public var deprecated: Bool
    /// The latest `controlStateUpdates` entry: Default, Ignored, ThirdParty, Reviewed, …
    public var state: String?
    public var stateUpdatedBy: String?
    public var stateUpdatedAt: Date?

    public init(
        id: String,
        title: String,
        maxScore: Double,
        category: String? = nil,
        deprecated: Bool = false,
        state: String? = nil,
        stateUpdatedBy: String? = nil,
        stateUpdatedAt: Date? = nil
    ) {
        self.id = id
        self.title = title
        self.maxScore = maxScore
        self.category = category
        self.deprecated = deprecated
        self.state = state
        self.stateUpdatedBy = stateUpdatedBy
        self.stateUpdatedAt = stateUpdatedAt
    }
}
