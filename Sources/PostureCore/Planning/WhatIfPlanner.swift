/// The cheapest set of open actions that lifts the score to a target percentage.
///
/// An action's cost is its ranking effort, `1 + cost × c + userImpact × u + complexity × x`
/// (see ``RankingWeights``); its gain is its remaining points. The planner solves the minimum-cost
/// cover exactly with dynamic programming over gains in hundredths of a point (gains rounded down,
/// the points still needed rounded up, so a plan never falls short of its target).
public struct WhatIfPlan: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var actionID: String
        public var title: String
        public var gain: Double
        public var cost: Double
        public var rank: Int?
    }

    public var targetPercentage: Double
    /// Points needed on top of the current score (0 when the target is already met).
    public var neededPoints: Double
    /// False when even every open action together cannot reach the target; the plan then lists them all.
    public var reachable: Bool
    public var steps: [Step]
    public var totalCost: Double
    public var resultingScore: Double
    public var resultingPercentage: Double
}

public enum WhatIfPlanner {
    /// Actions the planner may choose: counted, open (to address or planned), with points left.
    public static func candidates(in report: ScoreReport) -> [ActionScore] {
        report.rankedActions
    }

    public static func plan(report: ScoreReport, targetPercentage: Double, weights: RankingWeights) -> WhatIfPlan {
        let needed = max(0, targetPercentage / 100 * report.maxScore - report.currentScore)
        let candidates = candidates(in: report)
        func makePlan(_ chosen: [ActionScore], reachable: Bool) -> WhatIfPlan {
            let steps = chosen.map {
                WhatIfPlan.Step(
                    actionID: $0.action.id,
                    title: $0.action.title,
                    gain: $0.remaining,
                    cost: weights.effort(of: $0.action),
                    rank: $0.rank
                )
            }
            let score = report.currentScore + steps.reduce(0) { $0 + $1.gain }
            return WhatIfPlan(
                targetPercentage: targetPercentage,
                neededPoints: needed,
                reachable: reachable,
                steps: steps,
                totalCost: steps.reduce(0) { $0 + $1.cost },
                resultingScore: score,
                resultingPercentage: report.maxScore > 0 ? score / report.maxScore * 100 : 0
            )
        }
        guard needed > 0 else { return makePlan([], reachable: true) }

        let neededUnits = Int((needed * 100 - 1e-9).rounded(.up))
        let gains = candidates.map { Int(($0.remaining * 100 + 1e-9).rounded(.down)) }
        guard gains.reduce(0, +) >= neededUnits else { return makePlan(candidates, reachable: false) }

        // Choosing the cheapest set that gains at least `neededUnits` is the same as leaving out the
        // most expensive set whose gains fit in the slack (all gains minus the needed ones): a plain
        // 0/1 knapsack with an exact reconstruction.
        let costs = candidates.map { weights.effort(of: $0.action) }
        let excluded = mostExpensiveFit(gains: gains, costs: costs, capacity: gains.reduce(0, +) - neededUnits)
        return makePlan(candidates.indices.filter { !excluded.contains($0) }.map { candidates[$0] }, reachable: true)
    }

    /// The items of greatest total cost whose gains fit in `capacity` (a 0/1 knapsack). Decisions
    /// are bits, one row of words per item: points in hundredths make rows of tens of thousands.
    static func mostExpensiveFit(gains: [Int], costs: [Double], capacity: Int) -> Set<Int> {
        let words = capacity / 64 + 1
        var best = [Double](repeating: 0, count: capacity + 1)
        var kept = [UInt64](repeating: 0, count: gains.count * words)
        best.withUnsafeMutableBufferPointer { best in
            kept.withUnsafeMutableBufferPointer { decisions in
                for item in gains.indices where gains[item] <= capacity {
                    keep(
                        gain: gains[item],
                        cost: costs[item],
                        capacity: capacity,
                        best: best,
                        decisions: decisions,
                        row: item * words
                    )
                }
            }
        }
        var chosen = Set<Int>()
        var room = capacity
        for item in gains.indices.reversed()
        where kept[item * words + room >> 6] & (1 << UInt64(room & 63)) != 0 {
            chosen.insert(item)
            room -= gains[item]
        }
        return chosen
    }

    /// One item's pass: every room from `capacity` down to `gain` keeps the item when that costs
    /// more. Each room reads only smaller rooms not yet updated in this pass, so eight rooms that
    /// share a byte of decisions are decided at once in vector registers; the comparisons are the
    /// same as one room at a time, so the plan is too.
    @inline(__always)
    private static func keep(
        gain: Int,
        cost: Double,
        capacity: Int,
        best: UnsafeMutableBufferPointer<Double>,
        decisions: UnsafeMutableBufferPointer<UInt64>,
        row: Int
    ) {
        func one(_ room: Int) {
            let candidate = best[room - gain] + cost
            if candidate > best[room] + 1e-12 {
                best[room] = candidate
                decisions[row + room >> 6] |= 1 << UInt64(room & 63)
            }
        }
        let base = UnsafeMutableRawPointer(best.baseAddress!)
        let lanes = SIMD8<Int64>(1, 2, 4, 8, 16, 32, 64, 128)
        let costs = SIMD8<Double>(repeating: cost)
        var room = capacity
        while room >= gain, (room + 1) & 7 != 0 {
            one(room)
            room -= 1
        }
        // `room` now ends a run of eight that starts on a multiple of eight: one byte of its word.
        while room - 7 >= gain {
            let low = room - 7
            let current = base.loadUnaligned(fromByteOffset: low * 8, as: SIMD8<Double>.self)
            let candidate = base.loadUnaligned(fromByteOffset: (low - gain) * 8, as: SIMD8<Double>.self) + costs
            let better = candidate .> current + 1e-12
            if any(better) {
                base.storeBytes(
                    of: current.replacing(with: candidate, where: better),
                    toByteOffset: low * 8,
                    as: SIMD8<Double>.self
                )
                let byte = SIMD8<Int64>(repeating: 0).replacing(with: lanes, where: better).wrappedSum()
                decisions[row + low >> 6] |= UInt64(byte) << UInt64(low & 63)
            }
            room -= 8
        }
        while room >= gain {
            one(room)
            room -= 1
        }
    }
}
