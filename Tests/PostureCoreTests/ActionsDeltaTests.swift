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
            status: points == 10 ? .completed : .toAddress,
            hasData: points % 3 != 0,
            // Counts on some days, a setting on others, nothing on a few: optional fields come and go.
            achieved: points % 4 == 0 ? nil : points,
            total: points % 4 == 0 ? nil : 10,
            implemented: points % 4 == 0 ? points > 5 : nil
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
            #expect(delta.changed.count == new.filter { !old.contains($0) }.count, "only what changed")
        }
    }

    @Test func aQuietDayStoresNothing() {
        let actions = (0..<117).map { Self.action($0, points: $0 % 11) }
        var next = actions
        next[5].points = 3
        let quiet = ActionsDelta(base: Self.day, key: Self.day, from: actions, to: actions)
        #expect(quiet.changed.isEmpty && quiet.removed.isEmpty && quiet.order == nil)
        let moved = ActionsDelta(base: Self.day, key: Self.day, from: actions, to: next)
        #expect(moved.changed.map(\.id) == [next[5].id] && moved.order == nil)
        // Only the fields that moved: points here; the rest of the record is not repeated.
        #expect(moved.changed[0].points == 3 && moved.changed[0].category == nil && moved.changed[0].status == nil)
    }

    @Test(arguments: [(0, true), (29, true), (30, false), (400, false)])
    func chainsAreBounded(days: Int, extends: Bool) {
        #expect(ActionsDelta.extends(key: Self.day, to: Self.day.adding(days: days)) == extends)
    }
}
