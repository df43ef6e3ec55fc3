import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// Settings → Webhooks in process: writers add an endpoint and see its secret once, send a test,
/// see it in the delivery log and remove the endpoint; readers see the endpoints and the log only.
@Suite struct WebhookSettingsPageTests {
    static let password = "correct horse battery staple"

    @Test func writersManageEndpointsAndReadersSeeThem() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("viewer", password: Self.password, roles: ["contoso": .globalReader])
            _ = try await web.signIn("ops", Self.password)
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(page.body.contains(#"<h2 id="h-webhooks">Webhooks</h2>"#) && page.body.contains("No endpoint yet."))
            let csrf = try WebHarness.csrf(page.body)

            let plain = try await web.send(
                .POST,
                "/orgs/contoso/settings/webhooks",
                form: [("csrf", csrf), ("url", "http://hooks.example.com/x"), ("events[]", "score.dropped")]
            )
            #expect(plain.status == .badRequest && plain.body.contains("The URL must use https"))
            let none = try await web.send(
                .POST,
                "/orgs/contoso/settings/webhooks",
                form: [("csrf", csrf), ("url", "https://hooks.example.com/x")]
            )
            #expect(none.status == .badRequest && none.body.contains("Events: name at least one event"))
            let forged = try await web.send(
                .POST,
                "/orgs/contoso/settings/webhooks",
                form: [("csrf", "forged"), ("url", "https://hooks.example.com/x"), ("events[]", "score.dropped")]
            )
            #expect(forged.status == .forbidden)
            #expect(try await web.runtime.service.webhookEndpoints("contoso").isEmpty)

            let added = try await web.send(
                .POST,
                "/orgs/contoso/settings/webhooks",
                form: [
                    ("csrf", csrf), ("url", "https://hooks.example.com/posture"), ("events[]", "score.dropped"),
                    ("events[]", "action.regressed"),
                ]
            )
            #expect(added.status == .ok && added.body.contains("Endpoint added."))
            let endpoint = try #require(try await web.runtime.service.webhookEndpoints("contoso").first)
            #expect(endpoint.events == [.actionRegressed, .scoreDropped])
            let secret = try #require(
                added.body.range(of: #"data-testid="webhook-secret">"#).map { range in
                    String(added.body[range.upperBound...].prefix { $0 != "<" })
                }
            )
            #expect(secret.hasPrefix("whsec_"))
            let again = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(again.body.contains(endpoint.id) && !again.body.contains(secret), "shown once")

            let tested = try await web.send(
                .POST,
                "/orgs/contoso/settings/webhooks/\(endpoint.id)/test",
                form: [("csrf", csrf)]
            )
            #expect(tested.status == .seeOther)
            let log = try await web.send(.GET, "/orgs/contoso/settings?saved=webhook-test")
            #expect(log.body.contains("Test event queued") && log.body.contains(#"data-testid="delivery-log""#))
            #expect(log.body.contains("<td>webhook.test</td><td>pending</td>"))

            _ = try await web.send(.POST, "/signout", form: [("csrf", csrf)])
            _ = try await web.signIn("viewer", Self.password)
            let read = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(read.body.contains(endpoint.id) && read.body.contains("webhook.test"))
            #expect(!read.body.contains("/settings/webhooks\"") && !read.body.contains("Send a test"), "no forms")
            let readCSRF = try WebHarness.csrf(read.body)
            let refused = try await web.send(
                .POST,
                "/orgs/contoso/settings/webhooks/\(endpoint.id)/remove",
                form: [("csrf", readCSRF)]
            )
            #expect(refused.status == .forbidden)

            _ = try await web.send(.POST, "/signout", form: [("csrf", readCSRF)])
            _ = try await web.signIn("ops", Self.password)
            let opsPage = try await web.send(.GET, "/orgs/contoso/settings")
            let removed = try await web.send(
                .POST,
                "/orgs/contoso/settings/webhooks/\(endpoint.id)/remove",
                form: [("csrf", try WebHarness.csrf(opsPage.body))]
            )
            #expect(removed.status == .seeOther)
            #expect(try await web.runtime.service.webhookEndpoints("contoso").isEmpty)
            let audit = try await web.runtime.store.auditEntries(organizationID: "contoso").map(\.action)
            #expect(audit.filter { $0.hasPrefix("webhook.") } == ["webhook.add", "webhook.remove"])
        }
    }
}
