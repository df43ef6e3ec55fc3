import Foundation
import PostureCore
import Testing

/// Each reconciliation reason, from one Microsoft day against one Posture report.
@Suite struct ReconciliationTests {
    static let report = Fixtures.score(
        [
            Fixtures.counted("MFA", 2, 4), Fixtures.binary("Legacy", true, at: Date(iso8601: "2026-11-28T00:00:00Z")),
            Fixtures.binary("SSPR", false),
            Fixtures.counted("Labels", 0, 0), Fixtures.binary("SafeLinks", false), Fixtures.binary("Old", true),
        ],
        [Fixtures.status("SafeLinks", .resolvedThirdParty)]
    )

    static let microsoft = MicrosoftDailyScore(
        day: CivilDay("2026-11-27")!,
        createdAt: Date(iso8601: "2026-11-27T00:00:00Z")!,
        currentScore: 30,
        maxScore: 60,
        controls: [
            MicrosoftControlScore(controlName: "MFA", score: 7.5, count: 3, total: 4),
            MicrosoftControlScore(controlName: "Legacy", score: 0),
            MicrosoftControlScore(controlName: "SSPR", score: 4),
            MicrosoftControlScore(controlName: "Labels", score: 6),
            MicrosoftControlScore(controlName: "SafeLinks", score: 0),
            MicrosoftControlScore(controlName: "DC", score: 5, count: 1, total: 1),
            MicrosoftControlScore(controlName: "Old", score: 3),
            MicrosoftControlScore(controlName: "Unknown", score: 2),
        ]
    )

    static let profiles = [
        MicrosoftControlProfile(id: "SSPR", title: "SSPR", maxScore: 4),
        MicrosoftControlProfile(id: "SafeLinks", title: "Safe Links", maxScore: 9, state: "Default"),
        MicrosoftControlProfile(id: "Old", title: "Old", maxScore: 3, deprecated: false),
        MicrosoftControlProfile(id: "MFA", title: "MFA", maxScore: 10),
    ]

    @Test(arguments: [
        ("MFA", "different counts: Microsoft 3/4, Posture 2/4", -2.5),
        ("Legacy", "Posture's evidence shows it done; Microsoft has not seen the change yet (it refreshes daily)", 8),
        ("SSPR", "different result from the same kind of evidence", -4),
        ("Labels", "not applicable in Posture: nothing is in scope", -6),
        ("SafeLinks", "Posture counts the status \"Resolved through third party\"; Microsoft's state is Default", 9),
        ("DC", "no data in Posture (Microsoft counts 1/1)", -5),
        ("Old", "deprecated in the Posture catalog", -3),
        ("Unknown", "not in the Posture catalog", 0),
    ])
    func reasons(_ actionID: String, _ reason: String, _ difference: Double) {
        let lines = Reconciliation.lines(microsoft: Self.microsoft, profiles: Self.profiles, report: Self.report)
        let line = lines.first { $0.actionID == actionID }
        #expect(line?.reason == reason)
        #expect(line?.difference == difference)
    }

    @Test func sameWithinRoundingAndLargestDifferencesFirst() {
        let rounded = MicrosoftDailyScore(
            day: Self.microsoft.day,
            createdAt: Self.microsoft.createdAt,
            currentScore: 5,
            maxScore: 10,
            controls: [MicrosoftControlScore(controlName: "MFA", score: 5.001, count: 2, total: 4)]
        )
        let lines = Reconciliation.lines(microsoft: rounded, profiles: [], report: Self.report)
        #expect(lines.first { $0.actionID == "MFA" }?.reason == "same")
        #expect(lines.first { $0.actionID == "MFA" }?.difference == 0)
        let all = Reconciliation.lines(microsoft: Self.microsoft, profiles: Self.profiles, report: Self.report)
        #expect(zip(all, all.dropFirst()).allSatisfy { abs($0.difference) >= abs($1.difference) })
    }
}
