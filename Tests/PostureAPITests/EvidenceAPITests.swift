import Foundation
import PostureAPI
import PostureApp
import PostureCatalog
import PostureCore
import PostureEvidence
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// `POST …/evidence/microsoft365` on both databases: it stores exactly the measurements the
/// offline assessment gives, and bad evidence changes nothing.
@Suite struct EvidenceAPITests {
    static let snapshot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PostureEvidenceTests/Snapshots/contoso")

    static func bundle() throws -> String {
        String(decoding: try M365Snapshot.bundle(directory: snapshot, leavingOut: []), as: UTF8.self)
    }

    /// Measurement JSON without the parts the two forms spell differently (an empty `excluded`).
    static func normalized(_ list: [Any]) -> [String: NSDictionary] {
        var result: [String: NSDictionary] = [:]
        for case var entry as [String: Any] in list {
            if (entry["excluded"] as? [Any])?.isEmpty == true { entry["excluded"] = nil }
            result[entry["actionId"] as? String ?? ""] = entry as NSDictionary
        }
        return result
    }

    @Test(arguments: TestDatabase.available)
    func serverIngestionStoresWhatTheOfflineAssessmentGives(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let response = try await harness.send(
                .POST,
                "/api/v1/organizations/fabrikam/evidence/microsoft365",
                token: writer,
                json: try Self.bundle()
            )
            #expect(response.status == .ok, "\(response.body)")
            let answer = try object(response.body)
            #expect(answer["measured"] as? Int == M365Assessment.actionIDs.count)
            #expect((answer["problems"] as? [Any])?.isEmpty == true)
            let findings = try #require(answer["findings"] as? [[String: Any]])
            let admin = try #require(findings.first { $0["actionId"] as? String == "AdminMFAV2" })
            #expect(admin["achieved"] as? Int == 2 && admin["total"] as? Int == 3)
            // The same shape `posture assess --evidence --format json` writes: who is missing too.
            #expect((admin["missingEntities"] as? [String])?.count == 1)

            let offline = M365Assessment(
                snapshot: try M365Snapshot.load(directory: Self.snapshot),
                catalog: try CatalogLoader.builtIn()
            )
            let expected = offline.measurements.map { try! JSONSerialization.jsonObject(with: $0.jsonValue.jsonData) }
            let stored = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/measurements", token: writer).body
            )
            let storedByAction = Self.normalized(stored["value"] as? [Any] ?? [])
            for (id, entry) in Self.normalized(expected) {
                #expect(storedByAction[id] == entry, "\(id)")
            }
            let audit = try await harness.runtime.service.store.auditEntries(organizationID: "fabrikam")
            #expect(audit.last?.action == "measurements.upsert")
        }
    }

    @Test(arguments: TestDatabase.available)
    func badEvidenceIsRefusedAndChangesNothing(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let before = try await harness.runtime.service.store.measurements("fabrikam")
            let path = "/api/v1/organizations/fabrikam/evidence/microsoft365"
            let bodies: [(String, String)] = [
                (#"{"manifest": {"tenantId": "t""#, "malformed JSON"),
                (#"{"resources": {}}"#, "manifest"),
                (#"{"manifest": {"tenantId": "t", "collectedAt": "soon"}, "resources": {}}"#, "collectedAt"),
                (
                    #"{"manifest": {"tenantId": "t", "collectedAt": "2026-11-20T08:00:00Z"}, "resources": {"mail": {}}}"#,
                    "unknown resource"
                ),
            ]
            for (body, words) in bodies {
                let response = try await harness.send(.POST, path, token: writer, json: body)
                #expect(response.status == .badRequest, "\(body)")
                let error = try #require(try object(response.body)["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains(words) == true, "\(response.body)")
            }
            #expect(try await harness.runtime.service.store.measurements("fabrikam") == before)

            // A broken resource is reported; the other resources are still assessed and stored.
            let partly =
                #"{"manifest": {"tenantId": "t", "collectedAt": "2026-11-20T08:00:00Z"}, "resources": "#
                + #"{"users": {"value": [{"id": 1}]}, "authorizationPolicy": {"allowInvitesFrom": "none"}}}"#
            let response = try await harness.send(.POST, path, token: writer, json: partly)
            #expect(response.status == .ok, "\(response.body)")
            let answer = try object(response.body)
            #expect(answer["problems"] as? [String] == ["request body: resources.users: value[0].id: expected text"])
            #expect(answer["measured"] as? Int == 4)

            let reader = try await harness.token("fabrikam", .read)
            #expect(try await harness.send(.POST, path, token: reader, json: partly).status == .forbidden)
        }
    }
}

extension EvidenceAPITests {
    /// Uploads go to an owner-only spool file that is gone once read; the limit counts the bytes
    /// that arrive; and a snapshot older than the stored measurements changes nothing.
    @Test func uploadsAreSpooledBoundedAndOlderSnapshotsIgnored() async throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("posture-spool-\(UUID())")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: spool) }
        let configure: @Sendable (inout PostureConfiguration) -> Void = {
            $0.maxEvidenceMegabytes = 1
            $0.spoolDirectory = spool.path
        }
        try await APIHarness.with(configure: configure) { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let path = "/api/v1/organizations/fabrikam/evidence/microsoft365"
            let leftovers = { try FileManager.default.contentsOfDirectory(atPath: spool.path) }

            let huge =
                #"{"manifest": {}, "resources": {"users": ""# + String(repeating: "x", count: 1_100_000) + #""}}"#
            let refused = try await harness.send(.POST, path, token: writer, json: huge)
            #expect(refused.status == .payloadTooLarge && refused.body.contains("POSTURE_MAX_EVIDENCE_MB"))
            #expect(try leftovers().isEmpty)

            let bundle = try Self.bundle()
            let first = try object(try await harness.send(.POST, path, token: writer, json: bundle).body)
            #expect((first["ignored"] as? [Any])?.isEmpty == true)
            #expect(try leftovers().isEmpty, "the spool file is deleted once read")
            let stored = try await harness.runtime.service.store.measurements("fabrikam")

            // The same evidence, collected a year earlier, arrives late: every measurement is older.
            var document = try #require(try JSONSerialization.jsonObject(with: Data(bundle.utf8)) as? [String: Any])
            var manifest = try #require(document["manifest"] as? [String: Any])
            manifest["collectedAt"] = "2025-11-01T00:00:00Z"
            document["manifest"] = manifest
            let late = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            let answer = try object(try await harness.send(.POST, path, token: writer, json: late).body)
            let ignored = try #require(answer["ignored"] as? [[String: Any]])
            #expect(ignored.count == answer["measured"] as? Int && !ignored.isEmpty)
            #expect(ignored.allSatisfy { ($0["observedAt"] as? String)?.hasPrefix("2025-11-01") == true })
            #expect(try await harness.runtime.service.store.measurements("fabrikam") == stored)
        }
    }
}

/// `GET …/microsoft-secure-score` serves the imported history and its reconciliation.
@Suite struct MicrosoftScoreAPITests {
    @Test(arguments: TestDatabase.available)
    func importedHistoryAndReconciliationAreServed(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let reader = try await harness.token("fabrikam", .read)
            let path = "/api/v1/organizations/fabrikam/microsoft-secure-score"
            let empty = try object(try await harness.send(.GET, path, token: reader).body)
            #expect((empty["days"] as? [Any])?.isEmpty == true && empty["reconciliation"] == nil)

            let export = EvidenceAPITests.snapshot.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Microsoft/contoso-export")
            let microsoft = try MicrosoftSecureScoreExport.load(directory: export)
            _ = try await harness.runtime.service.importMicrosoftSecureScore(
                "fabrikam",
                scores: microsoft.scores,
                profiles: microsoft.profiles,
                actor: "test"
            )
            let document = try object(try await harness.send(.GET, path, token: reader).body)
            let days = try #require(document["days"] as? [[String: Any]])
            #expect(days.map { $0["day"] as? String } == ["2026-11-18", "2026-11-19", "2026-11-20"])
            #expect(days.last?["currentScore"] as? Double == 46.82)
            let lines = try #require(document["reconciliation"] as? [[String: Any]])
            let unknown = try #require(lines.first { $0["actionId"] as? String == "scid_9999" })
            #expect(unknown["reason"] as? String == "not in the Posture catalog")

            let outsider = try await harness.token("contoso", .read)
            #expect(try await harness.send(.GET, path, token: outsider).status == .notFound)
        }
    }
}
