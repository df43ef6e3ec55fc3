import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// Entity exclusions through the native API, on both databases: they move the score at once, are
/// audited, refuse bad input, and lapse at their expiry.
@Suite struct ExclusionAPITests {
    @Test(arguments: TestDatabase.available)
    func exclusionsMoveTheScoreAndLapse(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let measurements = #"""
                {"measurements": [{"actionId": "AdminMFAV2", "achieved": 2, "total": 4,
                  "achievedEntities": ["a@f.example", "b@f.example"],
                  "totalEntities": ["a@f.example", "b@f.example", "breakglass@f.example", "c@f.example"]}]}
                """#
            #expect(
                try await harness.send(
                    .PUT,
                    "/api/v1/organizations/fabrikam/measurements",
                    token: writer,
                    json: measurements
                ).status == .ok
            )
            let set = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/breakglass@f.example",
                token: writer,
                json: #"{"reason": "emergency access", "owner": "ciso@f.example", "expiresAt": "2026-12-01"}"#
            )
            #expect(set.status == .ok, "\(set.body)")
            let action = try #require(try object(set.body)["action"] as? [String: Any])
            #expect(action["achieved"] as? Int == 2 && action["total"] as? Int == 3)
            let list = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/exclusions", token: writer).body
            )
            let first = try #require((list["value"] as? [[String: Any]])?.first)
            #expect(first["entity"] as? String == "breakglass@f.example" && first["active"] as? Bool == true)
            let audit = try await harness.runtime.service.store.auditEntries(organizationID: "fabrikam")
            #expect(audit.last?.action == "exclusion.set" && audit.last?.target == "AdminMFAV2")
            let changes = try await harness.runtime.service.store.changes("fabrikam", actionID: "AdminMFAV2")
            #expect(changes.last?.kind == .pointsGained, "removing an entity from the total raised the points")

            let refused: [(String, String, HTTPStatus)] = [
                ("/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/x", #"{"owner": "me"}"#, .badRequest),
                (
                    "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/x",
                    #"{"reason": "r", "expiresAt": "soon"}"#, .badRequest
                ),
                (
                    "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/x", #"{"reason": "r", "extra": 1}"#,
                    .badRequest
                ),
                ("/api/v1/organizations/fabrikam/actions/NoSuchAction/exclusions/x", #"{"reason": "r"}"#, .notFound),
            ]
            for (path, body, status) in refused {
                #expect(try await harness.send(.PUT, path, token: writer, json: body).status == status, "\(body)")
            }
            let reader = try await harness.token("fabrikam", .read)
            #expect(
                try await harness.send(
                    .DELETE,
                    "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/breakglass@f.example",
                    token: reader
                ).status == .forbidden
            )
            #expect(
                try await harness.send(
                    .DELETE,
                    "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/breakglass@f.example",
                    token: writer
                ).status == .noContent
            )
            #expect(
                try await harness.send(
                    .DELETE,
                    "/api/v1/organizations/fabrikam/actions/AdminMFAV2/exclusions/breakglass@f.example",
                    token: writer
                ).status == .notFound
            )
            let score = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: writer).body
            )
            let mfa = try #require(
                (score["actions"] as? [[String: Any]])?.first { $0["id"] as? String == "AdminMFAV2" }
            )
            #expect(mfa["total"] as? Int == 4, "counted again")
        }
    }

    @Test func anExpiredExclusionLapses() async throws {
        try await TestDatabase.sqlite.withRuntime(clock: APIHarness.clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "acme", displayName: "Acme"), actor: "t")
            try await service.recordMeasurements(
                "acme",
                [
                    ActionMeasurement(
                        actionID: "AdminMFAV2",
                        result: .counted(achieved: 1, total: 2),
                        achievedEntities: ["a"],
                        totalEntities: ["a", "b"]
                    )
                ],
                actor: "t"
            )
            try await service.setExclusion(
                "acme",
                actionID: "AdminMFAV2",
                Exclusion(entity: "b", reason: "test", expiresAt: APIHarness.now.addingTimeInterval(3600)),
                actor: "t"
            )
            #expect(try await service.currentReport("acme")["AdminMFAV2"]?.total == 1)
            let later = try await service.evaluatedReport("acme", asOf: APIHarness.now.addingTimeInterval(7200))
            #expect(later["AdminMFAV2"]?.total == 2)
            await #expect(throws: ServiceError.invalidExclusion("reason must not be empty")) {
                try await service.setExclusion(
                    "acme",
                    actionID: "AdminMFAV2",
                    Exclusion(entity: "c", reason: ""),
                    actor: "t"
                )
            }
        }
    }
}
