import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// An organization's connection through the native API, on both databases: read-write roles
/// only, the credential never in an answer, every problem a 400 that names its field.
@Suite struct ConnectionAPITests {
    static let path = "/api/v1/organizations/fabrikam/connection"
    static let body = #"""
        {"tenantId": "fabrikam.onmicrosoft.com", "clientId": "11111111-2222-3333-4444-555555555555",
         "clientSecret": "api~secret~1", "cloud": "gcc-high", "sources": ["entra-id", "secure-score"]}
        """#

    @Test(arguments: TestDatabase.available)
    func connectionsThroughTheAPI(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let reader = try await harness.token("fabrikam", .read)
            #expect(try await harness.send(.GET, Self.path, token: writer).status == .notFound)

            let created = try await harness.send(.PUT, Self.path, token: writer, json: Self.body)
            #expect(created.status == .created, "\(created.body)")
            let dto = try object(created.body)
            #expect(dto["graphUrl"] as? String == "https://graph.microsoft.us")
            #expect(dto["sources"] as? [String] == ["entra-id", "secure-score"])
            #expect(dto["credential"] as? String == "secret")
            #expect(!created.body.contains("api~secret"))
            let replaced = try await harness.send(.PUT, Self.path, token: writer, json: Self.body)
            #expect(replaced.status == .ok)

            let read = try await harness.send(.GET, Self.path, token: writer)
            #expect(
                read.status == .ok && !read.body.contains("secret~") && read.body.contains("fabrikam.onmicrosoft.com")
            )
            // Readers do not see which app reaches the tenant, nor change it.
            #expect(try await harness.send(.GET, Self.path, token: reader).status == .forbidden)
            #expect(try await harness.send(.PUT, Self.path, token: reader, json: Self.body).status == .forbidden)
            let other = try await harness.token("contoso", .readWrite)
            #expect(try await harness.send(.GET, Self.path, token: other).status == .notFound)

            let rotated = try await harness.send(
                .POST,
                Self.path + "/rotate",
                token: writer,
                json: #"{"clientSecret": "api~secret~2"}"#
            )
            #expect(rotated.status == .ok && !rotated.body.contains("api~secret"))
            #expect(try await harness.runtime.store.connectionCredential("fabrikam") == .secret("api~secret~2"))

            let refused: [(String, String)] = [
                (#"{"tenantId": "x", "clientId": "y", "clientSecret": "s"}"#, "tenantId"),
                (
                    #"{"tenantId": "a.example", "clientId": "11111111-2222-3333-4444-555555555555"}"#,
                    "clientSecret"
                ),
                (
                    #"{"tenantId": "a.example", "clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "s", "certificate": "p"}"#,
                    "clientSecret"
                ),
                (
                    #"{"tenantId": "a.example", "clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "s", "cloud": "mars"}"#,
                    "cloud"
                ),
                (
                    #"{"tenantId": "a.example", "clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "s", "sources": ["mail"]}"#,
                    "sources"
                ),
                (
                    #"{"tenantId": "a.example", "clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "s", "extra": 1}"#,
                    "extra"
                ),
                (
                    #"{"tenantId": "a.example", "clientId": "11111111-2222-3333-4444-555555555555", "certificate": "not a pem"}"#,
                    "certificate"
                ),
            ]
            for (body, target) in refused {
                let answer = try await harness.send(.PUT, Self.path, token: writer, json: body)
                #expect(answer.status == .badRequest, "\(body)")
                let error = try #require(try object(answer.body)["error"] as? [String: Any])
                #expect((error["target"] as? String)?.hasPrefix(target) == true, "\(answer.body)")
            }
            #expect(try await harness.runtime.store.connectionCredential("fabrikam") == .secret("api~secret~2"))
            // Endpoints apart from the cloud's send requests wherever they point: instance tokens only.
            let elsewhere =
                #"{"tenantId": "a.example", "clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "s", "graphUrl": "http://graph.example"}"#
            #expect(try await harness.send(.PUT, Self.path, token: writer, json: elsewhere).status == .forbidden)
            let instance = try await harness.token(nil, .readWrite)
            let checked = try await harness.send(.PUT, Self.path, token: instance, json: elsewhere)
            #expect(checked.status == .badRequest && checked.body.contains("must use https"))

            #expect(try await harness.send(.DELETE, Self.path, token: writer).status == .noContent)
            #expect(try await harness.send(.DELETE, Self.path, token: writer).status == .notFound)
            let audit = try await harness.runtime.store.auditEntries(organizationID: "fabrikam")
            #expect(
                audit.map(\.action).filter { $0.hasPrefix("connection.") }
                    == ["connection.add", "connection.replace", "connection.rotate", "connection.remove"]
            )
        }
    }

    /// The schedule and the collection record: PATCH changes settings without the credential,
    /// "Refresh now" answers 202, and the connection document says how collections go.
    @Test(arguments: TestDatabase.available)
    func scheduleAndRefreshThroughTheAPI(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let reader = try await harness.token("fabrikam", .read)
            #expect(try await harness.send(.POST, Self.path + "/refresh", token: writer).status == .notFound)
            #expect(try await harness.send(.PATCH, Self.path, token: writer, json: "{}").status == .notFound)
            let created = try await harness.send(.PUT, Self.path, token: writer, json: Self.body)
            let dto = try object(created.body)
            #expect(dto["collectEveryMinutes"] as? Int == 360)
            let collection = try #require(dto["collection"] as? [String: Any])
            #expect(collection["health"] as? String == "pending" && collection["running"] as? Bool == false)
            #expect(collection["consecutiveFailures"] as? Int == 0 && collection["lastSuccessAt"] == nil)
            #expect(collection["nextRunAt"] as? String == "2026-11-28T12:00:00Z", "a new connection is due at once")

            let patched = try await harness.send(
                .PATCH,
                Self.path,
                token: writer,
                json: #"{"collectEveryMinutes": 720, "sources": ["entra-id"]}"#
            )
            #expect(patched.status == .ok, "\(patched.body)")
            let after = try object(patched.body)
            #expect(after["collectEveryMinutes"] as? Int == 720 && after["sources"] as? [String] == ["entra-id"])
            #expect(after["cloud"] as? String == "gcc-high", "what the patch leaves out stays")
            #expect(try await harness.runtime.store.connectionCredential("fabrikam") == .secret("api~secret~1"))
            // A replacement without an interval keeps the one set.
            let replaced = try await harness.send(.PUT, Self.path, token: writer, json: Self.body)
            #expect(try object(replaced.body)["collectEveryMinutes"] as? Int == 720)

            let refusals: [(String, String)] = [
                (#"{"collectEveryMinutes": 5}"#, "collectEveryMinutes"),
                (#"{"collectEveryMinutes": "often"}"#, "collectEveryMinutes"),
                (#"{"sources": []}"#, "sources"),
                (#"{"clientSecret": "x"}"#, "clientSecret"),
            ]
            for (body, target) in refusals {
                let refused = try await harness.send(.PATCH, Self.path, token: writer, json: body)
                #expect(refused.status == .badRequest, "\(body)")
                let error = try #require(try object(refused.body)["error"] as? [String: Any])
                #expect(error["target"] as? String == target, "\(body): \(refused.body)")
            }
            let moved = try await harness.send(
                .PATCH,
                Self.path,
                token: writer,
                json: #"{"graphUrl": "http://127.0.0.1:9"}"#
            )
            #expect(moved.status == .forbidden, "endpoints are for instance-wide tokens")
            #expect(try await harness.send(.PATCH, Self.path, token: reader, json: "{}").status == .forbidden)
            #expect(try await harness.send(.POST, Self.path + "/refresh", token: reader).status == .forbidden)

            let refreshed = try await harness.send(.POST, Self.path + "/refresh", token: writer)
            #expect(refreshed.status == .accepted)

            // The organization list carries each connection's health and filters on it.
            let listed = try object(try await harness.send(.GET, "/api/v1/organizations", token: reader).body)
            let rows = try #require(listed["value"] as? [[String: Any]])
            #expect(rows.first { $0["id"] as? String == "fabrikam" }?["connectionHealth"] as? String == "pending")
            let failing = try await harness.send(.GET, "/api/v1/organizations?connection=failing", token: reader)
            #expect(try object(failing.body)["total"] as? Int == 0)
            let oops = try await harness.send(.GET, "/api/v1/organizations?connection=oops", token: reader)
            #expect(oops.status == .badRequest && oops.body.contains(#""target":"connection""#))
            let audit = try await harness.runtime.store.auditEntries(organizationID: "fabrikam").map(\.action)
            #expect(
                audit.filter { $0.hasPrefix("connection.") }.suffix(3) == [
                    "connection.update", "connection.replace", "connection.refresh",
                ]
            )
        }
    }

    /// The test answers per resource through the recorded Graph service, and refuses without a
    /// connection.
    @Test func testingTheStoredConnection() async throws {
        var script = RecordedGraphServer.Script()
        script.clientID = "11111111-2222-3333-4444-555555555555"
        script.failing = ["sharepointSettings": 403, "userRegistrationDetails": 400]
        let fake = script
        let recorded = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PostureEvidenceTests/Snapshots/contoso")
        let graph = try await RecordedGraphServer.start(directory: recorded, script: script)
        do {
            try await APIHarness.with { harness in
                let writer = try await harness.token("fabrikam", .readWrite)
                #expect(try await harness.send(.POST, Self.path + "/test", token: writer).status == .notFound)
                let instance = try await harness.token(nil, .readWrite)
                let body = """
                    {"tenantId": "\(fake.tenantID)", "clientId": "\(fake.clientID)", "clientSecret": "\(fake.secret)",
                     "sources": ["entra-id", "sharepoint"], "loginUrl": "\(graph.baseURL)", "graphUrl": "\(graph.baseURL)"}
                    """
                #expect(try await harness.send(.PUT, Self.path, token: instance, json: body).status == .created)
                let tested = try await harness.send(.POST, Self.path + "/test", token: writer)
                #expect(tested.status == .ok, "\(tested.body)")
                let report = try object(tested.body)
                #expect(report["ready"] as? Bool == false && report["signedIn"] as? Bool == true)
                #expect(report["missingPermissions"] as? [String] == ["SharePointTenantSettings.Read.All"])
                let probes = try #require(report["probes"] as? [[String: Any]])
                let results = Dictionary(
                    uniqueKeysWithValues: probes.map { ($0["resource"] as! String, $0["result"] as! String) }
                )
                #expect(results["conditionalAccessPolicies"] == "granted")
                #expect(results["sharepointSettings"] == "missing")
                #expect(results["userRegistrationDetails"] == "failed")
                #expect(!tested.body.contains(fake.secret))
                // The test spends the caller's budget: a second one at once waits its turn.
                let again = try await harness.send(.POST, Self.path + "/test", token: writer)
                #expect(again.status == .tooManyRequests && again.headers.first(name: "Retry-After") != nil)
                let reader = try await harness.token("fabrikam", .read)
                #expect(try await harness.send(.POST, Self.path + "/test", token: reader).status == .forbidden)
            }
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }
}
