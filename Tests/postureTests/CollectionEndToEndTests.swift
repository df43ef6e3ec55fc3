import Foundation
import PostureTestSupport
import Testing

/// Scheduled collection with the real binary: a server collects a connection on its own; killed
/// mid-collection (SIGKILL, nothing shut down) it stores nothing half-done, and the next server
/// on the same data takes the connection over once the dead one's lease expires and completes it.
@Suite(.serialized) struct CollectionEndToEndTests {
    static let client = "11111111-2222-3333-4444-555555555555"

    /// The connection's record as `connection list --format json` prints it.
    static func record(_ server: ServerEndToEndTests.Server) async throws -> [String: Any] {
        let listed = try await server.cli(["connection", "list", "--format", "json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        return try #require(list.first?["collection"] as? [String: Any])
    }

    @Test func aKilledNodesCollectionIsCompletedByTheNext() async throws {
        var script = RecordedGraphServer.Script()
        script.clientID = Self.client
        // Slow enough that the kill lands mid-collection even on a busy machine: every Graph
        // answer takes 0.3 s, so the collection lasts about 8 s after the test sees it start.
        script.answerDelay = 0.3
        let graph = try await RecordedGraphServer.start(directory: EvidenceEndToEndTests.recorded, script: script)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-collection-e2e-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let environment = ["POSTURE_DATA_DIR": directory.path, "POSTURE_GRAPH_CLIENT_SECRET": script.secret]
            #expect(
                try await CLIRunner.run(
                    ["org", "create", "--id", "contoso", "--name", "Contoso"],
                    environment: environment
                )
                .status == 0
            )
            let added = try await CLIRunner.run(
                [
                    "connection", "add", "--org", "contoso", "--tenant-id", script.tenantID, "--client-id", Self.client,
                    "--sources", "entra-id,sharepoint", "--login-url", graph.baseURL, "--graph-url", graph.baseURL,
                ],
                environment: environment
            )
            #expect(added.status == 0, "\(added.stderr)")

            let lease = ["POSTURE_COLLECTION_LEASE": "5"]
            let first = try ServerEndToEndTests.Server(demo: false, directory: directory, extra: lease)
            try await first.waitUntilReady()
            // The connection is due at once: the server starts collecting it on its own.
            var waited = 0
            while graph.recorded.graphRequests.count < 5, waited < 200 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(graph.recorded.graphRequests.count >= 5, "the first server never started collecting")
            first.kill()
            let seenByFirst = graph.recorded.graphRequests.count
            let interrupted = try await Self.record(first)
            #expect(interrupted["lastSuccessAt"] == nil && interrupted["lastFinishedAt"] == nil)
            #expect(interrupted["running"] as? Bool == true, "the dead node's lease has not expired yet")
            let nothingStored = try await first.cli(["audit", "export", "--org", "contoso", "--format", "csv"])
            #expect(!nothingStored.stdout.contains("measurements.upsert"), "a killed collection stores nothing")

            let second = try ServerEndToEndTests.Server(demo: false, directory: directory, extra: lease)
            defer { second.stop() }
            try await second.waitUntilReady()
            var record: [String: Any] = [:]
            for _ in 0..<300 {
                record = try await Self.record(second)
                if record["lastSuccessAt"] != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(record["lastSuccessAt"] != nil, "the second server did not complete the collection:\n\(second.log)")
            #expect(record["consecutiveFailures"] as? Int == 0 && record["health"] as? String == "healthy")
            #expect((record["measured"] as? Int ?? 0) > 10)
            #expect(graph.recorded.graphRequests.count > seenByFirst, "the second server collected afresh")
            let audit = try await second.cli(["audit", "export", "--org", "contoso", "--format", "csv"])
            let writes = audit.stdout.split(separator: "\n").filter { $0.contains("measurements.upsert") }
            #expect(writes.count == 1, "exactly one collection stored its measurements")
            #expect(second.log.contains("collected"), "\(second.log)")
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }
}
