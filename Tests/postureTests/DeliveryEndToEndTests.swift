import Foundation
import PostureTestSupport
import Testing

/// The delivery queue across a crash: a server killed with SIGKILL after it sent a message and
/// before it heard the answer leaves the message leased; once the lease lapses another server
/// sends it again with the same `webhook-id`, so the receiver's idempotency key sees one message,
/// and the log records it delivered once.
@Suite struct DeliveryEndToEndTests {
    @Test func aMessageSurvivesKillNineBetweenSendAndRecord() async throws {
        let receiver = try await HoldingReceiver(holdFirst: 60)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-deliveries-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = [
            "POSTURE_DELIVERIES": "1", "POSTURE_DELIVERY_LEASE": "35", "POSTURE_ALLOW_PRIVATE_TARGETS": "true",
        ]
        let environment = settings.merging(["POSTURE_DATA_DIR": directory.path]) { _, new in new }
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: environment)
        }
        do {
            #expect(try await cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
            let added = try await cli([
                "channel", "add", "--org", "acme", "--url", receiver.url, "--events", "score.dropped",
            ])
            #expect(added.status == 0, "\(added.stderr)")
            let channel = try #require(added.stdout.split(separator: " ").dropFirst().first.map(String.init))

            let first = try ServerEndToEndTests.Server(demo: false, directory: directory, extra: settings)
            try await first.waitUntilReady()
            #expect(try await cli(["channel", "test", "--org", "acme", "--id", channel]).status == 0)
            // The server sends within about a second; the receiver holds the answer back.
            for _ in 0..<200 where receiver.requests.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(receiver.requests.count == 1, "the first server never sent:\n\(first.log)")
            first.kill()
            let interrupted = try await cli(["channel", "deliveries", "--org", "acme"]).stdout
            #expect(interrupted.contains("pending"), "nothing was recorded: \(interrupted)")

            let second = try ServerEndToEndTests.Server(demo: false, directory: directory, extra: settings)
            defer { second.stop() }
            try await second.waitUntilReady()
            var log = ""
            for _ in 0..<120 {
                log = try await cli(["channel", "deliveries", "--org", "acme"]).stdout
                if log.contains("delivered") { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(log.contains("delivered"), "the second server did not send it again:\n\(log)\n\(second.log)")
            let seen = receiver.requests
            #expect(seen.count == 2, "sent once by each server, no more")
            #expect(Set(seen.map(\.id)).count == 1 && seen[0].id.hasPrefix("msg_"), "one idempotency key")
            #expect(seen[0].body == seen[1].body, "the same bytes, so the same signature base")
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
