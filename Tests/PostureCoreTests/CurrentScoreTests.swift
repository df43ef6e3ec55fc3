import Foundation
import PostureCore
import PropertyBased
import Testing

/// The stored form of a score gives back exactly the report it was made from, and the same
/// snapshot the report gives, for any state of the fixture catalog.
@Suite struct CurrentScoreTests {
    static let rules = CurrentScore.rulesKey(catalog: Fixtures.catalog, weights: .default)

    @Test func theStoredFormGivesBackTheReportAndItsSnapshot() async {
        await propertyCheck(count: 300, input: RandomState.generator) { rows in
            let (measurements, statuses) = RandomState.build(rows)
            let report = Fixtures.score(measurements, statuses)
            let stored = CurrentScore(report: report, measurements: measurements, rulesKey: Self.rules)
            let decoded = try? JSONDecoder().decode(CurrentScore.self, from: JSONEncoder().encode(stored))
            #expect(decoded == stored)
            #expect(decoded?.report(catalog: Fixtures.catalog, asOf: report.asOf) == report)
            let organization = Organization(id: "o", displayName: "O", licensedUserCount: 40)
            let day = CivilDay(report.asOf)
            #expect(
                stored.snapshot(of: organization, day: day, catalog: Fixtures.catalog, filled: false)
                    == DailySnapshot(
                        organization: organization,
                        day: day,
                        report: report,
                        measurements: measurements,
                        filled: false
                    )
            )
        }
    }

    @Test func itIsCurrentUntilSomethingLapsesOrTheRulesChange() {
        let expiry = Fixtures.asOf.addingTimeInterval(3_600)
        let report = Fixtures.score(
            [],
            [StatusRecord(actionID: "Legacy", status: .riskAccepted, expiresAt: expiry)]
        )
        let stored = CurrentScore(report: report, measurements: [], rulesKey: Self.rules)
        #expect(stored.validUntil == expiry)
        #expect(stored.isCurrent(at: expiry.addingTimeInterval(-1), rulesKey: Self.rules))
        #expect(!stored.isCurrent(at: expiry, rulesKey: Self.rules))
        #expect(!stored.isCurrent(at: Fixtures.asOf, rulesKey: Self.rules + "x"))
        // A planned action's target date lapses nothing: no expiry.
        let planned = Fixtures.score([], [StatusRecord(actionID: "Legacy", status: .planned, expiresAt: expiry)])
        #expect(CurrentScore(report: planned, measurements: [], rulesKey: Self.rules).validUntil == nil)
        // Another catalog (same label, other points) is other rules.
        var actions = Fixtures.catalog.actions
        actions[0].maxScore += 1
        let edited = Catalog(version: Fixtures.catalog.version, actions: actions)
        #expect(CurrentScore.rulesKey(catalog: edited, weights: .default) != Self.rules)
        #expect(
            CurrentScore.rulesKey(
                catalog: Fixtures.catalog,
                weights: RankingWeights(points: 1, cost: 0, userImpact: 0, complexity: 0)
            ) != Self.rules
        )
    }
}
