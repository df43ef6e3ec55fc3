import Foundation
import PostureCore
import Testing

@Suite struct AssessmentDecoderTests {
    static func decode(_ json: String) throws -> AssessmentInput {
        try AssessmentDecoder.decode(
            try JSONSourceParser.parse(json, file: "in.json"),
            file: "in.json",
            catalog: Fixtures.catalog
        )
    }

    static let organization = #""organization": {"id": "contoso", "displayName": "Contoso"}"#

    @Test func decodesAValidFile() throws {
        let input = try Self.decode(
            """
            {\(Self.organization),
             "measurements": [{"actionId": "MFA", "achieved": 5, "total": 100, "observedAt": "2026-11-28T00:00:00Z",
                               "excluded": [{"entity": "bg@x", "reason": "emergency access"}]},
                              {"actionId": "Legacy", "implemented": true}],
             "statuses": [{"actionId": "SSPR", "status": "resolvedThirdParty", "note": "vendor", "expiresAt": null, "targetDate": null}]}
            """
        )
        #expect(input.organization.id == "contoso")
        #expect(input.measurements.count == 2)
        #expect(input.measurements[0].excluded.first?.entity == "bg@x")
        #expect(input.statuses == [StatusRecord(actionID: "SSPR", status: .resolvedThirdParty, note: "vendor")])
    }

    /// (what is wrong, the measurement or status entry, expected entry, field and message fragment)
    static let badEntries: [(String, String, String, String, String)] = [
        (
            "unknown action", #"{"actionId": "Nope", "implemented": true}"#, "measurements[0] (Nope)", "actionId",
            "unknown action id"
        ),
        (
            "achieved above total", #"{"actionId": "MFA", "achieved": 6, "total": 5}"#, "measurements[0] (MFA)",
            "achieved", "greater than total"
        ),
        (
            "negative count", #"{"actionId": "MFA", "achieved": -1, "total": 5}"#, "measurements[0] (MFA)", "achieved",
            "negative"
        ),
        (
            "fractional count", #"{"actionId": "MFA", "achieved": 1.5, "total": 5}"#, "measurements[0] (MFA)",
            "achieved", "whole number"
        ),
        ("number for text", #"{"actionId": 42, "implemented": true}"#, "measurements[0]", "actionId", "expected text"),
        (
            "text for number", #"{"actionId": "MFA", "achieved": "5", "total": 5}"#, "measurements[0] (MFA)",
            "achieved", "expected a number"
        ),
        (
            "text for bool", #"{"actionId": "Legacy", "implemented": "yes"}"#, "measurements[0] (Legacy)",
            "implemented", "true or false"
        ),
        (
            "both shapes", #"{"actionId": "Legacy", "implemented": true, "achieved": 1, "total": 1}"#,
            "measurements[0] (Legacy)", "implemented", "not both"
        ),
        ("neither shape", #"{"actionId": "Legacy"}"#, "measurements[0] (Legacy)", "achieved", "missing"),
        (
            "implemented on partial", #"{"actionId": "MFA", "implemented": true}"#, "measurements[0] (MFA)",
            "implemented", "scored partially"
        ),
        (
            "total without achieved", #"{"actionId": "MFA", "total": 5}"#, "measurements[0] (MFA)", "achieved",
            "missing required field"
        ),
        (
            "unknown field", #"{"actionId": "Legacy", "implemented": true, "colour": "red"}"#,
            "measurements[0] (Legacy)", "colour", "unknown field"
        ),
        (
            "bad date", #"{"actionId": "Legacy", "implemented": true, "observedAt": "yesterday"}"#,
            "measurements[0] (Legacy)", "observedAt", "expected a date"
        ),
        (
            "entity list mismatch", #"{"actionId": "MFA", "achieved": 1, "total": 2, "totalEntities": ["a"]}"#,
            "measurements[0] (MFA)", "totalEntities", "count is 2"
        ),
        (
            "stray achieved entity",
            #"{"actionId": "MFA", "achieved": 1, "total": 1, "achievedEntities": ["b"], "totalEntities": ["a"]}"#,
            "measurements[0] (MFA)", "achievedEntities", "not listed"
        ),
        (
            "exclusion without reason",
            #"{"actionId": "MFA", "achieved": 1, "total": 1, "excluded": [{"entity": "a"}]}"#, "measurements[0] (MFA)",
            "excluded[0].reason", "missing"
        ),
    ]

    @Test(arguments: badEntries)
    func measurementErrorsNameEntryAndField(
        _ what: String,
        _ entry: String,
        _ name: String,
        _ field: String,
        _ fragment: String
    ) {
        let json = "{\(Self.organization),\n\"measurements\": [\n\(entry)\n]}"
        let error = #expect(throws: DiagnosticList.self, "\(what)") { try Self.decode(json) }
        let diagnostic = error?.diagnostics.first
        #expect(diagnostic?.entry == name, "\(what)")
        #expect(diagnostic?.field == field, "\(what)")
        #expect(diagnostic?.line == 3, "\(what)")
        #expect(diagnostic?.message.contains(fragment) == true, "\(what): \(diagnostic?.message ?? "")")
    }

    static let badStatuses: [(String, String, String, String)] = [
        ("unknown status", #"{"actionId": "MFA", "status": "ignored"}"#, "status", "unknown value"),
        ("completed by a person", #"{"actionId": "MFA", "status": "completed"}"#, "status", "set by the system"),
        ("externally managed", #"{"actionId": "Defender", "status": "riskAccepted"}"#, "status", "the device portal"),
        (
            "expiry on planned", #"{"actionId": "MFA", "status": "planned", "expiresAt": "2027-01-01"}"#, "expiresAt",
            "can expire"
        ),
        (
            "target date on risk", #"{"actionId": "MFA", "status": "riskAccepted", "targetDate": "2027-01-01"}"#,
            "targetDate", "target date"
        ),
        (
            "bad target date", #"{"actionId": "MFA", "status": "planned", "targetDate": "2027-01-01T00:00:00Z"}"#,
            "targetDate", "expected a day"
        ),
    ]

    @Test(arguments: badStatuses)
    func statusErrorsNameTheField(_ what: String, _ entry: String, _ field: String, _ fragment: String) {
        let json = "{\(Self.organization), \"measurements\": [],\n\"statuses\": [\n\(entry)]}"
        let error = #expect(throws: DiagnosticList.self, "\(what)") { try Self.decode(json) }
        let diagnostic = error?.diagnostics.first
        #expect(diagnostic?.field == field, "\(what)")
        #expect(diagnostic?.line == 3, "\(what)")
        #expect(diagnostic?.message.contains(fragment) == true, "\(what): \(diagnostic?.message ?? "")")
    }

    @Test func listsEveryErrorNotJustTheFirst() {
        let json = """
            {"organization": {"id": "bad id!", "displayName": 3},
             "measurements": [{"actionId": "MFA", "achieved": 9, "total": 1},
                              {"actionId": "Legacy", "implemented": true},
                              {"actionId": "Legacy", "implemented": false}],
             "extra": 1}
            """
        let error = #expect(throws: DiagnosticList.self) { try Self.decode(json) }
        let fields = Set(error?.diagnostics.compactMap(\.field) ?? [])
        #expect(fields == ["extra", "id", "displayName", "achieved", "actionId"])
        #expect(error?.diagnostics.first { $0.field == "actionId" }?.message.contains("measured twice") == true)
    }

    @Test func organizationIsRequired() {
        let error = #expect(throws: DiagnosticList.self) { try Self.decode(#"{"measurements": []}"#) }
        #expect(error?.diagnostics.map(\.field) == ["organization"])
    }

    @Test func exclusionsComeOutOfEntityListsAndLapse() throws {
        let measurement = ActionMeasurement(
            actionID: "MFA",
            result: .counted(achieved: 1, total: 3),
            achievedEntities: ["a"],
            totalEntities: ["a", "b", "c"],
            excluded: [
                Exclusion(entity: "b", reason: "break glass"),
                Exclusion(entity: "a", reason: "lapsed", expiresAt: Date(iso8601: "2026-01-01")),
            ]
        )
        #expect(measurement.effectiveCounts(asOf: Fixtures.asOf) == (1, 2))
        #expect(measurement.missingEntities == ["b", "c"])
        let report = Fixtures.score([measurement])
        #expect(report["MFA"]!.points == 5)
        #expect(report["MFA"]!.excluded.map(\.entity) == ["b"])
    }
}
