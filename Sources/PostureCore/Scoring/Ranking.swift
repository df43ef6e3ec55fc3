import Foundation

/// Weights of the ranking and planning formulas. Levels count Low = 0, Moderate = 1, High = 2.
///
///     effort   = 1 + cost × c + userImpact × u + complexity × x
///     priority = remaining ^ points ÷ effort
///
/// The default weights (points 1, the others 0.5) make a Low/Low/Low action cost 1 and a
/// High/High/High action cost 4: ten remaining points behind heavy work rank level with 2.5 easy
/// points. Actions are ranked by priority, then remaining points, then max points, then id, so the
/// order is total and the same on every machine.
public struct RankingWeights: Sendable, Equatable, Codable {
    public var points: Double
    public var cost: Double
    public var userImpact: Double
    public var complexity: Double

    public static let `default` = RankingWeights(points: 1, cost: 0.5, userImpact: 0.5, complexity: 0.5)

    public init(points: Double, cost: Double, userImpact: Double, complexity: Double) {
        self.points = points
        self.cost = cost
        self.userImpact = userImpact
        self.complexity = complexity
    }

    /// The weights as text, for telling stored rankings made under other weights apart.
    public var key: String { "\(points),\(cost),\(userImpact),\(complexity)" }

    /// Names of weights that are negative or not finite (empty when all are usable).
    public var invalidWeights: [String] {
        [("points", points), ("cost", cost), ("userImpact", userImpact), ("complexity", complexity)]
            .filter { !$0.1.isFinite || $0.1 < 0 }.map(\.0)
    }

    /// The effort an action asks for; also the planner's cost of doing it.
    public func effort(of action: ImprovementAction) -> Double {
        1 + cost * action.implementationCost.steps + userImpact * action.userImpact.steps
            + complexity * action.complexity.steps
    }

    public func priority(remaining: Double, action: ImprovementAction) -> Double {
        Foundation.pow(remaining, points) / effort(of: action)
    }
}

public enum Ranking {
    /// Whether an action takes part in ranking: it counts, is still open and has points left.
    /// Completed, resolved and risk-accepted actions are not ranked.
    public static func isRankable(_ score: ActionScore) -> Bool {
        score.counted && score.status.isOpen && score.remaining > 0
    }

    /// The strict total order of ranking: higher priority first, ties broken by remaining points,
    /// then max points (both descending), then id.
    public static func precedes(_ lhs: ActionScore, _ rhs: ActionScore) -> Bool {
        let l = (lhs.priority ?? 0, lhs.remaining, lhs.action.maxScore)
        let r = (rhs.priority ?? 0, rhs.remaining, rhs.action.maxScore)
        if l.0 != r.0 { return l.0 > r.0 }
        if l.1 != r.1 { return l.1 > r.1 }
        if l.2 != r.2 { return l.2 > r.2 }
        return lhs.action.id < rhs.action.id
    }

    /// Sets `priority` and `rank` (1 = do first) on every rankable action, nil on the rest.
    public static func assign(to scores: inout [ActionScore], weights: RankingWeights) {
        var rankable: [Int] = []
        for index in scores.indices {
            scores[index].rank = nil
            scores[index].priority = nil
            if isRankable(scores[index]) {
                scores[index].priority = weights.priority(
                    remaining: scores[index].remaining,
                    action: scores[index].action
                )
                rankable.append(index)
            }
        }
        rankable.sort { precedes(scores[$0], scores[$1]) }
        for (position, index) in rankable.enumerated() {
            scores[index].rank = position + 1
        }
    }
}
