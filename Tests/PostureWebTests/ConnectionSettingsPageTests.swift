import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import PostureWeb
import Testing
import VaporTesting

@testable import PostureServices

/// Settings → Microsoft 365 connection in process: writers connect, replace the credential and
/// disconnect; readers see no connection at all; the credential is never in a page.
@Suite struct ConnectionSettingsPageTests {
    static let password = "correct horse battery staple"
    static let client = "11111111-2222-3333-4444-555555555555"

    /// The collection record, "Refresh now" and the schedule, without re-entering the credential.
    @Test func collectionHealthRefreshAndSchedule() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            _ = try await web.signIn("ops", Self.password)
            let settings = ConnectionSettings(
                tenantID: "contoso.onmicrosoft.com",
                clientID: Self.client,
                credentialKind: .secret
            )
            _ = try await web.runtime.service.setConnection("contoso", settings, credential: .secret("k"), actor: "t")
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(page.body.contains("waiting for the first collection") && page.body.contains("every 6 hours"))
            #expect(page.body.contains("<dt>Last success</dt><dd>never</dd>"))
            let csrf = try WebHarness.csrf(page.body)

            let refreshed = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection/refresh",
                form: [("csrf", csrf)]
            )
            #expect(refreshed.status == .seeOther)
            let scheduled = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection/schedule",
                form: [("csrf", csrf), ("collectEveryMinutes", "720")]
            )
            #expect(scheduled.status == .seeOther)
            let stored = try await web.runtime.service.connection("contoso")
            #expect(stored.settings.schedule.intervalMinutes == 720)
            #expect(try await web.runtime.store.connectionCredential("contoso") == .secret("k"), "credential kept")
            let shown = try await web.send(.GET, "/orgs/contoso/settings?saved=schedule")
            #expect(shown.body.contains("Schedule saved.") && shown.body.contains(#"<option value="720" selected>"#))

            let tooOften = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection/schedule",
                form: [("csrf", csrf), ("collectEveryMinutes", "5")]
            )
            #expect(tooOften.status == .badRequest && tooOften.body.contains("The schedule must be from 15 to 10080"))
            let notANumber = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection/schedule",
                form: [("csrf", csrf), ("collectEveryMinutes", "often")]
            )
            #expect(notANumber.status == .badRequest)
            #expect(try await web.runtime.service.connection("contoso").settings.schedule.intervalMinutes == 720)
            let audit = try await web.runtime.store.auditEntries(organizationID: "contoso").map(\.action)
            #expect(
                audit.filter { $0.hasPrefix("connection.") } == [
                    "connection.add", "connection.refresh", "connection.update",
                ]
            )
        }
    }

    /// With the instance-wide app set up, an instance administrator connects through it with the
    /// tenant alone and the page shows the admin-consent address until consent is seen; people
    /// with a role in the organization alone are not offered the app.
    @Test func connectingThroughTheInstanceApp() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("root", password: Self.password, instanceAdministrator: true)
            _ = try await web.signIn("root", Self.password)
            let before = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(!before.body.contains("con-app"), "no app, no choice")
            let app = "22222222-3333-4444-5555-666666666666"
            try await web.runtime.service.setConnectionApp(clientID: app, credential: .secret("app"), actor: "t")
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(page.body.contains(#"id="con-app" name="useInstanceApp""#) && page.body.contains(app))
            let csrf = try WebHarness.csrf(page.body)
            let both = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection",
                form: [
                    ("csrf", csrf), ("tenantId", "contoso.onmicrosoft.com"), ("useInstanceApp", "on"),
                    ("clientSecret", "x"), ("sources[]", "entra-id"),
                ]
            )
            #expect(both.status == .badRequest && both.body.contains("brings its own credential"))
            let saved = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection",
                form: [
                    ("csrf", csrf), ("tenantId", "contoso.onmicrosoft.com"), ("useInstanceApp", "on"),
                    ("cloud", "commercial"), ("sources[]", "entra-id"),
                ]
            )
            #expect(saved.status == .seeOther, "\(saved.body)")
            let shown = try await web.send(.GET, "/orgs/contoso/settings").body
            #expect(shown.contains(#"data-testid="consent-pending""#) && shown.contains("Grant admin consent"))
            #expect(
                shown.contains(
                    "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=\(app)"
                )
            )
            #expect(shown.contains("the instance-wide app&#39;s") || shown.contains("the instance-wide app's"))
            let stored = try await web.runtime.service.connection("contoso")
            #expect(stored.settings.credentialKind == .instanceApp && stored.settings.clientID == app)
            _ = try await web.runtime.store.recordConsent("contoso", at: web.runtime.service.clock.now(), makeDue: true)
            #expect(try await web.send(.GET, "/orgs/contoso/settings").body.contains(#"data-testid="consent-granted""#))

            web.cookies.withLockedValue { $0 = [:] }
            _ = try await web.signIn("ops", Self.password)
            let opsPage = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(!opsPage.body.contains("con-app"), "only instance administrators choose the app's tenants")
            let refused = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection",
                form: [
                    ("csrf", try WebHarness.csrf(opsPage.body)), ("tenantId", "other.onmicrosoft.com"),
                    ("useInstanceApp", "on"), ("cloud", "commercial"), ("sources[]", "entra-id"),
                ]
            )
            #expect(refused.status == .badRequest && refused.body.contains("Only instance administrators connect"))
            #expect(try await web.runtime.service.connection("contoso").settings.tenantID == "contoso.onmicrosoft.com")
        }
    }

    @Test func writersConnectAndReadersSeeNothing() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("writer", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .globalReader])
            _ = try await web.signIn("writer", Self.password)
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(page.body.contains("Microsoft 365 connection") && page.body.contains("no connection yet"))
            let csrf = try WebHarness.csrf(page.body)

            let both = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection",
                form: [
                    ("csrf", csrf), ("tenantId", "contoso.onmicrosoft.com"), ("clientId", Self.client),
                    ("clientSecret", "s"), ("certificate", "pem"), ("cloud", "gcc-high"),
                ]
            )
            #expect(both.status == .badRequest && both.body.contains("Give either a client secret or a certificate"))
            let bad = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection",
                form: [
                    ("csrf", csrf), ("tenantId", "contoso"), ("clientId", "x"), ("clientSecret", "page~secret"),
                    ("cloud", "commercial"),
                ]
            )
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("Tenant must be a directory (tenant) id"))
            #expect(bad.body.contains("Application (client) id must be the app registration"))
            #expect(bad.body.contains("Sources name at least one source"))
            #expect(!bad.body.contains("page~secret"), "a refused form does not echo the secret")

            let saved = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection",
                form: [
                    ("csrf", csrf), ("tenantId", "contoso.onmicrosoft.com"), ("clientId", Self.client),
                    ("clientSecret", "page~secret"), ("cloud", "gcc-high"), ("sources[]", "entra-id"),
                    ("sources[]", "secure-score"),
                ]
            )
            #expect(saved.status == .seeOther, "\(saved.body)")
            let shown = try await web.send(.GET, "/orgs/contoso/settings?saved=connection")
            #expect(shown.body.contains("Connection saved.") && shown.body.contains("GCC High"))
            #expect(shown.body.contains("https://graph.microsoft.us"))
            #expect(shown.body.contains("Entra ID, Microsoft Secure Score"))
            #expect(!shown.body.contains("page~secret"))
            #expect(try await web.runtime.store.connectionCredential("contoso") == .secret("page~secret"))

            let rotated = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection/rotate",
                form: [("csrf", csrf), ("clientSecret", "page~secret~2")]
            )
            #expect(rotated.status == .seeOther)
            #expect(try await web.runtime.store.connectionCredential("contoso") == .secret("page~secret~2"))
            let noToken = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection/remove",
                form: [("csrf", "forged")]
            )
            #expect(noToken.status == .forbidden, "forms need their CSRF token")
            let removed = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection/remove",
                form: [("csrf", csrf)]
            )
            #expect(removed.status == .seeOther)
            #expect(try await web.runtime.store.connectionCredential("contoso") == nil)

            web.cookies.withLockedValue { $0 = [:] }
            _ = try await web.signIn("reader", Self.password)
            let readerPage = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(readerPage.status == .ok && !readerPage.body.contains("Microsoft 365 connection"))
            let readerCSRF = try WebHarness.csrf(readerPage.body)
            let refused = try await web.send(
                .POST,
                "/orgs/contoso/settings/connection",
                form: [
                    ("csrf", readerCSRF), ("tenantId", "contoso.onmicrosoft.com"), ("clientId", Self.client),
                    ("clientSecret", "s"), ("sources[]", "entra-id"),
                ]
            )
            #expect(refused.status == .forbidden)
            let audit = try await web.runtime.store.auditEntries(organizationID: "contoso").map(\.action)
            #expect(
                audit.filter { $0.hasPrefix("connection.") } == [
                    "connection.add", "connection.rotate", "connection.remove",
                ]
            )
        }
    }

    /// Test connection signs in to the recorded Graph service and lists each resource.
    @Test func testConnectionListsEveryResource() async throws {
        var script = RecordedGraphServer.Script()
        script.clientID = Self.client
        script.failing = ["sharepointSettings": 403]
        let fake = script
        let recorded = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PostureEvidenceTests/Snapshots/contoso")
        let graph = try await RecordedGraphServer.start(directory: recorded, script: fake)
        do {
            try await WebHarness.with(demo: true) { web in
                try await web.addUser("writer", password: Self.password, roles: ["contoso": .securityAdministrator])
                _ = try await web.signIn("writer", Self.password)
                let page = try await web.send(.GET, "/orgs/contoso/settings")
                let csrf = try WebHarness.csrf(page.body)
                let none = try await web.send(.POST, "/orgs/contoso/settings/connection/test", form: [("csrf", csrf)])
                #expect(none.status == .badRequest && none.body.contains("This organization has no connection."))
                try await web.runtime.service.setConnection(
                    "contoso",
                    ConnectionSettings(
                        tenantID: fake.tenantID,
                        clientID: fake.clientID,
                        credentialKind: .secret,
                        sources: [.entraID, .sharePoint],
                        loginURL: graph.baseURL,
                        graphURL: graph.baseURL
                    ),
                    credential: .secret(fake.secret),
                    actor: "test"
                )
                let tested = try await web.send(.POST, "/orgs/contoso/settings/connection/test", form: [("csrf", csrf)])
                #expect(tested.status == .ok)
                #expect(tested.body.contains("signed in; grant SharePointTenantSettings.Read.All"))
                #expect(tested.body.contains(#"<tr class="missing"><td>SharePoint</td><td>sharepointSettings</td>"#))
                #expect(tested.body.components(separatedBy: #"<tr class="granted">"#).count - 1 == 15)
                #expect(!tested.body.contains(fake.secret))
            }
        } catch {
            try await graph.stop()
            throw error
        }
        try await graph.stop()
    }
}
