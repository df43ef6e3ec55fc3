import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// The instance's Alerts page: instance administrators save the instance-wide rules and add the
/// instance's channels with the same forms as an organization's Settings; nobody else gets in.
@Suite struct InstanceAlertsPageTests {
    @Test func administratorsManageInstanceWideAlerts() async throws {
        let allowPrivate: @Sendable (inout PostureConfiguration) -> Void = { $0.allowPrivateTargets = true }
        try await WebHarness.with(configure: allowPrivate) { web in
            let service = web.runtime.service
            try await web.addUser("olga", password: "correct horse battery", roles: ["contoso": .globalAdministrator])
            #expect(try await web.signIn("olga", "correct horse battery").status == .seeOther)
            #expect(
                try await web.send(.GET, "/instance/alerts").status == .forbidden,
                "an organization's admin is not the instance's"
            )
            #expect(!(try await web.send(.GET, "/orgs/contoso").body.contains("/instance/alerts")))
            _ = try await web.send(
                .POST,
                "/signout",
                form: [("csrf", try WebHarness.csrf(try await web.send(.GET, "/orgs/contoso").body))]
            )

            try await web.addUser("ines", password: "correct horse battery", instanceAdministrator: true)
            #expect(try await web.signIn("ines", "correct horse battery").status == .seeOther)
            var page = try await web.send(.GET, "/instance/alerts")
            #expect(page.status == .ok && page.body.contains("<h1>Instance alerts</h1>"))
            #expect(page.body.contains(#"href="/instance/alerts""#), "the header links it for administrators")
            #expect(!page.body.contains("add-servicenow") && !page.body.contains("add-planner"), "no ticket forms")
            let csrf = try WebHarness.csrf(page.body)
            let added = try await web.send(
                .POST,
                "/instance/channels",
                form: [
                    ("kind", "webhook"), ("url", "http://127.0.0.1:9/hook"), ("events[]", "action.regressed"),
                    ("csrf", csrf),
                ]
            )
            #expect(added.status == .ok && added.body.contains("whsec_"), "the secret is shown once")
            #expect(try await service.channels(.instance).count == 1)
            #expect(try await service.channels("contoso").isEmpty)
            let saved = try await web.send(
                .POST,
                "/instance/alerts",
                form: [
                    ("regressions", "on"), ("dropPercentagePoints", "12"), ("dropPoints", "10"),
                    ("exceptionDays", "14"),
                    ("floorPercent", "50"), ("csrf", csrf),
                ]
            )
            #expect(saved.status == .seeOther && saved.location == "/instance/alerts?saved=alerts#alerts")
            let rules = try await service.alertRules(.instance)
            #expect(rules.regressionsEnabled && !rules.scoreDropEnabled && rules.scoreDrop.percentagePoints == 12)
            #expect(try await service.alertRules("contoso").scoreDropEnabled, "the organization's own rules stay")
            page = try await web.send(.GET, "/instance/alerts?saved=alerts")
            #expect(page.body.contains("Instance-wide rules saved."))
            let refused = try await web.send(
                .POST,
                "/instance/channels",
                form: [("kind", "webhook"), ("url", "ftp://x"), ("events[]", "action.regressed"), ("csrf", csrf)]
            )
            #expect(refused.status == .badRequest && refused.body.contains("The URL must use https"))
        }
    }
}
