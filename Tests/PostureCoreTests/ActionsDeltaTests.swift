import Foundation
import PostureCore
import PropertyBased
import Testing

/// A stored delta gives back exactly the day's actions, whatever changed, appeared, vanished or
/// moved; and it holds only what changed.
@Suite struct ActionsDeltaTests {
    static let day = CivilDay("2026-11-20")!

    static func action(_ number: Int, points: Int) -> DailySnapshot.Action {
        DailySnapshot.Action(
            id: "A\(number)",
            category: ActionCategory.allCases[number % ActionCategory.allCases.count],
            points: Double(points),
            verifiedPoints: Double(points),
            maxScore: 10,
            status: points == 10 ? .completed : .toAddress
        )
    }

    /// Lists of distinct actions: (id number, points) pairs, deduplicated by id, in random order.
    static let actions = zip(Gen.int(in: 0...40), Gen.int(in: 0...10)).array(of: 0...30).map { pairs in
        var seen = Set<Int>()
        return pairs.filter { seen.insert($0.0).inserted }.map { action($0.0, points: $0.1) }
    }

    @Test func applyingTheDeltaGivesBackTheDay() async {
        await propertyCheck(count: 300, input: zip(Self.actions, Self.actions)) { old, new in
            let delta = ActionsDelta(base: Self.day, key: Self.day, from: old, to: new)
            #expect(delta.apply(to: old) == new)
            #expect(delta.changed.count <= new.count)
            #expect(delta.changed.allSatisfy { changed in !old.contains(changed) })
        }
    }

    @Test func aQuietDayStoresNothing() {
        let actions = (0..<117).map { Self.action($0, points: $0 % 11) }
        var next = actions
        next[5].points = 3
        let quiet = ActionsDelta(base: Self.day, key: Self.day, from: actions, to: actions)
        #expect(quiet.changed.isEmpty && quiet.removed.isEmpty && quiet.order == nil)
        let moved = ActionsDelta(base: Self.day, key: Self.day, from: actions, to: next)
        #expect(moved.changed == [next[5]] && moved.order == nil)
    }

    @Test(arguments: [(0, true), (29, true), (30, false), (400, false)])
    func chainsAreBounded(days: Int, extends: Bool) {
        #expect(ActionsDelta.extends(key: Self.day, to: Self.day.adding(days: days)) == extends)
    }
}
