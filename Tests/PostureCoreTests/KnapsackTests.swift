import PropertyBased
import Testing

@testable import PostureCore

/// The planner's knapsack decides eight rooms at once; it must decide exactly as one room at a
/// time does, ties included, or plans (and `posture assess` output) would change with the CPU.
@Suite struct KnapsackTests {
    /// The rule stated plainly: every room from the top down, one at a time.
    static func oneRoomAtATime(gains: [Int], costs: [Double], capacity: Int) -> Set<Int> {
        var best = [Double](repeating: 0, count: capacity + 1)
        var kept = [[Bool]](repeating: [Bool](repeating: false, count: capacity + 1), count: gains.count)
        for item in gains.indices where gains[item] <= capacity {
            for room in stride(from: capacity, through: gains[item], by: -1) {
                let candidate = best[room - gains[item]] + costs[item]
                if candidate > best[room] + 1e-12 {
                    best[room] = candidate
                    kept[item][room] = true
                }
            }
        }
        var chosen = Set<Int>()
        var room = capacity
        for item in gains.indices.reversed() where kept[item][room] {
            chosen.insert(item)
            room -= gains[item]
        }
        return chosen
    }

    // Small costs from a short list make ties common; capacities cross many bytes and words, and
    // gains below eight make a pass read rooms inside the eight it is deciding.
    static let items = zip(Gen.int(in: 0...140), Gen.int(in: 0...6)).array(of: 0...24)

    @Test func decidesAsOneRoomAtATime() async {
        await propertyCheck(count: 300, input: Self.items, Gen.int(in: 0...700)) { items, capacity in
            let gains = items.map(\.0)
            let costs = items.map { [1, 1.5, 2, 2.5, 3, 0.1 + 0.2, 0.3][$0.1] }
            #expect(
                WhatIfPlanner.mostExpensiveFit(gains: gains, costs: costs, capacity: capacity)
                    == Self.oneRoomAtATime(gains: gains, costs: costs, capacity: capacity)
            )
        }
    }

    @Test func hundredthsOfPointsAcrossManyWords() {
        let gains = (0..<90).map { 37 + ($0 * 7_919) % 1_200 }
        let costs = (0..<90).map { 1 + Double($0 % 5) * 0.5 }
        for capacity in [0, 7, 8, 63, 64, 65, 4_321, gains.reduce(0, +) / 2] {
            #expect(
                WhatIfPlanner.mostExpensiveFit(gains: gains, costs: costs, capacity: capacity)
                    == Self.oneRoomAtATime(gains: gains, costs: costs, capacity: capacity),
                "capacity \(capacity)"
            )
        }
    }
}
