import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureTestSupport
import Testing
import VaporTesting

/// A caller sees only organizations where it holds a role: on every registered route, any other
/// organization id, existing or guessed, answers 404 and never 403.
@Suite struct IsolationTests {
    /// Ids a caller of `contoso` might try: another real organization, near misses and noise.
    static func foreignIDs() -> [String] {
        ["fabrikam", "contoso2", "CONTOSO", "contoso%20", "northwind", UUID().uuidString.lowercased(), "%2A", "_"]
    }

    @Test(arguments: TestDatabase.available)
    func everyOrganizationRouteHidesOtherOrganizations(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let token = try await harness.token("contoso", .readWrite, role: .globalAdministrator)
            var checked = 0
            for route in harness.app.routes.all {
                // The API's routes; the dashboard's are checked in PostureWebTests.
                guard route.path.first == .constant("api"), route.path.contains(.parameter("org")) else { continue }
                var messages: Set<String> = []
                for id in Self.foreignIDs() {
                    let path = RoutePaths.path(route, ["org": id, "action": "PIMEnabled"])
                    let response = try await harness.send(route.method, path, token: token, json: "{}")
                    #expect(
                        response.status == .notFound,
                        "\(route.method.rawValue) \(path) answered \(response.status)"
                    )
                    #expect(try graphErrorCode(response.body) == "itemNotFound", "\(path)")
                    let error = try object(response.body)["error"] as? [String: Any]
                    messages.insert(
                        (error?["message"] as? String ?? "").replacingOccurrences(
                            of: id.removingPercentEncoding ?? id,
                            with: "ID"
                        )
                    )
                    checked += 1
                }
                // An existing organization and a made-up id get the same answer: nothing to probe.
                #expect(messages.count == 1, "\(route.path): \(messages)")
            }
            #expect(checked >= 15 * Self.foreignIDs().count, "every organization route was tried")
        }
    }

    @Test(arguments: TestDatabase.available)
    func graphRoutesHideOtherOrganizations(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let token = try await harness.token("contoso", .readWrite)
            for version in ["v1.0", "beta"] {
                for id in Self.foreignIDs() {
                    let paths = [
                        "/\(version)/security/secureScores?organization=\(id)",
                        "/\(version)/security/secureScores/$count?organization=\(id)",
                        "/\(version)/security/secureScores/\(id)_2026-11-27",
                        "/\(version)/security/secureScoreControlProfiles?organization=\(id)",
                        "/\(version)/security/secureScoreControlProfiles/$count?organization=\(id)",
                        "/\(version)/security/secureScoreControlProfiles/PIMEnabled?organization=\(id)",
                    ]
                    for path in paths {
                        let response = try await harness.send(.GET, path, token: token)
                        #expect(response.status == .notFound, "GET \(path) answered \(response.status)")
                    }
                    let patch = try await harness.send(
                        .PATCH,
                        "/\(version)/security/secureScoreControlProfiles/PIMEnabled?organization=\(id)",
                        token: token,
                        json:
                            #"{"state": "Reviewed", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}"#
                    )
                    #expect(patch.status == .notFound, "PATCH for \(id) answered \(patch.status)")
                }
            }
            // A deleted organization's log stays, but a new one under its id starts with an empty past.
            let admin = try await harness.token(nil, .readWrite)
            #expect(
                try await harness.send(.DELETE, "/api/v1/organizations/fabrikam", token: admin).status == .noContent
            )
            let recreated = try await harness.send(
                .POST,
                "/api/v1/organizations",
                token: admin,
                json: #"{"id": "fabrikam", "displayName": "New Fabrikam"}"#
            )
            #expect(recreated.status == .created)
            let audit = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/audit", token: admin).body
            )
            #expect(
                (audit["value"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["organization.create"]
            )
            // The listing of organizations names only the caller's own.
            let list = try object(try await harness.send(.GET, "/api/v1/organizations", token: token).body)
            let ids = (list["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["contoso"])
        }
    }
}
