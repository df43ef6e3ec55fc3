import Foundation
import PostureCore
import Testing

@testable import PostureEvidence

/// Broken evidence is reported per resource, with file, line and path, and the rest is assessed.
@Suite struct SnapshotLoadingTests {
    /// A copy of the Contoso snapshot to damage.
    func copy() throws -> URL {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: EvidenceFixture.directory, to: target)
        return target
    }

    func rewrite(_ directory: URL, _ resource: M365Resource, _ change: (String) -> String) throws {
        let url = directory.appendingPathComponent(resource.fileName)
        try change(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    /// 1-based line of the first occurrence of `text` in a snapshot file.
    func line(of text: String, in directory: URL, _ resource: M365Resource) throws -> Int {
        let content = try String(contentsOf: directory.appendingPathComponent(resource.fileName), encoding: .utf8)
        let range = try #require(content.range(of: text))
        return content[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    }

    @Test func brokenResourcesAreReportedAndTheRestIsAssessed() throws {
        let directory = try copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("users.json"))
        try rewrite(directory, .domains) { String($0.prefix(180)) }
        try rewrite(directory, .authorizationPolicy) {
            $0.replacingOccurrences(of: "\"allowedToCreateApps\": false", with: "\"allowedToCreateApps\": \"no\"")
        }
        try rewrite(directory, .groupSettings) { _ in #"{"value": {"id": "gs1"}}"# }
        try rewrite(directory, .conditionalAccessPolicies) {
            $0.replacingOccurrences(of: "\"state\": \"disabled\",", with: "")
        }

        let snapshot = try M365Snapshot.load(directory: directory)
        let assessment = M365Assessment(snapshot: snapshot, catalog: EvidenceFixture.catalog)
        let byFile = Dictionary(grouping: assessment.problems) { URL(fileURLWithPath: $0.file).lastPathComponent }

        let truncated = try #require(byFile["domains.json"]?.first)
        #expect(truncated.message.hasPrefix("malformed JSON"), "\(truncated)")
        #expect(
            truncated.line == String(
                try String(contentsOf: directory.appendingPathComponent("domains.json"), encoding: .utf8)
            ).filter { $0 == "\n" }.count + 1
        )

        let wrongType = try #require(byFile["authorizationPolicy.json"]?.first)
        #expect(wrongType.field == "defaultUserRolePermissions.allowedToCreateApps")
        #expect(wrongType.message == "expected true or false, found text")
        #expect(wrongType.line == (try line(of: "\"allowedToCreateApps\"", in: directory, .authorizationPolicy)))

        let notAList = try #require(byFile["groupSettings.json"]?.first)
        #expect(notAList.field == "value" && notAList.message == "expected a list, found an object", "\(notAList)")

        let missingState = try #require(byFile["conditionalAccessPolicies.json"]?.first)
        #expect(missingState.field == "value[3].state" && missingState.message == "missing required property")
        #expect(missingState.description.contains("conditionalAccessPolicies.json:"))

        #expect(assessment.problems.count == 4)
        #expect(assessment.missing[.users] == "not in the snapshot")

        // Actions on broken resources are "no data"; the others are assessed as usual.
        for id in [
            "AdminMFAV2", "PWAgePolicyNew", "aad_third_party_apps", "aad_custom_banned_passwords", "SigninRiskPolicy",
        ] {
            #expect(assessment.finding(id)?.result == "no data", "\(id)")
        }
        for id in [
            "spo_legacy_auth", "aad_admin_consent_workflow", "posture_sms_voice_methods_disabled", "PasswordHashSync",
        ] {
            #expect(assessment.finding(id)?.result == M365AssessmentTests.contoso[id], "\(id)")
        }
        #expect(assessment.finding("PWAgePolicyNew")?.detail.contains("domains") == true)
    }

    @Test func theManifestIsRequiredAndChecked() throws {
        let directory = try copy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("manifest.json")
        try #"{"format": "posture.microsoft365.evidence", "tenantId": "t", "collectedAt": "yesterday"}"#
            .write(to: manifest, atomically: true, encoding: .utf8)
        let badDate = #expect(throws: DiagnosticList.self) { try M365Snapshot.load(directory: directory) }
        #expect(badDate?.description.contains("collectedAt: expected a time like 2026-11-29T10:00:00Z") == true)

        try FileManager.default.removeItem(at: manifest)
        let missing = #expect(throws: DiagnosticList.self) { try M365Snapshot.load(directory: directory) }
        #expect(missing?.description.contains("manifest.json: missing") == true)

        let nowhere = #expect(throws: DiagnosticList.self) {
            try M365Snapshot.load(directory: directory.appendingPathComponent("absent"))
        }
        #expect(nowhere?.description.contains("is not a directory") == true)
    }

    @Test func collectorFailuresRecordedInTheManifestExplainMissingData() throws {
        // The file is still there (left from an earlier collection): the manifest's failure wins.
        var fixture = try EvidenceFixture()
        fixture.manifest["resources"] = ["sharepointSettings": ["error": "HTTP 403: Access denied"]]
        let assessment = try fixture.assess()
        #expect(assessment.missing[.sharepointSettings] == "HTTP 403: Access denied")
        #expect(
            assessment.finding("spo_legacy_auth")?.detail == "no data: sharepointSettings (HTTP 403: Access denied)"
        )
    }

    @Test func requestBodyProblemsNameTheMemberAndPath() throws {
        var fixture = try EvidenceFixture()
        fixture.item(.users, id: EvidenceFixture.user(2)) { $0["accountEnabled"] = "yes" }
        let assessment = try fixture.assess()
        let problem = try #require(assessment.problems.first)
        #expect(problem.description == "request body: resources.users: value[1].accountEnabled: expected true or false")
        #expect(assessment.finding("MFARegistrationV2")?.result == "no data")
        #expect(assessment.finding("spo_legacy_auth")?.result == "done")

        let truncated = #expect(throws: DiagnosticList.self) {
            try M365Snapshot.decode(bundle: Data(#"{"manifest": {"tenantId": "t","#.utf8))
        }
        #expect(
            truncated?.description.hasPrefix("request body:1: malformed JSON") == true,
            "\(String(describing: truncated))"
        )

        fixture.resources["inboxRules"] = ["value": []]
        let unknown = #expect(throws: DiagnosticList.self) { try M365Snapshot.decode(bundle: try fixture.bundle()) }
        #expect(
            unknown?.description.contains("resources.inboxRules: unknown resource") == true,
            "\(String(describing: unknown))"
        )
    }
}
