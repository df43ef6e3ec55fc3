import Foundation
import PostureCore
import PropertyBased
import Testing

/// Newest observation wins, per action, as a table and as a property.
@Suite struct ObservationOrderTests {
    static let now = Date(iso8601: "2026-11-28T12:00:00Z")!
    static let october = Date(iso8601: "2026-10-01T00:00:00Z")!

    static func measurement(_ id: String, _ achieved: Int, at date: Date?) -> ActionMeasurement {
        var measurement = ActionMeasurement(actionID: id, result: .counted(achieved: achieved, total: 12))
        measurement.observedAt = date
        return measurement
    }

    @Test(arguments: [
        // (stored observation, incoming observation, applied?)
        (Optional(now), Optional(october), false),
        (Optional(october), Optional(now), true),
        (Optional(now), Optional(now), true),
        (nil, Optional(october), true),
        (Optional(now), nil, true),
        (Optional(now.addingTimeInterval(3600)), nil, false),
    ])
    func olderNeverReplacesNewer(stored: Date?, incoming: Date?, applied: Bool) {
        let (apply, older) = ObservationOrder.newest(
            [Self.measurement("AdminMFAV2", 1, at: incoming)],
            stored: stored.map { ["AdminMFAV2": $0] } ?? [:],
            now: Self.now
        )
        #expect(apply.count == (applied ? 1 : 0))
        #expect(older.count == (applied ? 0 : 1))
        if let skipped = older.first {
            #expect(skipped.actionID == "AdminMFAV2" && skipped.storedObservedAt == stored)
            #expect(skipped.observedAt == incoming ?? Self.now)
        }
    }

    @Test func withinABatchTheNewestOfAnActionWins() {
        let batch = [
            Self.measurement("A", 11, at: Self.now),
            Self.measurement("B", 3, at: Self.october),
            Self.measurement("A", 1, at: Self.october),
        ]
        let (apply, older) = ObservationOrder.newest(batch, stored: [:], now: Self.now)
        #expect(apply.map(\.actionID) == ["A", "B"])
        #expect(apply[0].result == .counted(achieved: 11, total: 12))
        #expect(older.map(\.actionID) == ["A"])
    }

    /// Whatever the order of arrival, what is applied last for each action is its newest
    /// observation: the stored state ends the same as if everything had arrived in order.
    @Test func arrivalOrderDoesNotChangeTheOutcome() async {
        let batches = zip(Gen.int(in: 0...3), Gen.int(in: 0...50), Gen.int(in: 0...12)).array(of: 1...30)
        await propertyCheck(count: 200, input: batches) { rows in
            let measurements = rows.map { row in
                Self.measurement("A\(row.0)", row.2, at: Self.october.addingTimeInterval(Double(row.1) * 3600))
            }
            var stored: [String: Date] = [:]
            var state: [String: ActionMeasurement] = [:]
            for measurement in measurements {
                let (apply, _) = ObservationOrder.newest([measurement], stored: stored, now: Self.now)
                for applied in apply {
                    stored[applied.actionID] = applied.observedAt
                    state[applied.actionID] = applied
                }
            }
            for (id, final) in state {
                let newest = measurements.filter { $0.actionID == id }.map { $0.observedAt! }.max()!
                #expect(final.observedAt == newest)
            }
        }
    }
}
