import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// Settings → Channels in process: writers add a webhook and see its secret once, send a test, see
/// it in the delivery log and remove it; Teams and e-mail channels keep their secrets out of the
/// page; readers see the channels and the log only.
@Suite struct ChannelSettingsPageTests {
    static let password = "correct horse battery staple"

    @Test func writersManageEndpointsAndReadersSeeThem() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("viewer", password: Self.password, roles: ["contoso": .globalReader])
            _ = try await web.signIn("ops", Self.password)
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(page.body.contains(#"<h2 id="h-channels">Channels</h2>"#) && page.body.contains("No channel yet."))
            let csrf = try WebHarness.csrf(page.body)

            let plain = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels",
                form: [
                    ("csrf", csrf), ("kind", "webhook"), ("url", "http://hooks.example.com/x"),
                    ("events[]", "score.dropped"),
                ]
            )
            #expect(plain.status == .badRequest && plain.body.contains("The URL must use https"))
            let none = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels",
                form: [("csrf", csrf), ("kind", "webhook"), ("url", "https://hooks.example.com/x")]
            )
            #expect(none.status == .badRequest && none.body.contains("Events: name at least one event"))
            let forged = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels",
                form: [
                    ("csrf", "forged"), ("kind", "webhook"), ("url", "https://hooks.example.com/x"),
                    ("events[]", "score.dropped"),
                ]
            )
            #expect(forged.status == .forbidden)
            #expect(try await web.runtime.service.channels("contoso").isEmpty)

            let added = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels",
                form: [
                    ("csrf", csrf), ("kind", "webhook"), ("url", "https://hooks.example.com/posture"),
                    ("events[]", "score.dropped"),
                    ("events[]", "action.regressed"),
                ]
            )
            #expect(added.status == .ok && added.body.contains("Webhook channel added."))
            let endpoint = try #require(try await web.runtime.service.channels("contoso").first)
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
                "/orgs/contoso/settings/channels/\(endpoint.id)/test",
                form: [("csrf", csrf)]
            )
            #expect(tested.status == .seeOther)
            let log = try await web.send(.GET, "/orgs/contoso/settings?saved=channel-test")
            #expect(log.body.contains("Test message queued") && log.body.contains(#"data-testid="delivery-log""#))
            #expect(log.body.contains("<td>webhook.test</td><td>pending</td>"))
            let rotated = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels/\(endpoint.id)/rotate",
                form: [("csrf", csrf)]
            )
            #expect(rotated.status == .ok && rotated.body.contains("New secret made."))
            let newSecret = try #require(
                rotated.body.range(of: #"data-testid="webhook-secret">"#).map { range in
                    String(rotated.body[range.upperBound...].prefix { $0 != "<" })
                }
            )
            #expect(newSecret.hasPrefix("whsec_") && newSecret != secret)

            _ = try await web.send(.POST, "/signout", form: [("csrf", csrf)])
            _ = try await web.signIn("viewer", Self.password)
            let read = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(read.body.contains(endpoint.id) && read.body.contains("webhook.test"))
            #expect(!read.body.contains("/settings/channels\"") && !read.body.contains("Send a test"), "no forms")
            let readCSRF = try WebHarness.csrf(read.body)
            let refused = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels/\(endpoint.id)/remove",
                form: [("csrf", readCSRF)]
            )
            #expect(refused.status == .forbidden)

            _ = try await web.send(.POST, "/signout", form: [("csrf", readCSRF)])
            _ = try await web.signIn("ops", Self.password)
            let opsPage = try await web.send(.GET, "/orgs/contoso/settings")
            let removed = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels/\(endpoint.id)/remove",
                form: [("csrf", try WebHarness.csrf(opsPage.body))]
            )
            #expect(removed.status == .seeOther)
            #expect(try await web.runtime.service.channels("contoso").isEmpty)
            let audit = try await web.runtime.store.auditEntries(organizationID: "contoso").map(\.action)
            #expect(audit.filter { $0.hasPrefix("webhook.") } == ["webhook.add", "webhook.rotate", "webhook.remove"])
        }
    }

    /// A Teams URL's signature and an SMTP password go in and never come out: not in the page, not
    /// in the audit log. Bad fields are named.
    @Test func teamsAndEmailChannelsKeepTheirSecrets() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            _ = try await web.signIn("ops", Self.password)
            let csrf = try WebHarness.csrf(try await web.send(.GET, "/orgs/contoso/settings").body)
            let signature = "sig=Zm9yZ2VkLXNpZ25hdHVyZQ"
            let retired = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels",
                form: [
                    ("csrf", csrf), ("kind", "teams"), ("url", "https://contoso.webhook.office.com/webhookb2/x"),
                    ("events[]", "score.dropped"),
                ]
            )
            #expect(retired.status == .badRequest && retired.body.contains("Office 365 connector webhook"))
            let teams = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels",
                form: [
                    ("csrf", csrf), ("kind", "teams"), ("name", "SOC"),
                    (
                        "url",
                        "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&\(signature)"
                    ),
                    ("events[]", "action.regressed"),
                ]
            )
            #expect(teams.status == .ok && teams.body.contains("Microsoft Teams channel added."), "\(teams.body)")
            #expect(
                teams.body.contains(
                    "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?…"
                )
            )
            #expect(!teams.body.contains(signature))

            for (field, value, message) in [
                ("port", "five", "Port must be a number."),
                ("to", "not-an-address", "To: &quot;not-an-address&quot; is not an e-mail address"),
                ("from", "", "From is not an e-mail address"), ("security", "none", "Security must be starttls or tls"),
            ] {
                var form = Self.emailForm(csrf)
                form.removeAll { $0.0 == field }
                form.append((field, value))
                let refused = try await web.send(.POST, "/orgs/contoso/settings/channels", form: form)
                #expect(refused.status == .badRequest && refused.body.contains(message), "\(field): \(message)")
            }
            let email = try await web.send(.POST, "/orgs/contoso/settings/channels", form: Self.emailForm(csrf))
            #expect(email.status == .ok && email.body.contains("E-mail channel added."))
            #expect(email.body.contains("secops@contoso.example, ciso@contoso.example via smtp.contoso.example:587"))
            #expect(!email.body.contains("hunter2-smtp"))
            let serviceNow: [(String, String)] = [
                ("csrf", csrf), ("kind", "servicenow"), ("name", "IT"),
                ("instanceUrl", "https://contoso.service-now.com"),
                ("table", "change_request"), ("authentication", "basic"), ("username", "posture.integration"),
                ("category", "Security"),
            ]
            let noPassword = try await web.send(.POST, "/orgs/contoso/settings/channels", form: serviceNow)
            #expect(noPassword.status == .badRequest && noPassword.body.contains("The password is needed"))
            let ticketing = try await web.send(
                .POST,
                "/orgs/contoso/settings/channels",
                form: serviceNow + [("password", "sn-secret-pw")]
            )
            #expect(ticketing.status == .ok && ticketing.body.contains("ServiceNow channel added."))
            #expect(ticketing.body.contains("https://contoso.service-now.com (change_request)"))
            #expect(!ticketing.body.contains("sn-secret-pw"))
            var channels = try await web.runtime.service.channels("contoso")
            #expect(channels.first { $0.kind == .servicenow }?.serviceNow?.table == .changeRequest)
            try await web.runtime.service.removeChannel(
                "contoso",
                id: try #require(channels.first { $0.kind == .servicenow }?.id),
                actor: "test"
            )
            channels = try await web.runtime.service.channels("contoso")
            #expect(Set(channels.map(\.kind)) == [.teams, .email])
            #expect(channels.first { $0.kind == .email }?.mail?.username == "posture@contoso.example")
            let audit = try await web.runtime.store.auditEntries(organizationID: "contoso")
            #expect(audit.filter { $0.action == "channel.add" }.count == 3)
            #expect(
                !audit.contains {
                    "\($0)".contains("hunter2-smtp") || "\($0)".contains(signature) || "\($0)".contains("sn-secret-pw")
                }
            )
        }
    }

    static func emailForm(_ csrf: String) -> [(String, String)] {
        [
            ("csrf", csrf), ("kind", "email"), ("name", "Security team"),
            ("to", "secops@contoso.example, ciso@contoso.example"), ("host", "smtp.contoso.example"), ("port", "587"),
            ("security", "starttls"), ("username", "posture@contoso.example"), ("password", "hunter2-smtp"),
            ("from", "posture@contoso.example"), ("events[]", "score.dropped"),
        ]
    }
}
