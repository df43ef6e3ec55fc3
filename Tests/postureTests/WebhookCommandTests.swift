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
}
