import Foundation
import PostureTestSupport
import Testing

/// `posture import microsoft-secure-score` against a data directory of its own: Microsoft's days
/// and profiles are stored, reconciled with Posture's evidence, and a re-import changes nothing.
@Suite struct ImportCommandTests {
    static let evidence = CLIRunner.repositoryRoot.appendingPathComponent(
        "Tests/PostureEvidenceTests/Snapshots/contoso"
    )
    static let export = CLIRunner.repositoryRoot.appendingPathComponent(
        "Tests/PostureEvidenceTests/Microsoft/contoso-export"
    )

    @Test func microsoftHistoryImportsAndReconciles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-import-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["POSTURE_DATA_DIR": directory.path]
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: environment)
        }
        await #expect(try cli(["org", "create", "--id", "contoso", "--name", "Contoso"]).status == 0)
        let measurements = directory.appendingPathComponent("measurements.json").path
        let assessed = try await cli([
            "assess", "--evidence", "microsoft365", Self.evidence.path, "--measurements-out", measurements,
        ])
        #expect(assessed.status == 0, "\(assessed.stderr)")
        await #expect(try cli(["measurements", "import", measurements, "--org", "contoso"]).status == 0)

        let imported = try await cli([
            "import", "microsoft-secure-score", "--org", "contoso", "--from", Self.export.path, "--format", "json",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(
            imported.stderr.contains("imported 3 days (2026-11-18 to 2026-11-20) and 9 control profiles: 3 days added")
        )
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any]
        )
        #expect(document["day"] as? String == "2026-11-20" && document["microsoftScore"] as? Double == 46.82)
        let lines = try #require(document["actions"] as? [[String: Any]])
        let reasons = Dictionary(
            uniqueKeysWithValues: lines.map { ($0["actionId"] as! String, $0["reason"] as! String) }
        )
        #expect(reasons["AdminMFAV2"] == "same")
        #expect(reasons["MFARegistrationV2"] == "same")
        #expect(reasons["RoleOverlap"] == "different counts: Microsoft 3/4, Posture 4/4")
        #expect(reasons["UserRiskPolicy"] == "the maximum differs: Microsoft 8.00, Posture 7.00")
        #expect(reasons["AATP_Sensor"] == "no data in Posture")
        #expect(reasons["scid_9999"] == "not in the Posture catalog")
        #expect(reasons["BlockLegacyAuthentication"] == "different result from the same kind of evidence")
        #expect(reasons["posture_ca_policy_coverage"] == "Posture's own action; Microsoft does not score it")
        #expect(reasons["SigninRiskPolicy"]?.hasPrefix("Microsoft did not score this action") == true)
        let legacy = try #require(lines.first { $0["actionId"] as? String == "BlockLegacyAuthentication" })
        #expect(legacy["microsoftPoints"] as? Double == 8 && legacy["posturePoints"] as? Double == 0)
        #expect(legacy["difference"] as? Double == -8)

        // The same export again: nothing added or changed, nothing audited.
        let auditBefore = try await cli(["audit", "export", "--org", "contoso", "--format", "csv"]).stdout
        let again = try await cli(["import", "microsoft-secure-score", "--org", "contoso", "--from", Self.export.path])
        #expect(again.status == 0)
        #expect(again.stderr.contains("0 days added, 0 changed, 3 unchanged; 0 profiles added, 0 changed, 9 unchanged"))
        #expect(again.stdout.contains("Microsoft Secure Score on 2026-11-20: 46.82 / 321.00 points"), "\(again.stdout)")
        await #expect(try cli(["audit", "export", "--org", "contoso", "--format", "csv"]).stdout == auditBefore)
        #expect(auditBefore.contains("microsoft.import"))
    }

    @Test func liveImportReadsGraphThroughEveryPage() async throws {
        var script = RecordedGraphServer.Script()
        script.pageSize = 2
        script.firstAnswer = ["secureScores": (429, 3)]
        let graph = try await RecordedGraphServer.start(directory: Self.export, script: script)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-import-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["POSTURE_DATA_DIR": directory.path, "POSTURE_GRAPH_CLIENT_SECRET": script.secret]
        do {
            #expect(
                try await CLIRunner.run(["org", "create", "--id", "contoso", "--name", "C"], environment: environment)
                    .status
                    == 0
            )
            let imported = try await CLIRunner.run(
                [
                    "import", "microsoft-secure-score", "--org", "contoso", "--tenant-id", script.tenantID,
                    "--client-id",
                    script.clientID, "--login-url", graph.baseURL, "--graph-url", graph.baseURL,
                ],
                environment: environment
            )
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(
                imported.stderr.contains(
                    "imported 3 days (2026-11-18 to 2026-11-20) and 9 control profiles: 3 days added"
                )
            )
            #expect(
                graph.recorded.graphRequests.filter { $0 == "/security/secureScores" }.count == 3,
                "429, then two pages"
            )
            #expect(!imported.stderr.contains(script.secret) && !imported.stdout.contains(script.secret))
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }

    @Test func brokenExportsAreRefusedWithFileAndPath() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-import-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try #"{"value": [{"createdDateTime": "2026-11-20T00:00:00Z", "currentScore": "high", "maxScore": 1}]}"#
            .write(to: directory.appendingPathComponent("secureScores.json"), atomically: true, encoding: .utf8)
        let environment = ["POSTURE_DATA_DIR": directory.appendingPathComponent("data").path]
        #expect(
            try await CLIRunner.run(["org", "create", "--id", "contoso", "--name", "C"], environment: environment)
                .status == 0
        )
        let missing = try await CLIRunner.run(
            ["import", "microsoft-secure-score", "--org", "contoso", "--from", directory.path],
            environment: environment
        )
        #expect(missing.status == 1 && missing.stderr.contains("secureScoreControlProfiles.json: missing"))
        try #"{"value": []}"#.write(
            to: directory.appendingPathComponent("secureScoreControlProfiles.json"),
            atomically: true,
            encoding: .utf8
        )
        let wrongType = try await CLIRunner.run(
            ["import", "microsoft-secure-score", "--org", "contoso", "--from", directory.path],
            environment: environment
        )
        #expect(wrongType.status == 1, "\(wrongType.stderr)")
        #expect(wrongType.stderr.contains("secureScores.json:1: value[0].currentScore: expected a number, found text"))
        #expect(wrongType.stderr.contains("nothing was imported"))
        let both = try await CLIRunner.run(
            ["import", "microsoft-secure-score", "--org", "contoso", "--from", directory.path, "--tenant-id", "t"],
            environment: environment
        )
        #expect(both.status != 0 && both.stderr.contains("give either --from DIR"))
    }
}
