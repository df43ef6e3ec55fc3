import Foundation
import Testing

/// Every kind of bad assessment file exits 1, prints nothing on standard output and names the
/// file, line, entry and field on standard error.
@Suite struct AssessBadInputTests {
    static let organization = #""organization": {"id": "contoso", "displayName": "Contoso"}"#

    static func document(measurements: String = "", statuses: String = "") -> String {
        "{\(organization),\n\"measurements\": [\n\(measurements)\n],\n\"statuses\": [\n\(statuses)\n]}\n"
    }

    static let cases: [(String, String, String)] = [
        ("malformed JSON", "{\"organization\": {,\n}", "input.json:1: malformed JSON"),
        (
            "unknown action id", document(measurements: #"{"actionId": "NoSuchAction", "implemented": true}"#),
            "input.json:3: measurements[0] (NoSuchAction): actionId: unknown action id"
        ),
        (
            "achieved above total",
            document(measurements: #"{"actionId": "AdminMFAV2", "achieved": 101, "total": 100}"#),
            "input.json:3: measurements[0] (AdminMFAV2): achieved: achieved (101) is greater than total (100)"
        ),
        (
            "negative number", document(measurements: #"{"actionId": "AdminMFAV2", "achieved": 1, "total": -4}"#),
            "input.json:3: measurements[0] (AdminMFAV2): total: must not be negative"
        ),
        (
            "number where text belongs",
            document(statuses: #"{"actionId": "PIMEnabled", "status": "planned", "note": 5}"#),
            "input.json:6: statuses[0] (PIMEnabled): note: expected text, found a number"
        ),
        (
            "unknown status", document(statuses: #"{"actionId": "PIMEnabled", "status": "ignored"}"#),
            "input.json:6: statuses[0] (PIMEnabled): status: unknown value \"ignored\""
        ),
        (
            "completed set by a person", document(statuses: #"{"actionId": "PIMEnabled", "status": "completed"}"#),
            "input.json:6: statuses[0] (PIMEnabled): status: \"completed\" is set by the system"
        ),
        (
            "status on an externally managed action",
            document(statuses: #"{"actionId": "scid_2016", "status": "riskAccepted"}"#),
            "input.json:6: statuses[0] (scid_2016): status: scid_2016 is managed externally; set its status and exceptions in Microsoft Defender"
        ),
    ]

    @Test(arguments: cases)
    func badInputIsRefusedWithItsPlace(_ what: String, _ content: String, _ expected: String) async throws {
        let path = try CLIRunner.temporaryFile(content)
        let result = try await CLIRunner.run(["assess", path, "--format", "json"])
        #expect(result.status == 1, "\(what)")
        #expect(result.stdout.isEmpty, "\(what): nothing is half-printed")
        let stderr = result.stderr.replacingOccurrences(of: path, with: "input.json")
        #expect(stderr.contains(expected), "\(what): \(stderr)")
        #expect(stderr.contains("nothing was scored") || what == "malformed JSON", "\(what)")
    }

    @Test func everyErrorIsListedAtOnce() async throws {
        let content = Self.document(
            measurements:
                #"{"actionId": "AdminMFAV2", "achieved": 7, "total": 3}, {"actionId": "Nope", "implemented": true}"#,
            statuses: #"{"actionId": "PIMEnabled", "status": "completed"}"#
        )
        let result = try await CLIRunner.run(["assess", try CLIRunner.temporaryFile(content)])
        #expect(result.status == 1)
        #expect(result.stderr.contains("3 errors; nothing was scored"))
    }

    @Test func missingFileAndBadOptions() async throws {
        let missing = try await CLIRunner.run(["assess", "/nonexistent/file.json"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/file.json: cannot read the file"))
        let target = try await CLIRunner.run(["assess", "examples/contoso-assessment.json", "--target", "140"])
        #expect(target.status != 0 && target.stderr.contains("--target must be a percentage between 0 and 100"))
        let asOf = try await CLIRunner.run(["assess", "examples/contoso-assessment.json", "--as-of", "tomorrow"])
        #expect(asOf.status != 0 && asOf.stderr.contains("--as-of must be a date"))
        let weights = try await CLIRunner.run(["assess", "examples/contoso-assessment.json", "--weights", "cost=-1"])
        #expect(weights.status != 0 && weights.stderr.contains("--weights: cost must be a finite number of 0 or more"))
        let unknownWeight = try await CLIRunner.run([
            "assess", "examples/contoso-assessment.json", "--weights", "speed=2",
        ])
        #expect(unknownWeight.status != 0 && unknownWeight.stderr.contains("unknown weight \"speed\""))
    }
}
