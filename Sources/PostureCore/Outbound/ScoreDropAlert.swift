import Foundation

/// The score-drop alert's rule: today against the previous closed day, over the actions present
/// on both days, so a catalog that grows (a larger maximum) never looks like a drop. It fires when
/// the percentage falls by at least `percentagePoints` or the points by at least `points`.
public struct ScoreDropRule: Sendable, Equatable, Codable {
    public static let defaultPercentagePoints = 5.0
    public static let defaultPoints = 10.0
    public static let percentagePointsRange = 1.0...50.0

    public var percentagePoints: Double
    public var points: Double

    public init(percentagePoints: Double = Self.defaultPercentagePoints, points: Double = Self.defaultPoints) {
        self.percentagePoints = percentagePoints
        self.points = points
    }

    /// The problem with thresholds a person gave, naming the field; nil when acceptable.
    public var problem: ConnectionProblem? {
        if !Self.percentagePointsRange.contains(percentagePoints) {
            return ConnectionProblem(field: "percentagePoints", "must be from 1 to 50 percentage points")
        }
        if !(points > 0 && points <= 1_000) {
            return ConnectionProblem(field: "points", "must be from 0 to 1000 points, above 0")
        }
        return nil
    }

    /// One action's points on one day.
    public struct Points: Sendable, Equatable {
        public var score: Double
        public var max: Double

        public init(score: Double, max: Double) {
            self.score = score
            self.max = max
        }
    }

    /// The two days compared over the actions both have.
    public struct Comparison: Sendable, Equatable {
        public var previousPoints: Double
        public var currentPoints: Double
        public var maxPoints: Double
        /// Actions only one of the days has: left out of the comparison.
        public var leftOut: Int

        public init(previousPoints: Double, currentPoints: Double, maxPoints: Double, leftOut: Int) {
            self.previousPoints = previousPoints
            self.currentPoints = currentPoints
            self.maxPoints = maxPoints
            self.leftOut = leftOut
        }

        public var previousPercent: Double { maxPoints > 0 ? previousPoints / maxPoints * 100 : 0 }
        public var currentPercent: Double { maxPoints > 0 ? currentPoints / maxPoints * 100 : 0 }
        public var pointsDrop: Double { previousPoints - currentPoints }
        public var percentageDrop: Double { previousPercent - currentPercent }
    }

    /// Like for like: the actions of both days, each at the larger of its two maximums (a raised
    /// maximum is not a loss of points).
    public static func compare(previous: [String: Points], current: [String: Points]) -> Comparison {
        var comparison = Comparison(previousPoints: 0, currentPoints: 0, maxPoints: 0, leftOut: 0)
        for (action, before) in previous {
            guard let now = current[action] else {
                comparison.leftOut += 1
                continue
            }
            comparison.previousPoints += before.score
            comparison.currentPoints += now.score
            comparison.maxPoints += Swift.max(before.max, now.max)
        }
        comparison.leftOut += current.keys.filter { previous[$0] == nil }.count
        return comparison
    }

    public func fires(_ comparison: Comparison) -> Bool {
        comparison.percentageDrop >= percentagePoints - 1e-9 || comparison.pointsDrop >= points - 1e-9
    }
}

/// One alert per incident: an alert opens an incident with the score it fell from; no further
/// alert of the kind goes out until the score recovers to within 1 percentage point of that
/// baseline or 7 days pass.
public struct AlertIncident: Sendable, Equatable, Codable {
    public var openedAt: Date
    /// The percentage the score fell from.
    public var baselinePercent: Double

    public init(openedAt: Date, baselinePercent: Double) {
        self.openedAt = openedAt
        self.baselinePercent = baselinePercent
    }

    public static let rearmWithinPercentagePoints = 1.0
    public static let rearmAfterSeconds: Double = 7 * 86_400

    /// What to do now: the incident after this evaluation, and whether an alert goes out.
    public static func evaluate(
        open incident: AlertIncident?,
        firing: Bool,
        comparison: ScoreDropRule.Comparison,
        at now: Date
    ) -> (incident: AlertIncident?, alert: Bool) {
        evaluate(
            open: incident,
            firing: firing,
            currentPercent: comparison.currentPercent,
            baselinePercent: comparison.previousPercent,
            at: now
        )
    }

    /// The same for any percentage watched against a baseline (the score drop's previous day, the
    /// floor's own level): a new incident remembers `baselinePercent`.
    public static func evaluate(
        open incident: AlertIncident?,
        firing: Bool,
        currentPercent: Double,
        baselinePercent: Double,
        at now: Date
    ) -> (incident: AlertIncident?, alert: Bool) {
        var current = incident
        if let open = current {
            let recovered = currentPercent >= open.baselinePercent - rearmWithinPercentagePoints
            let expired = now.timeIntervalSince(open.openedAt) >= rearmAfterSeconds
            if recovered || expired { current = nil }
        }
        guard current == nil, firing else { return (current, false) }
        return (AlertIncident(openedAt: now, baselinePercent: baselinePercent), true)
    }
}
