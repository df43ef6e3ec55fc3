import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureServices
import Testing
import VaporTesting

/// `POST /api/v1/bulk/statuses`: one status in many organizations, each decided and audited on
/// its own, with what happened in each.
@Suite struct BulkStatusAPITests {
    static let body =
        #"{"organizationIds": ["contoso", "fabrikam", "nowhere"], "actionId": "PIMEnabled", "status": "planned", "targetDate": "2027-03-31", "note": "Quarter two"}"#

    static func outcomes(_ body: String) throws -> [String: String] {
        let value = try #require(try object(body)["value"] as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: value.compactMap { item in
                (item["organizationId"] as? String).map { ($0, item["outcome"] as? String ?? "") }
            }
        )
    }

    @Test func eachOrganizationIsDecidedByTheCallersRoleThere() async throws {
        try await APIHarness.with { harness in
            let service = harness.runtime.service
            let scoped = try await harness.token("contoso", .readWrite)
            let response = try await harness.send(.POST, "/api/v1/bulk/statuses", token: scoped, json: Self.body)
            #expect(response.status == .ok, "\(response.body)")
            #expect(
                try Self.outcomes(response.body) == [
                    "contoso": "changed", "fabrikam": "notFound", "nowhere": "notFound",
                ]
            )
            #expect(try object(response.body)["changed"] as? Int == 1)
            #expect(try await service.currentReport("contoso")["PIMEnabled"]?.status == .planned)
            #expect(try await service.currentReport("fabrikam")["PIMEnabled"]?.status != .planned)
            let audit = try await service.auditPage(organizationID: "contoso", after: 0, limit: 500)
            #expect(audit.filter { $0.action == "status.set" && $0.target == "PIMEnabled" }.count == 1)

            let everywhere = try await harness.token(nil, .readWrite)
            let both = try await harness.send(.POST, "/api/v1/bulk/statuses", token: everywhere, json: Self.body)
            #expect(
                try Self.outcomes(both.body) == ["contoso": "changed", "fabrikam": "changed", "nowhere": "notFound"]
            )

            let reader = try await harness.token(nil, .read)
            let refused = try await harness.send(.POST, "/api/v1/bulk/statuses", token: reader, json: Self.body)
            #expect(refused.status == .forbidden)
        }
    }

    @Test func badBodiesChangeNothing() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token(nil, .readWrite)
            let many = (0...500).map { "\"org-\($0)\"" }.joined(separator: ", ")
            for (body, target) in [
                (#"{"actionId": "PIMEnabled", "status": "planned"}"#, "organizationIds"),
                (#"{"organizationIds": [], "actionId": "PIMEnabled", "status": "planned"}"#, "organizationIds"),
                (#"{"organizationIds": [\#(many)], "actionId": "PIMEnabled", "status": "planned"}"#, "organizationIds"),
                (#"{"organizationIds": ["contoso"], "actionId": "PIMEnabled", "status": "completed"}"#, "status"),
                (#"{"organizationIds": ["contoso"], "actionId": "NoSuchAction", "status": "planned"}"#, "actionId"),
            ] {
                let response = try await harness.send(.POST, "/api/v1/bulk/statuses", token: token, json: body)
                #expect(response.status == .badRequest, "\(body.prefix(80))")
                #expect(response.body.contains(target), "\(body.prefix(80)): \(response.body.prefix(200))")
            }
            let audit = try await harness.runtime.service.auditPage(organizationID: "contoso", after: 0, limit: 500)
            #expect(!audit.contains { $0.action == "status.set" })
        }
    }
}
