import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import PostureWeb
import Testing
import VaporTesting

@testable import PostureServices

/// The organization pages in process: what each role sees and may do.
@Suite struct DashboardTests {
    static let password = "correct horse battery staple"

    /// A fresh demo shows its comparisons: the anonymous peers fill the demo organization's
    /// privacy cell, so the seat band's average is drawn; without them it is not enough.
    @Test(arguments: [0, DemoPeers.defaultCount])
    func theDemoShowsItsComparisonsWithItsPeers(peers: Int) async throws {
        try await WebHarness.with(demo: true, peers: peers) { web in
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .securityReader])
            _ = try await web.signIn("reader", Self.password)
            let overview = try await web.send(.GET, "/orgs/contoso").body
            let drawn = overview.contains(#" comparison" points=""#)
            #expect(drawn == (peers > 0), "the seat band's line")
            #expect(overview.contains(Comparisons.notEnough) == (peers == 0))
            let organizations = try await web.runtime.service.store.organizations().map(\.organization)
            #expect(organizations.filter { $0.id.hasPrefix("demo-peer-") }.count == peers)
            #expect(organizations.filter { $0.displayName.hasSuffix("(anonymous)") }.count == peers)
        }
    }

    @Test func everyPageRendersForAReaderWithTheStoredNumbers() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .securityReader])
            #expect(try await web.signIn("reader", Self.password).location == "/")
            let report = try await web.runtime.service.currentReport("contoso")
            let overview = try await web.send(.GET, "/orgs/contoso")
            #expect(overview.status == .ok)
            #expect(overview.body.contains(#"data-testid="score">\#(ScoreFormat.points(report.currentScore)) "#))
            #expect(overview.body.contains(ScoreFormat.percentage(report.percentage)))
            #expect(overview.body.contains("<svg class=\"chart\"") && overview.body.contains("Data behind"))
            #expect(overview.body.contains("Risk awareness"))
            for path in [
                "/orgs/contoso/actions", "/orgs/contoso/history", "/orgs/contoso/metrics", "/orgs/contoso/settings",
                "/",
            ] {
                let page = try await web.send(.GET, path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers.first(name: "Content-Security-Policy") != nil)
            }
            let detail = try await web.send(.GET, "/orgs/contoso/actions/AdminMFAV2")
            #expect(detail.status == .ok && detail.body.contains("role=\"dialog\""))
            #expect(
                detail.body.contains("is read-only here")
                    && detail.body.contains("<select id=\"status\" name=\"status\" disabled")
            )
            let refused = try await web.send(
                .POST,
                "/orgs/contoso/actions/AdminMFAV2/status",
                form: [("csrf", try WebHarness.csrf(detail.body)), ("status", "planned")]
            )
            #expect(refused.status == .forbidden && refused.body.contains("read-only"))
            #expect(try await web.send(.GET, "/orgs/fabrikam").status == .notFound, "no role there")
            #expect(try await web.send(.GET, "/orgs/nowhere/actions").status == .notFound)
            let settings = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(!settings.body.contains("API clients"), "readers do not manage access")
        }
    }

    @Test func aWriterChangesStatusNoteAndTagsAndSeesThemEverywhere() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("writer", password: Self.password, roles: ["contoso": .securityAdministrator])
            _ = try await web.signIn("writer", Self.password)
            let before = try await web.runtime.service.currentReport("contoso")
            let target = try #require(before.rankedActions.first { !$0.action.externallyManaged }).action.id
            let detail = try await web.send(.GET, "/orgs/contoso/actions/\(target)")
            let csrf = try WebHarness.csrf(detail.body)
            let saved = try await web.send(
                .POST,
                "/orgs/contoso/actions/\(target)/status",
                form: [
                    ("csrf", csrf), ("status", "resolvedThirdParty"),
                    ("note", "<script>alert('x')</script> handled by Okta"),
                    ("expiresAt", "2027-03-01"),
                ]
            )
            #expect(saved.status == .seeOther, "\(saved.body.prefix(300))")

            // A refused change is worded for people: statuses by their labels, no wire values.
            let refused = try await web.send(
                .POST,
                "/orgs/contoso/actions/\(target)/status",
                form: [("csrf", csrf), ("status", "planned"), ("expiresAt", "2027-03-01")]
            )
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Only the statuses Risk accepted, Resolved through third party"))
            #expect(refused.body.contains("not Planned") && !refused.body.contains("riskAccepted, resolvedThirdParty"))
            let after = try await web.runtime.service.currentReport("contoso")
            #expect(after.currentScore > before.currentScore, "a third-party claim earns the points")
            let shown = try await web.send(.GET, try #require(saved.location))
            #expect(shown.body.contains("Status saved."))
            #expect(shown.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; handled by Okta"))
            #expect(!shown.body.contains("<script>alert('x')"))
            let history = try await web.send(.GET, "/orgs/contoso/history?from=2026-11-28&to=2026-11-28")
            #expect(history.body.contains(target) && history.body.contains("writer"))

            let bad = try await web.send(
                .POST,
                "/orgs/contoso/actions/PIMEnabled/status",
                form: [("csrf", csrf), ("status", "planned"), ("expiresAt", "2027-01-01")]
            )
            #expect(bad.status == .badRequest && bad.body.contains("expiresAt"), "exceptions only")
            let tagged = try await web.send(
                .POST,
                "/orgs/contoso/actions/PIMEnabled/tags",
                form: [("csrf", csrf), ("tag", "q1 <b>")]
            )
            #expect(tagged.status == .seeOther)
            let filtered = try await web.send(.GET, "/orgs/contoso/actions?tag=q1%20%3Cb%3E")
            #expect(filtered.body.contains(#"data-testid="action-count">1<"#) && filtered.body.contains("q1 &lt;b&gt;"))
            let csv = try await web.send(.GET, "/orgs/contoso/actions.csv?tag=q1%20%3Cb%3E")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.split(separator: "\n").count == 2 && csv.body.contains("PIMEnabled"))
            let completed = try await web.runtime.service.currentReport("contoso").actions.first {
                $0.status == .completed
            }
            if let completed {
                let locked = try await web.send(.GET, "/orgs/contoso/actions/\(completed.action.id)")
                #expect(locked.body.contains("the status is locked"))
            }
            let device = try await web.send(.GET, "/orgs/contoso/actions/scid_2016")
            #expect(device.body.contains("managed in"))
        }
    }

    /// The History page pages its changes and filters them by cause; the links keep the range.
    @Test func historyIsPagedAndFilteredByCause() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .securityReader])
            _ = try await web.signIn("reader", Self.password)
            func rows(_ body: String) -> Int { body.components(separatedBy: "<tr><td>").count - 1 }
            func total(_ body: String) throws -> Int {
                let marker = #"data-testid="taken-count">"#
                let start = try #require(body.range(of: marker)).upperBound
                return try #require(Int(body[start...].prefix { $0.isNumber }))
            }
            let range = "from=2026-08-01&to=2026-11-28"
            let first = try await web.send(.GET, "/orgs/contoso/history?\(range)").body
            let all = try total(first)
            #expect(all > ListPage.defaultSize && rows(first) == ListPage.defaultSize)
            #expect(first.contains("Showing 1–50 of \(all).") && first.contains(#"rel="next""#))
            #expect(first.contains("history?from=2026-08-01&amp;to=2026-11-28&amp;start=50"))
            let second = try await web.send(.GET, "/orgs/contoso/history?\(range)&start=50").body
            #expect(second.contains("Showing 51–") && second.contains(#"rel="prev""#) && rows(second) > 0)
            let last = try await web.send(.GET, "/orgs/contoso/history?\(range)&start=999999").body
            #expect(!last.contains(#"rel="next""#) && last.contains("of \(all)."))
            var byCause = 0
            for cause in ["status", "regressions", "gains"] {
                let page = try await web.send(.GET, "/orgs/contoso/history?\(range)&cause=\(cause)").body
                let count = try total(page)
                #expect(count > 0 && count < all, "\(cause)")
                #expect(page.contains(#"<strong aria-current="true">"#))
                byCause += count
            }
            #expect(byCause >= all, "every change is a status change, a loss or a gain")
            let regressions = try await web.send(.GET, "/orgs/contoso/history?\(range)&cause=regressions").body
            #expect(!regressions.contains("<td>+"), "no gains among the regressions")
        }
    }

    /// Metrics shows its trends first and the losses behind them after, a page at a time.
    @Test func metricsShowTrendsFirstAndPageTheLosses() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .securityReader])
            _ = try await web.signIn("reader", Self.password)
            let range = "from=2026-08-01&to=2026-11-28"
            let page = try await web.send(.GET, "/orgs/contoso/metrics?\(range)").body
            let headings = [
                "Regression trend", "Comparison trend", "Risk acceptance trend", "Score changes",
                "Points lost, action by action",
            ]
            let positions = try headings.map { try #require(page.range(of: $0)).lowerBound }
            #expect(positions == positions.sorted(), "the trends come before the table of losses")
            let marker = "Showing 1–"
            let shown = try #require(page.range(of: marker))
            let total = try #require(
                Int(page[page[shown.upperBound...].range(of: " of ")!.upperBound...].prefix { $0.isNumber })
            )
            let losses = page[positions[4]...]
            let rows = losses.components(separatedBy: "<tr><td>").count - 1
            #expect(total > ListPage.defaultSize && rows <= ListPage.defaultSize, "\(total) losses, \(rows) shown")
            #expect(page.contains("metrics?from=2026-08-01&amp;to=2026-11-28&amp;start=50#h-lost"))
            let second = try await web.send(.GET, "/orgs/contoso/metrics?\(range)&start=50").body
            #expect(second.contains("Showing 51–") && second.contains(#"rel="prev""#))
        }
    }

    @Test func historyShowsMicrosoftsOwnScoreOnceImported() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .securityReader])
            _ = try await web.signIn("reader", Self.password)
            let before = try await web.send(.GET, "/orgs/contoso/history").body
            #expect(!before.contains("Microsoft Secure Score"))

            let day = MicrosoftDailyScore(
                day: CivilDay("2026-11-20")!,
                createdAt: Date(iso8601: "2026-11-20T00:00:00Z")!,
                currentScore: 41.5,
                maxScore: 321,
                controls: [
                    MicrosoftControlScore(controlName: "<b>NotOurs</b>", score: 3),
                    MicrosoftControlScore(controlName: "OneAdmin", score: 0),
                ]
            )
            _ = try await web.runtime.service.importMicrosoftSecureScore(
                "contoso",
                scores: [day],
                profiles: [],
                actor: "test"
            )
            let page = try await web.send(.GET, "/orgs/contoso/history")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h2>Microsoft Secure Score</h2>"))
            #expect(page.body.contains("Microsoft counted 41.50 points"))
            #expect(page.body.contains(#"data-testid="reconciliation""#))
            #expect(page.body.contains("&lt;b&gt;NotOurs&lt;/b&gt;") && !page.body.contains("<b>NotOurs</b>"))
            #expect(page.body.contains("not in the Posture catalog"))
            // The chart gains Microsoft's line, in its legend and its data table.
            #expect(page.body.components(separatedBy: "Microsoft Secure Score").count >= 3)
            // A category view is about Posture's own points only.
            let identity = try await web.send(.GET, "/orgs/contoso/history?category=Identity").body
            #expect(!identity.contains("Microsoft counted") && identity.contains("Identity points per day"))
        }
    }

    @Test func longEntityListsShowTheFirstAndCountTheRest() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .securityReader])
            _ = try await web.signIn("reader", Self.password)
            let users = (0..<450).map { "user\($0)@contoso.example" }
            _ = try await web.runtime.service.recordMeasurements(
                "contoso",
                [
                    ActionMeasurement(
                        actionID: "MFARegistrationV2",
                        result: .counted(achieved: 420, total: 450),
                        achievedEntities: Array(users.prefix(420)),
                        totalEntities: users
                    )
                ],
                actor: "sensor"
            )
            let page = try await web.send(.GET, "/orgs/contoso/actions/MFARegistrationV2").body
            #expect(page.contains("Meeting it (420)") && page.contains("Not meeting it (30)"))
            #expect(page.contains("… and 220 more"))
            #expect(page.contains("user199@contoso.example") && !page.contains("user200@contoso.example"))
            #expect(page.contains("user449@contoso.example"), "the 30 missing are all listed")

            // Counts without the entities behind them say so, rather than listing none.
            _ = try await web.runtime.service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "scid_2004", result: .counted(achieved: 76, total: 106))],
                actor: "sensor"
            )
            let counted = try await web.send(.GET, "/orgs/contoso/actions/scid_2004").body
            #expect(counted.contains("76/106") && counted.contains("without listing which"))
            #expect(!counted.contains("Meeting it (0)") && !counted.contains("Not meeting it"))
        }
    }

    @Test func searchFilterAndGroupNarrowTheList() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .globalReader])
            _ = try await web.signIn("reader", Self.password)
            func count(_ path: String) async throws -> Int {
                let body = try await web.send(.GET, path).body
                let marker = #"data-testid="action-count">"#
                let start = try #require(body.range(of: marker)).upperBound
                return try #require(Int(body[start...].prefix { $0.isNumber }))
            }
            let all = try await count("/orgs/contoso/actions")
            let identity = try await count("/orgs/contoso/actions?category=Identity")
            let search = try await count("/orgs/contoso/actions?q=multifactor")
            let hidden = try await count("/orgs/contoso/actions?hidden=1")
            #expect(identity > 0 && identity < all && search > 0 && search < all)
            #expect(hidden > all, "risk-accepted actions are hidden unless asked for")
            let grouped = try await web.send(.GET, "/orgs/contoso/actions?group=category").body
            #expect(grouped.contains("<caption>Identity (") && grouped.contains("<caption>Data ("))
        }
    }

    /// A read-write role other than Global administrator grants and removes the read-only roles
    /// (the seed), and nothing more; a read-only role manages nobody.
    @Test func readWriteRolesGrantReadOnlyRoles() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("sec", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("boss", password: Self.password, roles: ["contoso": .globalAdministrator])
            try await web.addUser("viewer", password: Self.password, roles: ["contoso": .securityReader])
            let signedIn = try await web.signIn("sec", Self.password)
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(page.status == .ok, "\(signedIn.status) \(page.status) \(page.body.prefix(200))")
            #expect(page.body.contains("People and roles") && !page.body.contains("API clients"))
            #expect(page.body.contains(#"<option value="globalReader""#))
            #expect(!page.body.contains(#"<option value="securityAdministrator""#))
            let csrf = try WebHarness.csrf(page.body)
            let added = try await web.send(
                .POST,
                "/orgs/contoso/settings/people",
                form: [("csrf", csrf), ("username", "auditor"), ("role", "globalReader")]
            )
            #expect(added.status == .ok && added.body.contains(#"data-testid="member-password""#))
            #expect(try await web.runtime.identity.user("auditor").roles == ["contoso": .globalReader])
            for (path, form) in [
                ("members", [("username", "auditor"), ("role", "securityAdministrator")]),
                ("members", [("username", "boss"), ("role", "globalReader")]),
                ("members/revoke", [("username", "boss")]),
                ("people", [("username", "someone"), ("role", "exchangeAdministrator")]),
            ] {
                let refused = try await web.send(.POST, "/orgs/contoso/settings/\(path)", form: [("csrf", csrf)] + form)
                #expect(
                    refused.status == .badRequest && refused.body.contains("Global administrator"),
                    "\(path) \(form)"
                )
            }
            #expect(try await web.runtime.identity.user("boss").roles == ["contoso": .globalAdministrator])
            #expect(try await web.runtime.identity.user("auditor").roles == ["contoso": .globalReader])
            #expect((try? await web.runtime.identity.user("someone")) == nil)
            let removed = try await web.send(
                .POST,
                "/orgs/contoso/settings/members/revoke",
                form: [("csrf", csrf), ("username", "viewer")]
            )
            #expect(removed.status == .seeOther)
            #expect(try await web.runtime.identity.user("viewer").roles.isEmpty)

            try await web.addUser("reader", password: Self.password, roles: ["contoso": .globalReader])
            web.cookies.withLockedValue { $0 = [:] }
            _ = try await web.signIn("reader", Self.password)
            let readOnly = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(readOnly.body.contains("Score zones") && !readOnly.body.contains("People and roles"))
        }
    }

    @Test func settingsForWritersAndAdministrators() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("boss", password: Self.password, roles: ["contoso": .globalAdministrator])
            try await web.addUser("newbie", password: Self.password)
            _ = try await web.signIn("boss", Self.password)
            let page = try await web.send(.GET, "/orgs/contoso/settings")
            let csrf = try WebHarness.csrf(page.body)
            let zones = try await web.send(
                .POST,
                "/orgs/contoso/settings/zones",
                form: [
                    ("csrf", csrf), ("zone0", "bad"), ("from0", "0"), ("to0", "50"), ("zone1", "okay"), ("from1", "55"),
                    ("to1", "80"), ("zone2", "good"), ("from2", "80"), ("to2", "100"),
                ]
            )
            #expect(zones.status == .badRequest && zones.body.contains("must start where bad ends"))
            let fixed = try await web.send(
                .POST,
                "/orgs/contoso/settings/zones",
                form: [
                    ("csrf", csrf), ("zone0", "bad"), ("from0", "0"), ("to0", "50"), ("zone1", "okay"), ("from1", "50"),
                    ("to1", "80"), ("zone2", "good"), ("from2", "80"), ("to2", "100"),
                ]
            )
            #expect(fixed.status == .seeOther)
            #expect(try await web.runtime.service.zones("contoso").ranges[0].to == 50)
            let client = try await web.send(
                .POST,
                "/orgs/contoso/settings/clients",
                form: [("csrf", csrf), ("name", "sensor"), ("role", "securityAdministrator"), ("write", "1")]
            )
            #expect(client.status == .ok && client.body.contains(#"data-testid="client-secret""#))
            // An organization's administrator cannot find out who exists elsewhere: a person of
            // another organization and a name nobody has get the same answer, and neither is added.
            try await web.addUser("outsider", password: Self.password, roles: ["fabrikam": .securityReader])
            var answers: [String] = []
            for name in ["newbie", "outsider", "ghost"] {
                let refused = try await web.send(
                    .POST,
                    "/orgs/contoso/settings/members",
                    form: [("csrf", csrf), ("username", name), ("role", "securityReader")]
                )
                #expect(refused.status == .badRequest)
                let error = try #require(refused.body.range(of: #"<div class="error" role="alert">"#))
                let end = try #require(refused.body[error.lowerBound...].range(of: "</div>"))
                answers.append(
                    String(refused.body[error.lowerBound..<end.upperBound]).replacingOccurrences(of: name, with: "NAME")
                )
            }
            #expect(Set(answers).count == 1, "\(answers)")
            #expect(try await web.runtime.identity.user("outsider").roles == ["fabrikam": .securityReader])
            #expect(try await web.runtime.identity.user("newbie").roles.isEmpty)
            // New people are created here, with a one-time password shown once.
            let added = try await web.send(
                .POST,
                "/orgs/contoso/settings/people",
                form: [
                    ("csrf", csrf), ("username", "newcomer"), ("displayName", "New Comer"), ("role", "securityReader"),
                ]
            )
            #expect(added.status == .ok && added.body.contains(#"data-testid="member-password""#))
            #expect(try await web.runtime.identity.user("newcomer").roles == ["contoso": .securityReader])
            let changed = try await web.send(
                .POST,
                "/orgs/contoso/settings/members",
                form: [("csrf", csrf), ("username", "newcomer"), ("role", "securityAdministrator")]
            )
            #expect(changed.status == .seeOther)
            #expect(try await web.runtime.identity.user("newcomer").roles == ["contoso": .securityAdministrator])
            let taken = try await web.send(
                .POST,
                "/orgs/contoso/settings/people",
                form: [("csrf", csrf), ("username", "outsider"), ("role", "securityReader")]
            )
            #expect(taken.status == .badRequest)
            #expect(try await web.runtime.identity.user("outsider").roles == ["fabrikam": .securityReader])
            let comparison = try await web.send(
                .POST,
                "/orgs/contoso/settings/comparison",
                form: [("csrf", csrf), ("industry", "Manufacturing"), ("minSeats", "x")]
            )
            #expect(comparison.status == .badRequest && comparison.body.contains("whole number"))
            let metrics = try await web.send(.GET, "/orgs/contoso/metrics?from=2026-09-01&to=2026-11-28")
            #expect(metrics.body.contains("zone-") && metrics.body.contains("Regression trend"))
            let badRange = try await web.send(.GET, "/orgs/contoso/metrics?from=2026-11-28&to=2026-09-01")
            #expect(badRange.status == .badRequest && badRange.body.contains("From is after To"))
        }
    }

    @Test func peopleWithSeveralOrganizationsSwitchBetweenThem() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser(
                "msp",
                password: Self.password,
                roles: ["contoso": .securityAdministrator, "fabrikam": .globalReader]
            )
            _ = try await web.signIn("msp", Self.password)
            let overview = try await web.send(.GET, "/orgs/contoso")
            #expect(overview.body.contains(#"<select id="switch-org" name="org">"#))
            #expect(overview.body.contains(#"<option value="fabrikam">Fabrikam &lt;script&gt;"#))
            let switched = try await web.send(.GET, "/switch?org=fabrikam&tab=/history")
            #expect(switched.location == "/orgs/fabrikam/history")
            let history = try await web.send(.GET, try #require(switched.location))
            #expect(history.status == .ok && history.body.contains("your role: Global reader"))
            #expect(try await web.send(.GET, "/switch?org=fabrikam&tab=//evil").location == "/orgs/fabrikam")
            let home = try await web.send(.GET, "/?sort=percentage&dir=desc")
            #expect(home.body.contains(#"aria-sort="descending""#))
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyOrganizationPageHidesOtherOrganizations(database: TestDatabase) async throws {
        try await WebHarness.with(database: database) { web in
            try await web.addUser("owner", password: Self.password, roles: ["contoso": .globalAdministrator])
            _ = try await web.signIn("owner", Self.password)
            let csrf = try WebHarness.csrf(try await web.send(.GET, "/").body)
            var checked = 0
            // The dashboard's pages and forms; the API's routes are checked in PostureAPITests.
            for route in web.runtime.application.routes.all
            where route.path.first == .constant("orgs") && route.path.contains(.parameter("org")) {
                for id in ["fabrikam", "CONTOSO", "contoso2", UUID().uuidString] {
                    let path = RoutePaths.path(route, ["org": id, "action": "PIMEnabled"])
                    let response = try await web.send(
                        route.method,
                        path,
                        form: route.method == .POST ? [("csrf", csrf), ("tag", "t"), ("status", "planned")] : nil
                    )
                    #expect(
                        response.status == .notFound,
                        "\(route.method.rawValue) \(path) answered \(response.status)"
                    )
                    checked += 1
                }
            }
            #expect(checked >= 17 * 4, "every organization page and form was tried")
        }
    }

    @Test func instanceAdministratorsManagePeople() async throws {
        try await WebHarness.with(demo: true) { web in
            _ = try await web.runtime.identity.addUser(
                "root",
                instanceAdministrator: true,
                password: Self.password,
                actor: "t"
            )
            var root = try await web.runtime.identity.user("root")
            root.mustChangePassword = false
            try await web.runtime.identity.store.updateUser(root)
            try await web.addUser("plain", password: Self.password, roles: ["contoso": .globalAdministrator])

            _ = try await web.signIn("plain", Self.password)
            #expect(!(try await web.send(.GET, "/").body.contains(#"href="/people""#)))
            #expect(try await web.send(.GET, "/people").status == .forbidden, "only instance administrators")
            let csrfPlain = try WebHarness.csrf(try await web.send(.GET, "/").body)
            _ = try await web.send(.POST, "/signout", form: [("csrf", csrfPlain)])

            _ = try await web.signIn("root", Self.password)
            let page = try await web.send(.GET, "/people")
            #expect(
                page.status == .ok && page.body.contains("plain") && page.body.contains("contoso: Global administrator")
            )
            let csrf = try WebHarness.csrf(page.body)
            let added = try await web.send(
                .POST,
                "/people",
                form: [
                    ("csrf", csrf), ("username", "New.Person"), ("displayName", "<i>New</i>"), ("org", "contoso"),
                    ("role", "securityReader"),
                ]
            )
            #expect(added.status == .ok && added.body.contains(#"data-testid="one-time-password""#))
            #expect(added.body.contains("&lt;i&gt;New&lt;/i&gt;"))
            #expect(try await web.runtime.identity.user("new.person").roles == ["contoso": .securityReader])
            let duplicate = try await web.send(.POST, "/people", form: [("csrf", csrf), ("username", "plain")])
            #expect(duplicate.status == .badRequest && duplicate.body.contains("already exists"))
            let reset = try await web.send(.POST, "/people/reset", form: [("csrf", csrf), ("username", "plain")])
            #expect(reset.body.contains(#"data-testid="one-time-password""#))
            #expect(try await web.runtime.identity.user("plain").mustChangePassword)
            let yourself = try await web.send(.POST, "/people/remove", form: [("csrf", csrf), ("username", "root")])
            #expect(yourself.status == .badRequest)
            let removed = try await web.send(
                .POST,
                "/people/remove",
                form: [("csrf", csrf), ("username", "new.person")]
            )
            #expect(removed.location == "/people?removed=new.person")
            await #expect(throws: IdentityError.userNotFound("new.person")) {
                try await web.runtime.identity.user("new.person")
            }
        }
    }
}

extension DashboardTests {
    /// Past the switcher's limit a page lists no organization by name: it takes an id instead,
    /// so no page grows with the instance. The all-organizations page shows each one's stored score.
    @Test func aLargeInstanceSwitchesByIdAndListsStoredScores() async throws {
        try await WebHarness.with(demo: true) { web in
            let service = web.runtime.service
            for number in 0..<Layout.OrganizationNav.switcherLimit {
                try await service.createOrganization(
                    Organization(id: String(format: "bulk-%03d", number), displayName: "Bulk \(number)"),
                    actor: "test"
                )
            }
            try await service.recordMeasurements(
                "bulk-007",
                [ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(true))],
                actor: "sensor"
            )
            _ = try await web.runtime.identity.addUser(
                "root",
                instanceAdministrator: true,
                password: Self.password,
                actor: "test"
            )
            var root = try await web.runtime.identity.user("root")
            root.mustChangePassword = false
            try await web.runtime.identity.store.updateUser(root)
            _ = try await web.signIn("root", Self.password)
            let overview = try await web.send(.GET, "/orgs/contoso")
            #expect(overview.status == .ok)
            #expect(overview.body.contains(#"<input id="switch-org" name="org""#))
            #expect(!overview.body.contains("Bulk 12"), "no organization is listed by name")
            let all = try await web.send(.GET, "/")
            let bulk = try await service.currentReport("bulk-007")
            #expect(all.body.contains("Bulk 7") && all.body.contains(ScoreFormat.points(bulk.currentScore)))

            // 52 organizations: a page of 50, the rest on the next, searched on the server.
            func rows(_ body: String) -> Int { body.components(separatedBy: "<tr><td>").count - 1 }
            let total = Layout.OrganizationNav.switcherLimit + 2
            #expect(rows(all.body) == ListPage.defaultSize && all.body.contains("1–50 of \(total)"))
            #expect(all.body.contains(#"href="/?sort=name&amp;dir=asc&amp;start=50" rel="next""#))
            let rest = try await web.send(.GET, "/?sort=name&dir=asc&start=50").body
            #expect(rows(rest) == total - ListPage.defaultSize && rest.contains(#"rel="prev""#))
            let found = try await web.send(.GET, "/?q=BULK-00").body
            #expect(rows(found) == 10 && found.contains("1–10 of 10") && !found.contains("Contoso"))
            #expect(found.contains(#"href="/?q=BULK-00&amp;sort=percentage&amp;dir=desc""#), "sorting keeps the search")
            let none = try await web.send(.GET, "/?q=%3Cb%3Ezz").body
            #expect(none.contains("No organization matches “&lt;b&gt;zz”."))
            let hostile = try await web.send(.GET, "/?q=%3Cscript%3E").body
            #expect(hostile.contains("1–1 of 1") && hostile.contains(#"value="&lt;script&gt;""#))
        }
    }
}
