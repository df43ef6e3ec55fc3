import Foundation
import PostureTestSupport
import Testing

/// `posture connection …` against a data directory of its own: the credential goes in once and
/// never comes out, in any output, the audit log or the database file.
@Suite struct ConnectionCommandTests {
    static let client = "11111111-2222-3333-4444-555555555555"

    @Test func connectionsFromTheCommandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-connections-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["POSTURE_DATA_DIR": directory.path]
        func cli(_ arguments: [String], stdin: String? = nil, secret: String? = nil) async throws -> CLIRunner.Result {
            var environment = environment
            if let secret { environment["POSTURE_GRAPH_CLIENT_SECRET"] = secret }
            return try await CLIRunner.run(arguments, stdin: stdin, environment: environment)
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
        let add = [
            "connection", "add", "--org", "acme", "--tenant-id", "acme.onmicrosoft.com", "--client-id", Self.client,
        ]

        let neither = try await cli(add)
        #expect(neither.status != 0 && neither.stderr.contains("either --client-secret"))
        let badTenant = try await cli(
            ["connection", "add", "--org", "acme", "--tenant-id", "acme", "--client-id", "x"],
            secret: "s"
        )
        #expect(badTenant.status != 0 && badTenant.stderr.contains("--tenant-id must be a directory (tenant) id"))
        let badCloud = try await cli(add + ["--cloud", "mars"], secret: "s")
        #expect(badCloud.status != 0 && badCloud.stderr.contains("--cloud must be one of commercial, gcc"))
        let plainHTTP = try await cli(add + ["--graph-url", "http://graph.example"], secret: "s")
        #expect(plainHTTP.status != 0 && plainHTTP.stderr.contains("--graph-url must use https"))
        let noOrganization = try await cli(
            ["connection", "add", "--org", "nowhere", "--tenant-id", "a.example", "--client-id", Self.client],
            secret: "s"
        )
        #expect(noOrganization.status == 1 && noOrganization.stderr.contains("no organization with id \"nowhere\""))

        let added = try await cli(add + ["--cloud", "gcc-high", "--client-secret", "-"], stdin: "first~secret\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added the connection of acme: tenant acme.onmicrosoft.com, GCC High cloud"))
        let json = try await cli(["connection", "list", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["graphUrl"] as? String == "https://graph.microsoft.us")
        #expect(rows.first?["credential"] as? String == "secret")

        let rotated = try await cli(["connection", "rotate", "--org", "acme"], secret: "second~secret")
        #expect(rotated.status == 0 && rotated.stdout.contains("rotated the secret credential of acme"))
        let table = try await cli(["connection", "list"])
        #expect(table.stdout.contains("acme") && table.stdout.contains("gcc-high"))

        let audit = try await cli(["audit", "export", "--format", "csv"])
        for action in ["connection.add", "connection.rotate"] { #expect(audit.stdout.contains(action)) }
        let database = try Data(contentsOf: directory.appendingPathComponent("posture.sqlite"))
        for output in [added.stdout, json.stdout, table.stdout, rotated.stdout, audit.stdout] {
            #expect(!output.contains("first~secret") && !output.contains("second~secret"))
        }
        #expect(database.range(of: Data("second~secret".utf8)) == nil, "the stored credential is sealed")

        await #expect(try cli(["connection", "remove", "--org", "acme"]).status == 0)
        let again = try await cli(["connection", "remove", "--org", "acme"])
        #expect(again.status == 1 && again.stderr.contains("organization \"acme\" has no connection"))
        #expect(try await cli(["connection", "list"]).stdout.contains("no connections"))
    }

    /// A connection tested against the recorded Graph service: sign-in, then one line per
    /// resource with its permission; a missing permission or a wrong secret stores nothing.
    @Test func testingAConnectionNamesEveryMissingPermission() async throws {
        var script = RecordedGraphServer.Script()
        script.clientID = Self.client
        script.failing = ["sharepointSettings": 403]
        let graph = try await RecordedGraphServer.start(directory: EvidenceEndToEndTests.recorded, script: script)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-connection-test-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            func cli(_ arguments: [String], secret: String) async throws -> CLIRunner.Result {
                try await CLIRunner.run(
                    arguments,
                    environment: ["POSTURE_DATA_DIR": directory.path, "POSTURE_GRAPH_CLIENT_SECRET": secret]
                )
            }
            #expect(try await cli(["org", "create", "--id", "contoso", "--name", "Contoso"], secret: "").status == 0)
            let add = [
                "connection", "add", "--org", "contoso", "--tenant-id", script.tenantID, "--client-id", Self.client,
                "--sources", "entra-id,sharepoint", "--login-url", graph.baseURL, "--graph-url", graph.baseURL,
            ]
            let wrong = try await cli(add + ["--test"], secret: "wrong")
            #expect(
                wrong.status == 1 && wrong.stdout.contains("sign-in failed: cannot get a Graph token"),
                "\(wrong.stdout)"
            )
            let missing = try await cli(add + ["--test"], secret: script.secret)
            #expect(missing.status == 1 && missing.stderr.contains("nothing was stored"))
            #expect(
                missing.stdout.contains("sharepointSettings")
                    && missing.stdout.contains("missing SharePointTenantSettings.Read.All")
            )
            #expect(missing.stdout.contains("grant SharePointTenantSettings.Read.All"))
            #expect(try await cli(["connection", "list"], secret: "").stdout.contains("no connections"))

            let stored = try await cli(add, secret: script.secret)
            #expect(stored.status == 0, "\(stored.stderr)")
            let tested = try await cli(["connection", "test", "--org", "contoso"], secret: "")
            #expect(tested.status == 1)
            let lines = tested.stdout.split(separator: "\n")
            #expect(lines.filter { $0.contains(" granted") }.count == 15, "\(tested.stdout)")
            #expect(
                lines.contains {
                    $0.contains("conditionalAccessPolicies") && $0.contains("Policy.Read.All")
                        && $0.hasSuffix("granted")
                }
            )
            #expect(!tested.stdout.contains(script.secret))
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }

    /// Collecting by hand, changing the schedule without the credential, "Refresh now", and the
    /// collection record in `connection list`.
    @Test func collectingSchedulingAndListing() async throws {
        var script = RecordedGraphServer.Script()
        script.clientID = Self.client
        script.failing = ["sharepointSettings": 403]
        let graph = try await RecordedGraphServer.start(directory: EvidenceEndToEndTests.recorded, script: script)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-connection-collect-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            func cli(_ arguments: [String], secret: String = "") async throws -> CLIRunner.Result {
                try await CLIRunner.run(
                    arguments,
                    environment: ["POSTURE_DATA_DIR": directory.path, "POSTURE_GRAPH_CLIENT_SECRET": secret]
                )
            }
            #expect(try await cli(["org", "create", "--id", "contoso", "--name", "Contoso"]).status == 0)
            let add = [
                "connection", "add", "--org", "contoso", "--tenant-id", script.tenantID, "--client-id", Self.client,
                "--sources", "entra-id,sharepoint", "--login-url", graph.baseURL, "--graph-url", graph.baseURL,
            ]
            let tooOften = try await cli(add + ["--every", "5"], secret: script.secret)
            #expect(
                tooOften.status != 0 && tooOften.stderr.contains("--every must be from 15 to 10080"),
                "\(tooOften.stderr)"
            )
            #expect(try await cli(add + ["--every", "120"], secret: script.secret).status == 0)
            let pending = try await cli(["connection", "list"])
            #expect(
                pending.stdout.contains("120m") && pending.stdout.contains("pending") && pending.stdout.contains("due")
            )

            let collected = try await cli(["connection", "collect", "--org", "contoso"])
            #expect(collected.status == 0, "\(collected.stderr)")
            #expect(collected.stdout.contains("collected contoso in") && collected.stdout.contains("1 resource not"))
            #expect(collected.stderr.contains("sharepointSettings: HTTP 403"))

            let json = try await cli(["connection", "list", "--format", "json"])
            let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            let record = try #require(list.first?["collection"] as? [String: Any])
            #expect(record["health"] as? String == "healthy" && record["lastSuccessAt"] != nil)
            #expect((record["resourcesFailed"] as? [String: String])?.keys.sorted() == ["sharepointSettings"])
            #expect((record["measured"] as? Int ?? 0) > 10)
            #expect(list.first?["collectEveryMinutes"] as? Int == 120)

            let set = try await cli([
                "connection", "set", "--org", "contoso", "--every", "1440", "--sources", "entra-id",
            ])
            #expect(set.status == 0 && set.stdout.contains("collected every 1440 minutes"), "\(set.stderr)")
            #expect(try await cli(["connection", "set", "--org", "contoso"]).status != 0, "nothing to change")
            let badSet = try await cli(["connection", "set", "--org", "contoso", "--sources", "exchange"])
            #expect(badSet.status != 0 && badSet.stderr.contains("--sources \"exchange\" is not a source"))
            let refreshed = try await cli(["connection", "refresh", "--org", "contoso"])
            #expect(refreshed.status == 0 && refreshed.stdout.contains("contoso is due now"))
            let listed = try await cli(["connection", "list"])
            #expect(
                listed.stdout.contains("1440m") && listed.stdout.contains("healthy") && listed.stdout.contains(" due")
            )
            let nowhere = try await cli(["connection", "collect", "--org", "nowhere"])
            #expect(nowhere.status == 1 && nowhere.stderr.contains("no organization with id \"nowhere\""))
            let audit = try await cli(["audit", "export", "--org", "contoso", "--format", "csv"])
            #expect(audit.stdout.contains("connection.update") && audit.stdout.contains("connection.refresh"))
            #expect(audit.stdout.contains("collection,contoso,measurements.upsert"), "\(audit.stdout)")
            #expect(!audit.stdout.contains(script.secret))
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }

    /// The instance-wide app from the command line: set up, shown without its credential, used
    /// by an organization with its tenant alone, its consent address printed, and kept while used.
    @Test func theInstanceWideAppFromTheCommandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-connection-app-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        func cli(_ arguments: [String], secret: String? = nil) async throws -> CLIRunner.Result {
            var environment = ["POSTURE_DATA_DIR": directory.path, "POSTURE_PUBLIC_URL": "https://posture.example.com"]
            if let secret { environment["POSTURE_GRAPH_CLIENT_SECRET"] = secret }
            return try await CLIRunner.run(arguments, environment: environment)
        }
        let app = "22222222-3333-4444-5555-666666666666"
        #expect(try await cli(["org", "create", "--id", "contoso", "--name", "Contoso"]).status == 0)
        let none = try await cli(["connection", "app", "show"])
        #expect(none.status == 1 && none.stderr.contains("no instance-wide app is set up"))
        let early = try await cli([
            "connection", "add", "--org", "contoso", "--tenant-id", "contoso.onmicrosoft.com", "--instance-app",
        ])
        #expect(early.status == 1 && early.stderr.contains("no instance-wide app is set up"))
        let bad = try await cli(["connection", "app", "set", "--client-id", "app"], secret: "app~secret")
        #expect(bad.status != 0 && bad.stderr.contains("--client-id must be the app registration"))
        let set = try await cli(["connection", "app", "set", "--client-id", app], secret: "app~secret")
        #expect(set.status == 0 && set.stdout.contains("set up the instance-wide app \(app)"), "\(set.stderr)")
        #expect(set.stdout.contains("https://posture.example.com/connections/consent"))
        let mixed = try await cli(
            [
                "connection", "add", "--org", "contoso", "--tenant-id", "contoso.onmicrosoft.com", "--instance-app",
                "--client-id", app,
            ]
        )
        #expect(mixed.status != 0 && mixed.stderr.contains("--instance-app signs in with the instance-wide app"))
        let added = try await cli(
            ["connection", "add", "--org", "contoso", "--tenant-id", "contoso.onmicrosoft.com", "--instance-app"]
        )
        #expect(added.status == 0, "\(added.stderr)")
        #expect(
            added.stdout.contains(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=\(app)"
            )
        )
        #expect(added.stdout.contains("redirect_uri=https://posture.example.com/connections/consent"))
        let consent = try await cli(["connection", "consent", "--org", "contoso"])
        #expect(consent.status == 0 && consent.stdout.hasPrefix("consent not granted yet"))
        let shown = try await cli(["connection", "app", "show"])
        #expect(shown.stdout.contains("connections   1") && !shown.stdout.contains("app~secret"))
        let rotate = try await cli(["connection", "rotate", "--org", "contoso"], secret: "x")
        #expect(rotate.status == 1 && rotate.stderr.contains("rotate the app's credential"))
        let removed = try await cli(["connection", "app", "remove"])
        #expect(removed.status == 1 && removed.stderr.contains("1 connection signs in with the instance-wide app"))
    }
}
