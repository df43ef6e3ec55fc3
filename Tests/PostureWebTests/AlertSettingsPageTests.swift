import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// Settings → Alerts in process: writers save the rules (unticked boxes are off, bad numbers are
/// refused by name with nothing saved); readers see the rules without a way to change them.
@Suite struct AlertSettingsPageTests {
    static let password = "correct horse battery staple"

    static func form(_ csrf: String, floor: String = "55", days: String = "21") -> [(String, String)] {
        [
            ("csrf", csrf), ("scoreDrop", "on"), ("dropPercentagePoints", "7.5"), ("dropPoints", "12"),
            ("exceptions", "on"), ("exceptionDays", days), ("floor", "on"), ("floorPercent", floor),
        ]
    }

    @Test func writersSaveRulesAndReadersSeeThem() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("viewer", password: Self.password, roles: ["contoso": .globalReader])
            _ = try await web.signIn("ops", Self.password)
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(page.body.contains(#"<h2 id="h-alerts">Alerts</h2>"#))
            #expect(page.body.contains(#"id="al-scoreDrop" name="scoreDrop" value="on" checked"#))
            #expect(page.body.contains(#"id="al-floor" name="floor" value="on">"#), "the floor is off by default")
            let csrf = try WebHarness.csrf(page.body)

            for (floor, days, message) in [
                ("high", "21", "Floor percent must be a number."),
                ("55", "400", "Days ahead must be from 1 to 90 days."),
                ("55", "2.5", "Days ahead must be from 1 to 90 days."),
            ] {
                let refused = try await web.send(
                    .POST,
                    "/orgs/contoso/settings/alerts",
                    form: Self.form(csrf, floor: floor, days: days)
                )
                #expect(refused.status == .badRequest && refused.body.contains(message), "\(floor) \(days)")
            }
            #expect(try await web.runtime.service.alertRules("contoso") == AlertRules(), "nothing saved")
            let forged = try await web.send(.POST, "/orgs/contoso/settings/alerts", form: Self.form("forged"))
            #expect(forged.status == .forbidden)

            let saved = try await web.send(.POST, "/orgs/contoso/settings/alerts", form: Self.form(csrf))
            #expect(saved.status == .seeOther)
            let rules = try await web.runtime.service.alertRules("contoso")
            #expect(rules.scoreDrop == ScoreDropRule(percentagePoints: 7.5, points: 12) && rules.exceptionDays == 21)
            #expect(rules.floorEnabled && rules.floorPercent == 55)
            #expect(!rules.regressionsEnabled && !rules.connectionsEnabled, "unticked boxes are off")

            _ = try await web.send(.POST, "/signout", form: [("csrf", csrf)])
            _ = try await web.signIn("viewer", Self.password)
            let read = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(read.body.contains(#"value="55" aria-describedby="al-floorPercent-hint" disabled"#))
            #expect(!read.body.contains("Save alerts"))
            let readCSRF = try WebHarness.csrf(read.body)
            let refused = try await web.send(.POST, "/orgs/contoso/settings/alerts", form: Self.form(readCSRF))
            #expect(refused.status == .forbidden)
        }
    }
}
