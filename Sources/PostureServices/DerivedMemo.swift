import Foundation
import NIOConcurrencyHelpers
import PostureCore

/// What the services work out from stored state, kept by this process under exactly what it was
/// worked out from, so a report or chart read again for an unchanged state skips the work; an
/// entry is used only for the inputs it came from, on any node, after any write. Bounded: past
/// `capacity` organizations (or kept cohort ranges), all are dropped.
///
/// - The last what-if plan of each organization, under the target, the score and its maximum,
///   and every open action with its points left, effort, rank and title: the planner is a pure
///   function of these (its dynamic program was a tenth of a one-year report's server time).
/// - The last period's score changes and regressions of each organization, under the period,
///   the fingerprint of the stored days they came from, and the change log's last sequence and
///   the organization's creation (a log appended to, or begun again, is another log).
/// - Cohort averages of sealed days, under the comparison and the range: sealed cells are
///   written once and never change (docs/freshness.md), so the range's rows are its averages.
/// - How far cells are sealed, once it reaches yesterday: it only ever moves forward, so until
///   the day turns no read needs to ask again.
public final class DerivedMemo: Sendable {
    struct PlanKey: Equatable {
        var targetPercentage: Double
        var currentScore: Double
        var maxScore: Double
        var candidates: [Candidate]
    }

    struct Candidate: Equatable {
        var id: String
        var title: String
        var remaining: Double
        var effort: Double
        var rank: Int?
    }

    struct PeriodKey: Equatable {
        var period: DayInterval
        var moves: Int
        var lastChange: Int64
        var createdAt: Date
    }

    struct PeriodWork: Sendable {
        var changes: ScoreChanges
        var regressions: [Regression]
    }

    struct CohortKey: Equatable {
        var filter: CustomComparison
        var from: CivilDay
        var to: CivilDay
        var categories: Bool
    }

    private let plans = NIOLockedValueBox<[String: (key: PlanKey, plan: WhatIfPlan)]>([:])
    private let cohorts = NIOLockedValueBox<[(key: CohortKey, days: [CohortDay])]>([])
    private let periods = NIOLockedValueBox<[String: (key: PeriodKey, work: PeriodWork)]>([:])
    private let sealed = NIOLockedValueBox<CivilDay?>(nil)
    let capacity: Int

    public init(capacity: Int = 5_000) {
        self.capacity = capacity
    }

    /// The plan of `report` to `targetPercentage`: remembered, or worked out and remembered.
    func plan(
        _ organizationID: OrganizationID,
        report: ScoreReport,
        targetPercentage: Double,
        weights: RankingWeights
    ) -> WhatIfPlan {
        let key = PlanKey(
            targetPercentage: targetPercentage,
            currentScore: report.currentScore,
            maxScore: report.maxScore,
            candidates: WhatIfPlanner.candidates(in: report).map {
                Candidate(
                    id: $0.action.id,
                    title: $0.action.title,
                    remaining: $0.remaining,
                    effort: weights.effort(of: $0.action),
                    rank: $0.rank
                )
            }
        )
        if let held = plans.withLockedValue({ $0[organizationID.rawValue] }), held.key == key { return held.plan }
        let plan = WhatIfPlanner.plan(report: report, targetPercentage: targetPercentage, weights: weights)
        plans.withLockedValue { plans in
            if plans.count >= capacity { plans = [:] }
            plans[organizationID.rawValue] = (key, plan)
        }
        return plan
    }

    /// How many organizations' plans are held, for the tests.
    var size: Int { plans.withLockedValue { $0.count } }

    /// The period's work held under `key`, if any.
    func period(_ organizationID: OrganizationID, _ key: PeriodKey) -> PeriodWork? {
        periods.withLockedValue { periods in
            periods[organizationID.rawValue].flatMap { $0.key == key ? $0.work : nil }
        }
    }

    func keep(_ organizationID: OrganizationID, _ key: PeriodKey, _ work: PeriodWork) {
        periods.withLockedValue { periods in
            if periods.count >= capacity { periods = [:] }
            periods[organizationID.rawValue] = (key, work)
        }
    }

    /// The furthest day cells were seen sealed through.
    var cohortsSealedThrough: CivilDay? {
        sealed.withLockedValue { $0 }
    }

    func keepSealed(through day: CivilDay) {
        sealed.withLockedValue { held in held = max(held ?? day, day) }
    }

    /// The sealed cohort days held under `key`, if any.
    func cohortDays(_ key: CohortKey) -> [CohortDay]? {
        cohorts.withLockedValue { cohorts in cohorts.first { $0.key == key }?.days }
    }

    func keep(_ key: CohortKey, _ days: [CohortDay]) {
        cohorts.withLockedValue { cohorts in
            // Few comparisons are read at once (the seat bands, a few custom ones, two ranges
            // each): a short list searched in order, the newest first.
            if cohorts.count >= min(capacity, 64) { cohorts.removeLast() }
            cohorts.insert((key, days), at: 0)
        }
    }
}
