import Foundation
import PostureCore
import PropertyBased
import Testing

/// The score-drop alert: like for like, its thresholds, and one alert per incident.
@Suite struct ScoreDropAlertTests {
    typealias Points = ScoreDropRule.Points

    static let yesterday: [String: Points] = [
        "AdminMFAV2": Points(score: 10, max: 10), "MFARegistrationV2": Points(score: 9, max: 9),
        "OneAdmin": Points(score: 2, max: 2), "spo_legacy_auth": Points(score: 6, max: 6),
        "scid_2010": Points(score: 4, max: 8),
    ]

    @Test(
        arguments: [
            ("nothing changed", [:], false),
            ("MFA for admins lost (10 points, 28.6 pp)", ["AdminMFAV2": Points(score: 0, max: 10)], true),
            ("one point lost (2.9 pp)", ["scid_2010": Points(score: 3, max: 8)], false),
            ("two points lost of 35 (5.7 pp)", ["OneAdmin": Points(score: 0, max: 2)], true),
            ("a new action with 0 of 50 points", ["new_action": Points(score: 0, max: 50)], false),
            ("a raised maximum with the same points", ["scid_2010": Points(score: 4, max: 20)], false),
        ] as [(String, [String: Points], Bool)]
    )
    func likeForLike(_ name: String, _ change: [String: Points], _ fires: Bool) {
        let today = Self.yesterday.merging(change) { _, new in new }
        let comparison = ScoreDropRule.compare(previous: Self.yesterday, current: today)
        #expect(ScoreDropRule().fires(comparison) == fires, "\(name): \(comparison)")
    }

    @Test func actionsOnOneDayOnlyAreLeftOut() {
        var today = Self.yesterday
        today["brand_new"] = Points(score: 0, max: 100)
        today["OneAdmin"] = nil
        let comparison = ScoreDropRule.compare(previous: Self.yesterday, current: today)
        #expect(comparison.leftOut == 2 && comparison.maxPoints == 33 && comparison.pointsDrop == 0)
        #expect(!ScoreDropRule().fires(comparison))
    }

    @Test func thresholdsAreChecked() {
        #expect(ScoreDropRule().problem == nil)
        #expect(ScoreDropRule(percentagePoints: 0.5).problem?.field == "percentagePoints")
        #expect(ScoreDropRule(percentagePoints: 51).problem?.field == "percentagePoints")
        #expect(ScoreDropRule(points: 0).problem?.field == "points")
        #expect(
            ScoreDropRule(points: 3).fires(
                ScoreDropRule.Comparison(previousPoints: 50, currentPoints: 47, maxPoints: 500, leftOut: 0)
            )
        )
    }

    static func comparison(_ previous: Double, _ current: Double) -> ScoreDropRule.Comparison {
        ScoreDropRule.Comparison(previousPoints: previous, currentPoints: current, maxPoints: 100, leftOut: 0)
    }

    @Test func oneAlertPerIncidentRearmedOnRecoveryOrAfterAWeek() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let day: Double = 86_400
        // Falls from 60 % to 50 %: an alert, and an incident with 60 as its baseline.
        var (incident, alert) = AlertIncident.evaluate(
            open: nil,
            firing: true,
            comparison: Self.comparison(60, 50),
            at: start
        )
        #expect(alert && incident?.baselinePercent == 60)
        // Falls again the next day: the same incident, no second alert.
        (incident, alert) = AlertIncident.evaluate(
            open: incident,
            firing: true,
            comparison: Self.comparison(50, 40),
            at: start.addingTimeInterval(day)
        )
        #expect(!alert && incident?.openedAt == start)
        // Recovers to 59.5 %, within a point of 60: re-armed; a new drop alerts again.
        (incident, alert) = AlertIncident.evaluate(
            open: incident,
            firing: false,
            comparison: Self.comparison(40, 59.5),
            at: start.addingTimeInterval(2 * day)
        )
        #expect(!alert && incident == nil)
        (incident, alert) = AlertIncident.evaluate(
            open: incident,
            firing: true,
            comparison: Self.comparison(59.5, 45),
            at: start.addingTimeInterval(3 * day)
        )
        #expect(alert && incident?.baselinePercent == 59.5)
        // Still down a week later, and falling: a new alert after seven days.
        (incident, alert) = AlertIncident.evaluate(
            open: incident,
            firing: true,
            comparison: Self.comparison(45, 35),
            at: start.addingTimeInterval(9 * day)
        )
        #expect(!alert)
        (incident, alert) = AlertIncident.evaluate(
            open: incident,
            firing: true,
            comparison: Self.comparison(35, 25),
            at: start.addingTimeInterval(10 * day)
        )
        #expect(alert && incident?.openedAt == start.addingTimeInterval(10 * day))
    }

    /// Whatever the sequence of days, alerts are at least seven days apart unless the score came
    /// back within a point of the baseline in between.
    @Test func alertsNeverRepeatWithinAnIncident() async {
        let days = Gen.int(in: 0...100).array(of: 2...40)
        await propertyCheck(count: 300, input: days) { percents in
            var incident: AlertIncident?
            var lastAlert: (at: Date, baseline: Double)?
            var recoveredSince = false
            for (index, pair) in zip(percents, percents.dropFirst()).enumerated() {
                let at = Date(timeIntervalSince1970: Double(index) * 86_400)
                let comparison = Self.comparison(Double(pair.0), Double(pair.1))
                if let last = lastAlert, comparison.currentPercent >= last.baseline - 1 { recoveredSince = true }
                let result = AlertIncident.evaluate(
                    open: incident,
                    firing: ScoreDropRule().fires(comparison),
                    comparison: comparison,
                    at: at
                )
                if result.alert, let last = lastAlert {
                    #expect(recoveredSince || at.timeIntervalSince(last.at) >= 7 * 86_400)
                }
                if result.alert {
                    lastAlert = (at, comparison.previousPercent)
                    recoveredSince = false
                }
                incident = result.incident
            }
        }
    }
}
