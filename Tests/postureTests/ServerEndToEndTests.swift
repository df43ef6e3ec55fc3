import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// The real binary over real HTTP: server start-up, the admin commands against its data
/// directory, and limits only a socket enforces (the request body size).
@Suite(.serialized) struct ServerEndToEndTests {
    final class Server: @unchecked Sendable {
        let process = Process()
        let directory: URL
        let port: Int
        var environment: [String: String] { ["POSTURE_DATA_DIR": directory.path] }
        var base: String { "http://127.0.0.1:\(port)" }

        /// A server on `directory` (a new one when nil) with `extra` in its environment.
        init(demo: Bool, directory: URL? = nil, extra: [String: String] = [:]) throws {
            self.directory =
                directory
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("posture-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
            port = Self.freePort()
            process.executableURL = CLIRunner.binary
            process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port)] + (demo ? [] : ["--no-demo"])
            var env = ProcessInfo.processInfo.environment
            env["POSTURE_DATA_DIR"] = self.directory.path
            env.merge(extra) { _, new in new }
            process.environment = env
            let log = self.directory.appendingPathComponent("server-\(port).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = process.standardOutput
            try process.run()
        }

        /// A port nothing listens on right now, so the readiness check reaches our server and not
        /// another process that happens to hold the port.
        static func freePort() -> Int {
            for _ in 0..<50 {
                let candidate = Int.random(in: 20_000...40_000)
                let probe = Process()
                probe.executableURL = URL(fileURLWithPath: "/bin/bash")
                probe.arguments = ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(candidate)"]
                probe.standardError = FileHandle.nullDevice
                try? probe.run()
                probe.waitUntilExit()
                if probe.terminationStatus != 0 { return candidate }
            }
            return Int.random(in: 20_000...40_000)
        }

        func waitUntilReady() async throws {
            for _ in 0..<300 {
                guard process.isRunning else { break }
                if let (status, _) = try? await request("GET", "/readyz"), status == 200 { return }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            let log = self.log
            Issue.record("the server did not become ready:\n\(log)")
            throw CancellationError()
        }

        func request(
            _ method: String,
            _ path: String,
            token: String? = nil,
            body: Data? = nil
        ) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = method
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            if let body {
                request.httpBody = body
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }

        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: environment)
        }

        var log: String {
            (try? String(contentsOf: directory.appendingPathComponent("server-\(port).log"), encoding: .utf8)) ?? ""
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }

        /// Ends the process at once, as a crash or a lost machine would: no shutdown runs.
        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func adminCommandsAndTheServerShareOneDataDirectory() async throws {
        let server = try Server(demo: false)
        defer { server.stop() }
        try await server.waitUntilReady()

        let created = try await server.cli([
            "org", "create", "--id", "acme", "--name", "Acme Corp", "--licensed", "250",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(
            try await server.cli(["org", "create", "--id", "acme", "--name", "Again"]).stderr.contains("already exists")
        )
        let file = try CLIRunner.temporaryFile(
            #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 5, "total": 100}, {"actionId": "OneAdmin", "implemented": true}]}"#
        )
        let imported = try await server.cli(["measurements", "import", file, "--org", "acme"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported 2/2 measurements"))
        let badImport = try await server.cli([
            "measurements", "import",
            try CLIRunner.temporaryFile(#"{"measurements": [{"actionId": "X", "implemented": 1}]}"#), "--org", "acme",
        ])
        #expect(badImport.status == 1 && badImport.stderr.contains("nothing was imported"))

        let token = try await server.cli([
            "token", "create", "--org", "acme", "--scope", "SecurityEvents.ReadWrite.All",
        ])
        .stdout
        .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.split(separator: ".").count == 3)
        let (status, body) = try await server.request("GET", "/api/v1/organizations/acme/score", token: token)
        #expect(status == 200)
        let score = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(abs((score["currentScore"] as? Double ?? 0) - 2.5) < 1e-9, "0.5 for AdminMFAV2 plus 2 for OneAdmin")
        // Another process writes the same SQLite file: the server's cached score must follow.
        let more = try CLIRunner.temporaryFile(
            #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 100, "total": 100}]}"#
        )
        #expect(try await server.cli(["measurements", "import", more, "--org", "acme"]).status == 0)
        let (_, after) = try await server.request("GET", "/api/v1/organizations/acme/score", token: token)
        let updated = try #require(try JSONSerialization.jsonObject(with: Data(after.utf8)) as? [String: Any])
        #expect(abs((updated["currentScore"] as? Double ?? 0) - 12) < 1e-9)
        // An older observation is named as ignored and changes nothing.
        let stale = try CLIRunner.temporaryFile(
            #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 1, "total": 100, "observedAt": "2020-01-01T00:00:00Z"}]}"#
        )
        let late = try await server.cli(["measurements", "import", stale, "--org", "acme"])
        #expect(late.status == 0 && late.stderr.contains("AdminMFAV2: observed 2020-01-01T00:00:00Z"), "\(late.stderr)")
        #expect(late.stderr.contains("ignored") && late.stdout.contains("12.00 / "), "\(late.stdout)")
        #expect(
            try await server.cli(["token", "create", "--org", "nope", "--scope", "SecurityEvents.Read.All"]).status == 1
        )

        // The imports wrote today's snapshot already (today is live): the sync finds it taken.
        let sync = try await server.cli(["sync"])
        #expect(
            sync.status == 0 && sync.stdout.contains("0 snapshot(s) written, 1 already taken"),
            "\(sync.stdout)\(sync.stderr)"
        )
        let (_, scores) = try await server.request("GET", "/v1.0/security/secureScores", token: token)
        #expect(scores.contains("\"id\":\"acme_"))

        let list = try await server.cli(["org", "list", "--format", "csv"])
        #expect(list.stdout.contains("acme,Acme Corp,12,"))

        // Issued tokens are listed (never shown) and revoked from the CLI; the server follows.
        let listed = try await server.cli(["token", "list", "--org", "acme", "--format", "json"])
        let tokens = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: String]]
        )
        #expect(tokens.count == 1 && tokens[0]["state"] == "active" && !listed.stdout.contains(token))
        let tokenID = try #require(tokens.first?["id"])
        #expect(try await server.cli(["token", "revoke", tokenID]).status == 0)
        #expect(try await server.cli(["token", "revoke", tokenID]).status == 1, "already revoked")
        var refused = false
        for _ in 0..<40 where !refused {
            refused = try await server.request("GET", "/api/v1/organizations/acme/score", token: token).0 == 401
            if !refused { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(refused, "a revoked token is refused within seconds")
        #expect(try await server.cli(["org", "delete", "acme"]).status == 1, "asks for --yes")
        let export = try await server.cli(["audit", "export", "--org", "acme", "--format", "csv"])
        #expect(export.stdout.split(separator: "\n").count >= 4, "a header, the creation and two imports")
        #expect(export.stdout.contains(",cli,acme,organization.create,"))
        let json = try await server.cli(["audit", "export", "--org", "acme"])
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(exported.count == export.stdout.split(separator: "\n").count - 1, "the same entries in both formats")
        #expect(try await server.cli(["org", "delete", "acme", "--yes"]).status == 0)
        // The first start created the administrator and printed its one-time password, once.
        let log = server.log
        #expect(log.contains("created the administrator \"admin\" with the one-time password "))
        // The database set-up is one line, not one per migration.
        #expect(log.contains(" database migrations, through M0"))
        #expect(!log.contains("Starting prepare") && !log.contains("Finished prepare"))
        let users = try await server.cli(["user", "list"])
        #expect(users.stdout.contains("instance administrator") && users.stdout.contains("must change password"))
        let verify = try await server.cli(["audit", "verify"])
        #expect(
            verify.status == 0 && verify.stdout.hasPrefix("audit log intact: 6 entries"),
            "\(verify.stdout)\(verify.stderr)"
        )
    }

    @Test func sensorsPushMeasurementsWithAnAPIClient() async throws {
        let server = try Server(demo: false)
        defer { server.stop() }
        try await server.waitUntilReady()
        #expect(try await server.cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
        let created = try await server.cli([
            "client", "add", "--org", "acme", "--name", "sensor", "--scope", "SecurityEvents.ReadWrite.All", "--format",
            "json",
        ])
        let client = try #require(
            try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String]
        )
        let example = CLIRunner.repositoryRoot.appendingPathComponent("examples/contoso-assessment.json").path
        let pushed = try await CLIRunner.run(
            ["push", example, "--url", server.base, "--org", "acme", "--client-id", client["clientId"]!],
            environment: ["POSTURE_CLIENT_SECRET": client["clientSecret"]!]
        )
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stdout.hasPrefix("acme: ") && pushed.stdout.contains("points ("))
        let audit = try await server.cli(["audit", "export", "--org", "acme", "--format", "csv"])
        #expect(audit.stdout.contains(",\(client["clientId"]!),acme,measurements.upsert,"), "the client is the actor")

        let broken = try CLIRunner.temporaryFile(
            #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 9, "total": 3}]}"#
        )
        let refused = try await CLIRunner.run(
            ["push", broken, "--url", server.base, "--org", "acme", "--client-id", client["clientId"]!],
            environment: ["POSTURE_CLIENT_SECRET": client["clientSecret"]!]
        )
        #expect(
            refused.status == 1 && refused.stderr.contains("input.json:1")
                && refused.stderr.contains("nothing was sent")
        )
        let wrongSecret = try await CLIRunner.run(
            ["push", example, "--url", server.base, "--org", "acme", "--client-id", client["clientId"]!],
            environment: ["POSTURE_CLIENT_SECRET": "nope"]
        )
        #expect(wrongSecret.status == 1 && wrongSecret.stderr.contains("getting a token failed: HTTP 401"))
        let otherOrg = try await CLIRunner.run(
            ["push", example, "--url", server.base, "--org", "contoso", "--client-id", client["clientId"]!],
            environment: ["POSTURE_CLIENT_SECRET": client["clientSecret"]!]
        )
        #expect(otherOrg.status == 1 && otherOrg.stderr.contains("HTTP 404"), "a client sees only its organization")
    }

    @Test func oversizedBodiesAreRefusedWithGraphErrors() async throws {
        let server = try Server(demo: true)
        defer { server.stop() }
        try await server.waitUntilReady()
        let token = try await server.cli([
            "token", "create", "--org", "contoso", "--scope", "SecurityEvents.ReadWrite.All",
        ])
        .stdout
        .trimmingCharacters(in: .whitespacesAndNewlines)
        let big = Data(("{\"measurements\": [" + String(repeating: " ", count: 5 << 20) + "]}").utf8)
        let (status, body) = try await server.request(
            "PUT",
            "/api/v1/organizations/contoso/measurements",
            token: token,
            body: big
        )
        #expect(status == 413)
        #expect(body.contains("\"code\":\"requestTooLarge\""))
        let (demoStatus, demo) = try await server.request("GET", "/v1.0/security/secureScores/$count", token: token)
        #expect(demoStatus == 200 && demo == "120", "the demo organization has 120 days of history")
    }

    @Test func badConfigurationFailsFastWithEveryProblem() async throws {
        let result = try await CLIRunner.run(
            ["serve", "--port", "8080"],
            environment: [
                "DATABASE_URL": "mysql://u:secret@h/db", "POSTURE_SYNC_TIME": "25:00", "POSTURE_DEMO_DAYS": "0",
            ]
        )
        #expect(result.status == 1)
        #expect(result.stderr.contains("the database URL must start with postgres://"))
        #expect(result.stderr.contains("POSTURE_SYNC_TIME"))
        #expect(result.stderr.contains("POSTURE_DEMO_DAYS must be a whole number from 1 to 3650"))
        #expect(!result.stderr.contains("secret@"), "no secrets in messages")
    }
}
