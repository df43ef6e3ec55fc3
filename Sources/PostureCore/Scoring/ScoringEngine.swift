import Foundation

/// Turns a catalog, measurements and statuses into a ``ScoreReport``. Pure: the evaluation
/// instant is a parameter, so the same inputs always give the same report.
public struct ScoringEngine: Sendable {
    /// Bumped whenever a rule below changes how points are computed; recorded with every score.
    public static let modelVersion = "posture-1"

    public var catalog: Catalog
    public var weights: RankingWeights

    public init(catalog: Catalog, weights: RankingWeights = .default) {
        self.catalog = catalog
        self.weights = weights
    }

    /// Scores one organization. Measurements and statuses for ids missing from the catalog are
    /// ignored here; input decoders reject them before they get this far.
    public func score(measurements: [ActionMeasurement], statuses: [StatusRecord], asOf: Date) -> ScoreReport {
        let measurementByID = Dictionary(measurements.map { ($0.actionID, $0) }, uniquingKeysWith: { _, last in last })
        let statusByID = Dictionary(statuses.map { ($0.actionID, $0) }, uniquingKeysWith: { _, last in last })
        var scores = catalog.actions.map { action in
            Self.evaluate(action, measurement: measurementByID[action.id], status: statusByID[action.id], asOf: asOf)
        }
        Ranking.assign(to: &scores, weights: weights)

        var categories = ActionCategory.allCases.map {
            CategoryScore(category: $0, score: 0, maxScore: 0, verifiedScore: 0)
        }
        for score in scores where score.counted {
            let index = ActionCategory.allCases.firstIndex(of: score.action.category)!
            categories[index].score += score.points
            categories[index].maxScore += score.action.maxScore
            categories[index].verifiedScore += score.verifiedPoints
        }
        let ordered = scores.sorted { lhs, rhs in
            switch (lhs.rank, rhs.rank) {
            case (let l?, let r?): return l < r
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return (lhs.action.category, lhs.action.id) < (rhs.action.category, rhs.action.id)
            }
        }
        return ScoreReport(
            asOf: asOf,
            catalogVersion: catalog.version,
            scoringModelVersion: Self.modelVersion,
            currentScore: categories.reduce(0) { $0 + $1.score },
            maxScore: categories.reduce(0) { $0 + $1.maxScore },
            verifiedScore: categories.reduce(0) { $0 + $1.verifiedScore },
            categories: categories,
            actions: ordered
        )
    }

    /// Applies every status rule of one action; see DESIGN.md's domain table.
    public static func evaluate(
        _ action: ImprovementAction,
        measurement: ActionMeasurement?,
        status record: StatusRecord?,
        asOf: Date
    ) -> ActionScore {
        var achieved: Int?
        var total: Int?
        var measuredPoints = 0.0
        var applicable = true
        if let measurement {
            let counts = measurement.effectiveCounts(asOf: asOf)
            achieved = counts.achieved
            total = counts.total
            if counts.total == 0 {
                applicable = false
            } else if action.scoringMethod == .binary {
                measuredPoints = counts.achieved == counts.total ? action.maxScore : 0
            } else {
                measuredPoints = action.maxScore * Double(min(counts.achieved, counts.total)) / Double(counts.total)
            }
        }
        let hasData = measurement != nil
        let fullyAchieved = hasData && applicable && achieved == total

        // A person's status on an externally managed action has no effect: its source owns it.
        let personRecord = action.externallyManaged && record?.status != .completed ? nil : record
        var status = personRecord?.status ?? .toAddress
        var exceptionExpired = false
        var regressed = false
        if fullyAchieved {
            status = .completed
        } else if status == .completed {
            status = .toAddress
            regressed = true
        } else if status.isException, let expiresAt = personRecord?.expiresAt, asOf >= expiresAt {
            status = .toAddress
            exceptionExpired = true
        }

        let points = status.isClaim || status == .completed ? action.maxScore : measuredPoints
        let counted = applicable && !action.deprecated
        return ActionScore(
            action: action,
            points: counted ? points : 0,
            measuredPoints: measuredPoints,
            verifiedPoints: counted ? measuredPoints : 0,
            claimedPoints: counted ? points - measuredPoints : 0,
            status: status,
            statusRecord: personRecord,
            applicable: applicable,
            hasData: hasData,
            counted: counted,
            achieved: achieved,
            total: total,
            excluded: measurement?.excluded.filter { $0.isActive(asOf: asOf) } ?? [],
            lastMeasuredAt: measurement?.observedAt,
            exceptionExpired: exceptionExpired,
            regressed: regressed,
            rank: nil,
            priority: nil
        )
    }
}
