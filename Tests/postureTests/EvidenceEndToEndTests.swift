import Foundation
import PostureTestSupport
import Testing

/// The whole evidence path with the real binary: collect from (recorded) Graph into a directory
/// and a running server at once, assess the directory offline, and find the same measurements.
@Suite(.serialized) struct EvidenceEndToEndTests {
    static let recorded = CLIRunner.repositoryRoot.appendingPathComponent(
        "Tests/PostureEvidenceTests/Snapshots/contoso"
    )

    @Test func collectedEvidenceScoresTheSameOfflineAndOnTheServer() async throws {
        let graph = try await RecordedGraphServer.start(directory: Self.recorded, script: .init())
        let dns = try await RecordedDNSServer.start(try .recorded(in: Self.recorded))
        defer { Task { try? await dns.stop() } }
        let server = try ServerEndToEndTests.Server(demo: false)
        defer { server.stop() }
        do {
            try await server.waitUntilReady()
            #expect(try await server.cli(["org", "create", "--id", "contoso", "--name", "Contoso"]).status == 0)
            let token = try await server.cli([
                "token", "create", "--org", "contoso", "--scope", "SecurityEvents.ReadWrite.All",
            ])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: out) }

            let collected = try await CLIRunner.run(
                [
                    "collect", "microsoft365", "--tenant-id", RecordedGraphServer.Script().tenantID, "--client-id",
                    "collector-app", "--login-url", graph.baseURL, "--graph-url", graph.baseURL, "--exchange-url",
                    graph.baseURL, "--defender-url", graph.baseURL, "--dns-server", dns.address, "--out", out.path,
                    "--push", server.base, "--org", "contoso", "--token", token,
                ],
                environment: ["POSTURE_GRAPH_CLIENT_SECRET": "s3cret"]
            )
            #expect(collected.status == 0, "\(collected.stderr)")
            #expect(
                collected.stderr.contains("[####################] 48/48 deviceComplianceStatuses: 4 items"),
                "\(collected.stderr)"
            )
            #expect(collected.stdout.contains("contoso: ") && collected.stdout.contains("after 73 measurement(s)"))
            #expect(!collected.stderr.contains("s3cret"), "the secret never appears in output")

            let measurementsFile = out.appendingPathComponent("measurements.out.json").path
            let assessed = try await CLIRunner.run([
                "assess", "--evidence", "microsoft365", out.path, "--format", "json", "--measurements-out",
                measurementsFile,
            ])
            #expect(assessed.status == 0, "\(assessed.stderr)")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(assessed.stdout.utf8)) as? [String: Any]
            )
            let findings = try #require(document["findings"] as? [[String: Any]])
            let admin = try #require(findings.first { $0["actionId"] as? String == "AdminMFAV2" })
            #expect(admin["missingEntities"] as? [String] == ["helpdesk@contoso.com"])

            let offline =
                try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: measurementsFile)))
                        as? [String: Any]
                )["measurements"] as? [[String: Any]]
            let (status, body) = try await server.request(
                "GET",
                "/api/v1/organizations/contoso/measurements",
                token: token
            )
            #expect(status == 200)
            let stored = try #require(
                (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["value"]
                    as? [[String: Any]]
            )
            func byAction(_ list: [[String: Any]]) -> [String: NSDictionary] {
                Dictionary(
                    uniqueKeysWithValues: list.map { entry in
                        var copy = entry
                        if (copy["excluded"] as? [Any])?.isEmpty == true { copy["excluded"] = nil }
                        return (entry["actionId"] as? String ?? "", copy as NSDictionary)
                    }
                )
            }
            #expect(offline?.count == 73)
            #expect(Set(dns.questions) == ["contoso.com", "contoso.net"])
            #expect(byAction(stored) == byAction(offline ?? []), "the server stored what the offline assessment gives")

            // The same snapshot pushed again from the directory changes nothing.
            let again = try await CLIRunner.run([
                "push", "--evidence", "microsoft365", out.path, "--url", server.base, "--org", "contoso", "--token",
                token,
            ])
            #expect(again.status == 0, "\(again.stderr)")
            let (_, after) = try await server.request("GET", "/api/v1/organizations/contoso/measurements", token: token)
            let storedAgain = (try JSONSerialization.jsonObject(with: Data(after.utf8)) as? [String: Any])?["value"]
            #expect(byAction(storedAgain as? [[String: Any]] ?? []) == byAction(stored))
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }

    @Test func collectRefusesIncompleteOptions() async throws {
        let both = try await CLIRunner.run([
            "collect", "microsoft365", "--tenant-id", "t", "--client-id", "c", "--client-secret", "s", "--certificate",
            "x.pem", "--out", "d",
        ])
        #expect(both.status != 0 && both.stderr.contains("either --client-secret"))
        let nowhere = try await CLIRunner.run([
            "collect", "microsoft365", "--tenant-id", "t", "--client-id", "c", "--client-secret", "s",
        ])
        #expect(nowhere.status != 0 && nowhere.stderr.contains("give --out DIR"))
        let noOrg = try await CLIRunner.run([
            "collect", "microsoft365", "--tenant-id", "t", "--client-id", "c", "--client-secret", "s", "--push",
            "http://127.0.0.1:1",
        ])
        #expect(noOrg.status != 0 && noOrg.stderr.contains("--push needs --org"))
        let plainHTTP = try await CLIRunner.run([
            "collect", "microsoft365", "--tenant-id", "t", "--client-id", "c", "--client-secret", "s", "--out", "d",
            "--graph-url", "http://graph.example",
        ])
        #expect(plainHTTP.status != 0 && plainHTTP.stderr.contains("--graph-url must be an https URL"))
    }
}
