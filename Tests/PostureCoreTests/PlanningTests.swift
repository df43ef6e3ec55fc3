import Foundation
import PostureCore
import PropertyBased
import Testing

@Suite struct PlanningTests {
    /// Every subset of the open actions, cheapest first: the planner must match it exactly.
    static func bruteForceCost(_ report: ScoreReport, target: Double, weights: RankingWeights) -> Double? {
        let candidates = report.rankedActions
        let needed = target / 100 * report.maxScore - report.currentScore
        if needed <= 0 { return 0 }
        var best: Double?
        for mask in 0..<(1 << candidates.count) {
            var gain = 0.0
            var cost = 0.0
            for (index, action) in candidates.enumerated() where mask & (1 << index) != 0 {
                gain += (action.remaining * 100 + 1e-9).rounded(.down) / 100
                cost += weights.effort(of: action.action)
            }
            if gain + 1e-9 >= needed, best.map({ cost < $0 }) ?? true { best = cost }
        }
        return best
    }

    @Test func planIsTheCheapestSetReachingTheTarget() async {
        await propertyCheck(count: 200, input: RandomState.generator, Gen.int(in: 0...100)) { rows, target in
            let (measurements, statuses) = RandomState.build(rows)
            let report = Fixtures.score(measurements, statuses)
            let plan = WhatIfPlanner.plan(report: report, targetPercentage: Double(target), weights: .default)
            let expected = Self.bruteForceCost(report, target: Double(target), weights: .default)
            if let expected {
                #expect(plan.reachable)
                #expect(abs(plan.totalCost - expected) < 1e-9)
                #expect(plan.resultingPercentage + 1e-9 >= Double(target))
                #expect(Set(plan.steps.map(\.actionID)).isSubset(of: Set(report.rankedActions.map(\.action.id))))
            } else {
                #expect(!plan.reachable)
                #expect(plan.steps.count == report.rankedActions.count)
            }
        }
    }

    @Test func targetAlreadyMetNeedsNothing() {
        let report = Fixtures.score([Fixtures.binary("Legacy", true)])
        let plan = WhatIfPlanner.plan(report: report, targetPercentage: 5, weights: .default)
        #expect(plan.reachable && plan.steps.isEmpty && plan.neededPoints == 0)
    }

    @Test func planPrefersCheapActionsOverBigOnes() {
        // Need 9 points: SafeLinks (9 points, cost 1+1+0.5 = 2.5) vs Legacy 8 + SSPR 4 (cost 2).
        let all = Fixtures.score([])
        let target = 9 / all.maxScore * 100
        let plan = WhatIfPlanner.plan(report: all, targetPercentage: target, weights: .default)
        #expect(plan.totalCost <= 2)
        #expect(plan.steps.reduce(0) { $0 + $1.gain } >= 9)
    }

    @Test func projectionFollowsTargetDates() {
        let report = Fixtures.score(
            [Fixtures.counted("MFA", 50, 100), Fixtures.binary("Legacy", false)],
            [
                Fixtures.status("MFA", .planned, target: "2026-12-31"),
                Fixtures.status("Legacy", .planned, target: "2026-12-01"),
                Fixtures.status("SSPR", .planned, target: "2026-11-01"),
                Fixtures.status("DC", .planned),
            ]
        )
        let projection = Projection.project(report)
        #expect(projection.points.map(\.date.description) == ["2026-11-28", "2026-12-01", "2026-12-31"])
        #expect(projection.points.map(\.score) == [5, 13, 18])
        #expect(projection.overdue == ["SSPR"])
        #expect(projection.undated == ["DC"])
        #expect(projection.plannedScore == 5 + 5 + 8 + 4 + 5)
    }
}
