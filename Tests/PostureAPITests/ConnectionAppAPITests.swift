import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// The instance-wide multi-tenant app on both databases: instance administrators set it up, an
/// organization connects through it with its tenant alone, the tenant's administrator grants
/// consent (seen at the callback, or at the first sign-in), and replacing the app's credential
/// changes how every such tenant signs in.
@Suite struct ConnectionAppAPITests {
    static let path = "/api/v1/organizations/fabrikam/connection"

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The recorded tenant behind the multi-tenant app, running while `body` runs.
    static func withTenant(
        _ body: @Sendable (RecordedGraphServer.Script, RecordedGraphServer) async throws -> Void
    ) async throws {
        var script = RecordedGraphServer.Script()
        script.clientID = "22222222-3333-4444-5555-666666666666"
        let recorded = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PostureEvidenceTests/Snapshots/contoso")
        let graph = try await RecordedGraphServer.start(directory: recorded, script: script)
        do {
            try await body(script, graph)
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }

    @Test(arguments: TestDatabase.available)
    func oneAppManyTenants(_ database: TestDatabase) async throws {
        try await Self.withTenant { fake, graph in
            try await APIHarness.with(database: database) { harness in
                let instance = try await harness.token(nil, .readWrite)
                let instanceReader = try await harness.token(nil, .read)
                let writer = try await harness.token("fabrikam", .readWrite)
                let appBody = #"{"clientId": "\#(fake.clientID)", "clientSecret": "\#(fake.secret)"}"#
                #expect(try await harness.send(.GET, "/api/v1/connection-app", token: instance).status == .notFound)
                #expect(
                    try await harness.send(.PUT, "/api/v1/connection-app", token: writer, json: appBody).status
                        == .forbidden
                )
                #expect(
                    try await harness.send(.PUT, "/api/v1/connection-app", token: instanceReader, json: appBody).status
                        == .forbidden
                )
                let bad = try await harness.send(
                    .PUT,
                    "/api/v1/connection-app",
                    token: instance,
                    json: #"{"clientId": "app", "clientSecret": "s"}"#
                )
                #expect(bad.status == .badRequest && bad.body.contains(#""target":"clientId""#))
                let created = try await harness.send(.PUT, "/api/v1/connection-app", token: instance, json: appBody)
                #expect(created.status == .created, "\(created.body)")
                #expect(!created.body.contains(fake.secret))
                let app = try Self.object(created.body)
                #expect(app["clientId"] as? String == fake.clientID && app["connections"] as? Int == 0)
                #expect((app["redirectUri"] as? String)?.hasSuffix("/connections/consent") == true)

                // fabrikam connects through the app with its tenant alone.
                let mixed = try await harness.send(
                    .PUT,
                    Self.path,
                    token: writer,
                    json: #"{"useInstanceApp": true, "tenantId": "\#(fake.tenantID)", "clientSecret": "x"}"#
                )
                #expect(mixed.status == .badRequest && mixed.body.contains(#""target":"clientSecret""#))
                // A role in the organization is not enough to choose which tenant the app reads.
                let scoped = try await harness.send(
                    .PUT,
                    Self.path,
                    token: writer,
                    json: #"{"useInstanceApp": true, "tenantId": "\#(fake.tenantID)"}"#
                )
                #expect(scoped.status == .forbidden && scoped.body.contains("only instance administrators"))
                let connected = try await harness.send(
                    .PUT,
                    Self.path,
                    token: instance,
                    json: """
                        {"useInstanceApp": true, "tenantId": "\(fake.tenantID)", "sources": ["entra-id"],
                         "loginUrl": "\(graph.baseURL)", "graphUrl": "\(graph.baseURL)"}
                        """
                )
                #expect(connected.status == .created, "\(connected.body)")
                let document = try Self.object(connected.body)
                #expect(document["credential"] as? String == "instance-app")
                #expect(document["clientId"] as? String == fake.clientID)
                let consent = try #require(document["consent"] as? [String: Any])
                #expect(consent["grantedAt"] == nil)
                let url = try #require(consent["url"] as? String)
                #expect(url.hasPrefix("\(graph.baseURL)/\(fake.tenantID)/v2.0/adminconsent?client_id=\(fake.clientID)"))
                let components = try #require(URLComponents(string: url))
                let state = try #require(components.queryItems?.first { $0.name == "state" }?.value)
                #expect(state.hasPrefix("fabrikam~"))
                // A tenant serves one organization through the app.
                let twice = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/connection",
                    token: instance,
                    json: #"{"useInstanceApp": true, "tenantId": "\#(fake.tenantID.uppercased())"}"#
                )
                #expect(
                    twice.status == .badRequest && twice.body.contains(#"organization \"fabrikam\""#),
                    "\(twice.body)"
                )
                #expect(components.queryItems?.first { $0.name == "scope" }?.value == "\(graph.baseURL)/.default")

                // A credential cannot be rotated on a connection that has none of its own.
                let rotate = try await harness.send(
                    .POST,
                    Self.path + "/rotate",
                    token: writer,
                    json: #"{"clientSecret": "s"}"#
                )
                #expect(rotate.status == .badRequest && rotate.body.contains("instance-wide app"))
                #expect(
                    try await harness.send(.DELETE, "/api/v1/connection-app", token: instance).status == .conflict,
                    "the app stays while a connection uses it"
                )

                // The administrator comes back: a forged state changes nothing; the real one records consent.
                let forged = try await harness.send(
                    .GET,
                    "/connections/consent?admin_consent=True&state=fabrikam~" + String(repeating: "0", count: 32),
                    token: nil
                )
                #expect(forged.status == .badRequest && forged.body.contains("Unknown consent request"))
                let refused = try await harness.send(
                    .GET,
                    "/connections/consent?error=access_denied&error_description=The%20admin%20canceled&state=\(state)",
                    token: nil
                )
                #expect(refused.status == .ok && refused.body.contains("Consent not granted"))
                let stillPending = try Self.object(try await harness.send(.GET, Self.path, token: writer).body)
                #expect((stillPending["consent"] as? [String: Any])?["grantedAt"] == nil)
                let granted = try await harness.send(
                    .GET,
                    "/connections/consent?admin_consent=True&tenant=\(fake.tenantID)&state=\(state)",
                    token: nil
                )
                #expect(granted.status == .ok && granted.body.contains("Consent recorded"))
                let after = try Self.object(try await harness.send(.GET, Self.path, token: writer).body)
                #expect((after["consent"] as? [String: Any])?["grantedAt"] as? String == "2026-11-28T12:00:00Z")
                let audit = try await harness.runtime.store.auditEntries(organizationID: "fabrikam")
                #expect(
                    audit.filter { $0.action == "connection.consent" }.map(\.target) == [
                        "refused: access_denied: The admin canceled", "granted by tenant \(fake.tenantID)",
                    ]
                )

                // It collects with the app's credential…
                let service = harness.runtime.service
                let collector = GraphConnectionCollector(catalog: service.catalog, resolver: nil)
                let first = try await service.collectNow("fabrikam", holder: "t", leaseSeconds: 60, using: collector)
                #expect(first.succeeded && first.measured > 10, "\(first)")
                // …and replacing the app's credential changes every tenant's sign-in at once.
                let replaced = try await harness.send(
                    .PUT,
                    "/api/v1/connection-app",
                    token: instance,
                    json: #"{"clientId": "\#(fake.clientID)", "clientSecret": "rotated-but-wrong"}"#
                )
                let replacedApp = try Self.object(replaced.body)
                #expect(replaced.status == .ok && replacedApp["connections"] as? Int == 1)
                let second = try await service.collectNow("fabrikam", holder: "t", leaseSeconds: 60, using: collector)
                #expect(second.problem?.contains("AADSTS7000215") == true)
                let appAudit = try await harness.runtime.store.auditEntries(organizationID: nil).map(\.action)
                #expect(
                    appAudit.filter { $0.hasPrefix("connection-app.") } == [
                        "connection-app.add", "connection-app.replace",
                    ]
                )
                let instanceAudit = try await harness.runtime.store.auditEntries(organizationID: nil)
                #expect(
                    !instanceAudit.contains {
                        ($0.after ?? "").contains(fake.secret) || ($0.before ?? "").contains(fake.secret)
                    }
                )
            }
        }
    }

    /// Consent seen at a first successful sign-in, with nobody coming back through the callback.
    @Test func consentIsNoticedAtTheFirstSignIn() async throws {
        try await Self.withTenant { fake, graph in
            try await APIHarness.with { harness in
                let service = harness.runtime.service
                try await service.setConnectionApp(
                    clientID: fake.clientID,
                    credential: .secret(fake.secret),
                    actor: "t"
                )
                let settings = ConnectionSettings(
                    tenantID: fake.tenantID,
                    clientID: "",
                    credentialKind: .instanceApp,
                    sources: [.sharePoint],
                    loginURL: graph.baseURL,
                    graphURL: graph.baseURL
                )
                await #expect(
                    throws: ServiceError.instanceAdministratorOnly(
                        "connect organizations through the instance-wide app"
                    )
                ) {
                    try await service.connectThroughApp("fabrikam", settings, instanceAdministrator: false, actor: "t")
                }
                try await service.connectThroughApp("fabrikam", settings, instanceAdministrator: true, actor: "t")
                #expect(try await service.connection("fabrikam").consentedAt == nil)
                let outcome = try await service.collectNow(
                    "fabrikam",
                    holder: "t",
                    leaseSeconds: 60,
                    using: GraphConnectionCollector(catalog: service.catalog, resolver: nil)
                )
                #expect(outcome.succeeded)
                #expect(try await service.connection("fabrikam").consentedAt != nil)
                // Another tenant must consent afresh.
                await #expect(throws: ServiceError.self) {
                    try await service.updateConnectionSettings("fabrikam", actor: "t") {
                        $0.tenantID = "other.onmicrosoft.com"
                    }
                }
                let moved = try await service.updateConnectionSettings(
                    "fabrikam",
                    instanceAdministrator: true,
                    actor: "t"
                ) { $0.tenantID = "other.onmicrosoft.com" }
                #expect(
                    moved.collection.lastSuccessAt == nil && moved.collection.measured == nil,
                    "another tenant starts over"
                )
                #expect(try await service.connection("fabrikam").consentedAt == nil)
                await #expect(throws: ServiceError.self) {
                    try await service.updateConnectionSettings("fabrikam", actor: "t") {
                        $0.clientID = "33333333-3333-4444-5555-666666666666"
                    }
                }
            }
        }
    }
}
