import Foundation

/// An organization's alert rules: which incidents are worth telling someone about. Where an alert
/// goes is the channels' business (each subscribes to the event types it wants).
public struct AlertRules: Sendable, Equatable, Codable {
    /// `score.dropped`: today against the previous closed day, like for like.
    public var scoreDropEnabled: Bool
    public var scoreDrop: ScoreDropRule
    /// `action.regressed`: any action that lost points, grouped over a short window.
    public var regressionsEnabled: Bool
    /// `exception.expiring` (this many days ahead) and `exception.expired`.
    public var exceptionsEnabled: Bool
    public var exceptionDays: Int
    /// `score.belowFloor`: the percentage under `floorPercent`. Off by default.
    public var floorEnabled: Bool
    public var floorPercent: Double
    /// `connection.failing`: the Microsoft 365 connection failing or stale.
    public var connectionsEnabled: Bool

    public init(
        scoreDropEnabled: Bool = true,
        scoreDrop: ScoreDropRule = ScoreDropRule(),
        regressionsEnabled: Bool = true,
        exceptionsEnabled: Bool = true,
        exceptionDays: Int = Self.defaultExceptionDays,
        floorEnabled: Bool = false,
        floorPercent: Double = Self.defaultFloorPercent,
        connectionsEnabled: Bool = true
    ) {
        self.scoreDropEnabled = scoreDropEnabled
        self.scoreDrop = scoreDrop
        self.regressionsEnabled = regressionsEnabled
        self.exceptionsEnabled = exceptionsEnabled
        self.exceptionDays = exceptionDays
        self.floorEnabled = floorEnabled
        self.floorPercent = floorPercent
        self.connectionsEnabled = connectionsEnabled
    }

    public static let defaultExceptionDays = 14
    public static let exceptionDaysRange = 1...90
    public static let defaultFloorPercent = 50.0

    /// What is wrong with the rules, each naming its field as the API spells it.
    public var problems: [ConnectionProblem] {
        var problems: [ConnectionProblem] = []
        if let problem = scoreDrop.problem {
            problems.append(ConnectionProblem(field: "scoreDropped." + problem.field, problem.message))
        }
        if !Self.exceptionDaysRange.contains(exceptionDays) {
            problems.append(ConnectionProblem(field: "exceptionExpiring.days", "must be from 1 to 90 days"))
        }
        if !(floorPercent > 0 && floorPercent < 100) {
            problems.append(ConnectionProblem(field: "scoreBelowFloor.percent", "must be above 0 and below 100"))
        }
        return problems
    }

    /// Whether an event of this type can come from these rules.
    public func enables(_ type: OutboundEventType) -> Bool {
        switch type {
        case .scoreDropped: scoreDropEnabled
        case .actionRegressed: regressionsEnabled
        case .exceptionExpiring, .exceptionExpired: exceptionsEnabled
        case .scoreBelowFloor: floorEnabled
        case .connectionFailing: connectionsEnabled
        case .ticketUpdated, .webhookTest, .actionShared, .digestWeekly, .reportScheduled: true
        }
    }
}

/// What the alerts remember between evaluations, per organization: open incidents, how far the
/// change log has been read, and which expiries were already announced.
public struct AlertState: Sendable, Equatable, Codable {
    public var scoreDrop: AlertIncident?
    public var floor: AlertIncident?
    public var connection: AlertIncident?
    /// The change log's last sequence already looked at.
    public var changeCursor: Int64
    /// Exceptions already announced as expiring: action id → the expiry announced. A new expiry
    /// (the exception renewed) is announced again.
    public var expiringAnnounced: [String: Date]

    public init(
        scoreDrop: AlertIncident? = nil,
        floor: AlertIncident? = nil,
        connection: AlertIncident? = nil,
        changeCursor: Int64 = 0,
        expiringAnnounced: [String: Date] = [:]
    ) {
        self.scoreDrop = scoreDrop
        self.floor = floor
        self.connection = connection
        self.changeCursor = changeCursor
        self.expiringAnnounced = expiringAnnounced
    }
}
