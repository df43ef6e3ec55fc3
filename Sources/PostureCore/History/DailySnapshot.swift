import Foundation

/// One organization's score on one UTC day, with the per-action facts needed to explain it and to
/// re-score it later under another model. Snapshots are immutable once written.
public struct DailySnapshot: Sendable, Equatable, Codable {
    public struct Category: Sendable, Equatable, Codable {
        public var category: ActionCategory
        public var score: Double
        public var maxScore: Double
        public var verifiedScore: Double

        public init(category: ActionCategory, score: Double, maxScore: Double, verifiedScore: Double) {
            self.category = category
            self.score = score
            self.maxScore = maxScore
            self.verifiedScore = verifiedScore
        }
    }

    public struct Action: Sendable, Equatable, Codable {
        public var id: String
        public var category: ActionCategory
        public var points: Double
        public var verifiedPoints: Double
        public var maxScore: Double
        public var status: ActionStatus
        public var applicable: Bool
        public var hasData: Bool
        public var counted: Bool
        public var achieved: Int?
        public var total: Int?
        public var implemented: Bool?

        public init(
            id: String,
            category: ActionCategory,
            points: Double,
            verifiedPoints: Double,
            maxScore: Double,
            status: ActionStatus,
            applicable: Bool = true,
            hasData: Bool = true,
            counted: Bool = true,
            achieved: Int? = nil,
            total: Int? = nil,
            implemented: Bool? = nil
        ) {
            self.id = id
            self.category = category
            self.points = points
            self.verifiedPoints = verifiedPoints
            self.maxScore = maxScore
            self.status = status
            self.applicable = applicable
            self.hasData = hasData
            self.counted = counted
            self.achieved = achieved
            self.total = total
            self.implemented = implemented
        }

        public init(_ score: ActionScore, measurement: ActionMeasurement?) {
            id = score.action.id
            category = score.action.category
            points = score.points
            verifiedPoints = score.verifiedPoints
            maxScore = score.action.maxScore
            status = score.status
            applicable = score.applicable
            hasData = score.hasData
            counted = score.counted
            achieved = score.achieved
            total = score.total
            if case .implemented(let done)? = measurement?.result { implemented = done }
        }
    }

    public var organizationID: String
    public var day: CivilDay
    public var score: Double
    public var maxScore: Double
    public var verifiedScore: Double
    public var categories: [Category]
    public var actions: [Action]
    public var catalogVersion: String
    public var scoringModelVersion: String
    /// True for days filled in after the server was down: the state is the last one known.
    public var filled: Bool
    public var licensedUserCount: Int?
    public var activeUserCount: Int?

    public var percentage: Double { maxScore > 0 ? score / maxScore * 100 : 0 }

    /// Which actions a day's snapshot keeps: those measured, given a status, or counted.
    public static func keeps(hasData: Bool, statusSet: Bool, counted: Bool) -> Bool {
        hasData || statusSet || counted
    }

    public init(
        organizationID: String,
        day: CivilDay,
        score: Double,
        maxScore: Double,
        verifiedScore: Double,
        categories: [Category],
        actions: [Action],
        catalogVersion: String,
        scoringModelVersion: String,
        filled: Bool,
        licensedUserCount: Int?,
        activeUserCount: Int?
    ) {
        self.organizationID = organizationID
        self.day = day
        self.score = score
        self.maxScore = maxScore
        self.verifiedScore = verifiedScore
        self.categories = categories
        self.actions = actions
        self.catalogVersion = catalogVersion
        self.scoringModelVersion = scoringModelVersion
        self.filled = filled
        self.licensedUserCount = licensedUserCount
        self.activeUserCount = activeUserCount
    }

    public init(
        organization: Organization,
        day: CivilDay,
        report: ScoreReport,
        measurements: [ActionMeasurement],
        filled: Bool
    ) {
        let byID = Dictionary(measurements.map { ($0.actionID, $0) }, uniquingKeysWith: { _, last in last })
        organizationID = organization.id
        self.day = day
        score = report.currentScore
        maxScore = report.maxScore
        verifiedScore = report.verifiedScore
        categories = report.categories.map {
            Category(category: $0.category, score: $0.score, maxScore: $0.maxScore, verifiedScore: $0.verifiedScore)
        }
        actions = report.actions.filter {
            Self.keeps(hasData: $0.hasData, statusSet: $0.statusRecord != nil, counted: $0.counted)
        }
        .map { Action($0, measurement: byID[$0.action.id]) }
        .sorted { $0.id < $1.id }
        catalogVersion = report.catalogVersion
        scoringModelVersion = report.scoringModelVersion
        self.filled = filled
        licensedUserCount = organization.licensedUserCount
        activeUserCount = organization.activeUserCount
    }
}
