import Foundation
import PostureTestSupport
import Testing

/// `posture webhook …` against a data directory of its own: the secret is printed once and
/// appears nowhere else; bad input names its option.
@Suite struct WebhookCommandTests {
    @Test func webhooksFromTheCommandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-webhooks-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: ["POSTURE_DATA_DIR": directory.path])
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
        let plain = try await cli([
            "webhook", "add", "--org", "acme", "--url", "http://hooks.example.com/x", "--events", "score.dropped",
        ])
        #expect(plain.status == 1 && plain.stderr.contains("--url must use https"), "\(plain.stderr)")
        let unknown = try await cli([
            "webhook", "add", "--org", "acme", "--url", "https://hooks.example.com/x", "--events", "score.fell",
        ])
        #expect(unknown.status == 1 && unknown.stderr.contains("--events \"score.fell\" is not an event"))

        let added = try await cli([
            "webhook", "add", "--org", "acme", "--url", "https://hooks.example.com/x", "--events",
            "score.dropped, action.regressed",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let secret = try #require(
            added.stdout.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        )
        #expect(secret.hasPrefix("whsec_"))
        let id = try #require(added.stdout.split(separator: " ").dropFirst().first.map(String.init))
        #expect(id.hasPrefix("ep_"))

        let listed = try await cli(["webhook", "list", "--org", "acme"])
        #expect(listed.stdout.contains(id) && listed.stdout.contains("action.regressed,score.dropped"))
        #expect(!listed.stdout.contains(secret))
        let tested = try await cli(["webhook", "test", "--org", "acme", "--id", id])
        #expect(tested.status == 0 && tested.stdout.contains("queued msg_"))
        let log = try await cli(["webhook", "deliveries", "--org", "acme"])
        #expect(log.stdout.contains("webhook.test") && log.stdout.contains("pending"))
        let audit = try await cli(["audit", "export", "--org", "acme"])
        #expect(audit.stdout.contains("webhook.add") && !audit.stdout.contains(secret))
        let rotated = try await cli(["webhook", "rotate", "--org", "acme", "--id", id])
        #expect(
            rotated.status == 0 && rotated.stdout.contains("new secret (shown once") && !rotated.stdout.contains(secret)
        )
        #expect(rotated.stdout.contains("with the old secret too until"))
        await #expect(try cli(["webhook", "remove", "--org", "acme", "--id", id]).status == 0)
        let gone = try await cli(["webhook", "remove", "--org", "acme", "--id", id])
        #expect(gone.status == 1 && gone.stderr.contains("no channel with id"))
        let database = try Data(contentsOf: directory.appendingPathComponent("posture.sqlite"))
        #expect(database.range(of: Data(secret.utf8)) == nil, "the secret is sealed at rest")
    }

    /// `--instance` addresses the instance-wide channels and rules; Planner needs the connection
    /// first; the digest is listed and previewed.
    @Test func instanceChannelsPlannerAndDigestFromTheCommandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-channels-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: ["POSTURE_DATA_DIR": directory.path])
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
        let neither = try await cli(["channel", "list"])
        #expect(neither.status != 0 && neither.stderr.contains("--org or --instance is needed"), "\(neither.stderr)")
        let both = try await cli(["channel", "list", "--org", "acme", "--instance"])
        #expect(both.status != 0 && both.stderr.contains("not both"))
        let added = try await cli([
            "channel", "add", "--instance", "--url", "https://soc.example.com/posture", "--events", "action.regressed",
        ])
        #expect(added.status == 0 && added.stdout.contains("whsec_"), "\(added.stderr)")
        #expect(try await cli(["channel", "list", "--instance"]).stdout.contains("https://soc.example.com/posture"))
        #expect(try await cli(["channel", "list", "--org", "acme"]).stdout.contains("acme has no channel"))
        let rules = try await cli(["alert", "set", "--instance", "--floor", "60"])
        #expect(rules.status == 0 && rules.stdout.contains("below 60%"), "\(rules.stderr)")
        let own = try await cli(["alert", "show", "--org", "acme"]).stdout
        #expect(own.contains("score.belowFloor") && !own.contains("below 60%"), "the organization keeps its own rules")
        let ticketless = try await cli([
            "channel", "add", "--instance", "--kind", "planner", "--plan", "p", "--bucket", "b",
        ])
        #expect(ticketless.status == 1 && ticketless.stderr.contains("--kind instance-wide channels carry alerts"))

        let planner = try await cli(["channel", "add", "--org", "acme", "--kind", "planner", "--plan", "p1"])
        #expect(planner.status != 0 && planner.stderr.contains("--plan and --bucket"), "\(planner.stderr)")
        let unconnected = try await cli([
            "channel", "add", "--org", "acme", "--kind", "planner", "--plan", "xqQg5FS2LkCp935s-FIFm2QAFkHM",
            "--bucket", "hsOf2dhOJkqyYYZEtdzDe2QAIUCR",
        ])
        #expect(
            unconnected.status == 1 && unconnected.stderr.contains("Microsoft 365 connection"),
            "\(unconnected.stderr)"
        )

        let serviceNow = [
            "channel", "add", "--org", "acme", "--kind", "servicenow", "--name", "IT", "--instance-url",
            "https://acme.service-now.com", "--sn-user", "posture.integration", "--table", "change_request",
        ]
        let withoutPassword = try await cli(serviceNow)
        #expect(
            withoutPassword.status == 1 && withoutPassword.stderr.contains("POSTURE_SERVICENOW_PASSWORD is needed"),
            "\(withoutPassword.stderr)"
        )
        let snAdded = try await CLIRunner.run(
            serviceNow,
            environment: ["POSTURE_DATA_DIR": directory.path, "POSTURE_SERVICENOW_PASSWORD": "sn-secret-1"]
        )
        #expect(snAdded.status == 0 && snAdded.stdout.contains("shared actions go to ServiceNow"), "\(snAdded.stderr)")
        #expect(snAdded.stdout.contains("change_request") && !snAdded.stdout.contains("sn-secret-1"))

        #expect(try await cli(["digest", "list", "--org", "acme"]).stdout.contains("nobody gets acme's weekly digest"))
        let preview = try await cli(["digest", "preview", "--org", "acme"])
        #expect(preview.status == 0 && preview.stdout.contains("Acme: weekly Secure Score digest"), "\(preview.stderr)")
        #expect(preview.stdout.contains("Change over the week"))
    }
}
