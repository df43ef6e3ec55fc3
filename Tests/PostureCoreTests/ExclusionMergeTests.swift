import Foundation
import PostureCore
import Testing

@Suite struct ExclusionMergeTests {
    @Test func storedExclusionsJoinAndOverrideWhatSensorsSent() {
        let measurements = [
            ActionMeasurement(
                actionID: "MFA",
                result: .counted(achieved: 2, total: 4),
                achievedEntities: ["a", "b"],
                totalEntities: ["a", "b", "breakglass", "svc"],
                excluded: [Exclusion(entity: "svc", reason: "sensor says so")]
            ),
            Fixtures.binary("Legacy", true),
        ]
        let stored = [
            "MFA": [
                Exclusion(entity: "svc", reason: "service account", owner: "iam"),
                Exclusion(entity: "breakglass", reason: "emergency access"),
            ]
        ]
        let merged = ActionMeasurement.applying(stored, to: measurements)
        #expect(merged[0].excluded.map(\.entity) == ["svc", "breakglass"])
        #expect(merged[0].excluded.first?.reason == "service account", "the organization's record wins")
        #expect(merged[1] == measurements[1], "other actions are untouched")
        #expect(ActionMeasurement.applying([:], to: measurements) == measurements)

        let engine = ScoringEngine(catalog: Fixtures.catalog)
        let report = engine.score(measurements: merged, statuses: [], asOf: Fixtures.asOf)
        #expect(report["MFA"]?.achieved == 2 && report["MFA"]?.total == 2, "both excluded entities leave the total")
        let lapsed = ActionMeasurement.applying(
            ["MFA": [Exclusion(entity: "breakglass", reason: "x", expiresAt: Fixtures.asOf.addingTimeInterval(-1))]],
            to: [measurements[0]]
        )
        let later = engine.score(measurements: lapsed, statuses: [], asOf: Fixtures.asOf)
        #expect(later["MFA"]?.total == 3, "a lapsed exclusion counts the entity again")
    }

    @Test(arguments: [
        (Exclusion(entity: "", reason: "x"), "entity"), (Exclusion(entity: "a", reason: " "), "reason"),
        (Exclusion(entity: String(repeating: "a", count: 257), reason: "x"), "entity"),
    ])
    func badExclusionsNameTheField(exclusion: Exclusion, field: String) {
        #expect(exclusion.problems.first?.hasPrefix(field) == true)
    }
}
