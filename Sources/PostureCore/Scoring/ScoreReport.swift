import Foundation

/// Score, max and verified score of one category.
public struct CategoryScore: Sendable, Equatable {
    public var category: ActionCategory
    public var score: Double
    public var maxScore: Double
    public var verifiedScore: Double

    public var percentage: Double { maxScore > 0 ? score / maxScore * 100 : 0 }
}

/// An organization's score at one instant, with its per-action breakdown.
public struct ScoreReport: Sendable, Equatable {
    public var asOf: Date
    public var catalogVersion: String
    public var scoringModelVersion: String
    public var currentScore: Double
    public var maxScore: Double
    /// Score without third-party and alternate-mitigation claims.
    public var verifiedScore: Double
    /// Every category, in catalog order, including empty ones.
    public var categories: [CategoryScore]
    /// Every catalog action, ranked ones first by rank, then the rest by category and id.
    public var actions: [ActionScore]

    public var percentage: Double { maxScore > 0 ? currentScore / maxScore * 100 : 0 }
    public var verifiedPercentage: Double { maxScore > 0 ? verifiedScore / maxScore * 100 : 0 }
    /// Points resting on claims the data does not confirm.
    public var claimedScore: Double { currentScore - verifiedScore }

    public var rankedActions: [ActionScore] {
        actions.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }
    }

    public subscript(actionID: String) -> ActionScore? {
        actions.first { $0.action.id == actionID }
    }
}
