import Foundation
import PostureApp
import PostureCore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// The dashboard's report: the page built for print with the numbers of the overview, its data
/// as CSV and JSON, every piece of text escaped, any reader may open it, and a bad range says why.
@Suite struct ReportPageTests {
    @Test func theReportShowsTheOverviewsNumbersForPrint() async throws {
        try await WebHarness.with(demo: true, peers: 6) { web in
            try await web.addUser("rita", password: "a long reader passphrase", roles: ["contoso": .securityReader])
            _ = try await web.signIn("rita", "a long reader passphrase")
            let overview = try await web.send(.GET, "/orgs/contoso")
            #expect(overview.body.contains(#"href="/orgs/contoso/report""#), "the overview offers it")
            let current = try await web.runtime.service.currentReport("contoso")

            let page = try await web.send(.GET, "/orgs/contoso/report?from=2026-09-01&to=2026-11-28")
            #expect(page.status == .ok, "a reader reads reports")
            #expect(page.body.contains(#"<link rel="stylesheet" href="/assets/report-a4.css">"#))
            #expect(page.body.contains(ScoreFormat.percentage(current.percentage)))
            for action in current.rankedActions.prefix(10) {
                #expect(page.body.contains(HTML.escape(action.action.title)))
            }
            #expect(page.body.contains("2026-09-01 to 2026-11-28"))
            #expect(page.body.contains("Organizations with"), "six peers: the comparison is shown")
            #expect(page.body.contains(#"<nav class="screen-only">"#) && page.body.contains("paper=letter"))

            let a4 = try await web.send(.GET, "/assets/report-a4.css")
            #expect(a4.body.contains("size: A4") && a4.body.contains("counter(page)"))
            #expect(try await web.send(.GET, "/assets/report-letter.css").body.contains("size: letter"))

            let csv = try await web.send(.GET, "/orgs/contoso/report.csv?from=2026-11-01&to=2026-11-28")
            let rows = csv.body.split(separator: "\n")
            #expect(rows.first == "section,id,name,value,detail")
            #expect(rows.filter { $0.hasPrefix("history,") }.count == 28)
            let json = try await web.send(.GET, "/orgs/contoso/report.json")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
            let score = try #require(object["score"] as? [String: Any])
            #expect(abs((score["percentage"] as? Double ?? -1) - current.percentage) < 1e-9)

            let bad = try await web.send(.GET, "/orgs/contoso/report?from=2026-12-01&to=2026-11-01")
            #expect(bad.status == .badRequest && bad.body.contains("from before to"))
            let other = try await web.send(.GET, "/orgs/fabrikam/report")
            #expect(other.status == .notFound, "no role there")
        }
    }

    @Test func instanceAdministratorsReadTheReportOfAllOrganizations() async throws {
        try await WebHarness.with { web in
            try await web.addUser("ada", password: "an administrator passphrase", instanceAdministrator: true)
            try await web.addUser("rita", password: "a long reader passphrase", roles: ["contoso": .securityReader])
            _ = try await web.signIn("ada", "an administrator passphrase")
            #expect(try await web.send(.GET, "/").body.contains(#"href="/reports/organizations""#))
            let page = try await web.send(.GET, "/reports/organizations?sort=name&order=desc")
            #expect(page.status == .ok)
            let fabrikam = try #require(page.body.range(of: "Fabrikam &lt;script&gt;"))
            let contoso = try #require(page.body.range(of: "<td>Contoso</td>"))
            #expect(fabrikam.lowerBound < contoso.lowerBound, "names descending")
            #expect(!page.body.contains("<script>alert(1)</script>"))
            let csv = try await web.send(.GET, "/reports/organizations.csv")
            #expect(csv.body.split(separator: "\n").count == 3, "a header and two organizations")

            web.cookies.withLockedValue { $0 = [:] }
            _ = try await web.signIn("rita", "a long reader passphrase")
            #expect(try await web.send(.GET, "/reports/organizations").status == .forbidden)
            #expect(!(try await web.send(.GET, "/").body.contains("/reports/organizations")))
        }
    }

    @Test func textInTheReportIsEscapedAndAThinCohortIsHidden() async throws {
        try await WebHarness.with { web in
            try await web.addUser("ada", password: "an administrator passphrase", instanceAdministrator: true)
            _ = try await web.signIn("ada", "an administrator passphrase")
            let page = try await web.send(.GET, "/orgs/fabrikam/report")
            #expect(page.status == .ok)
            #expect(!page.body.contains("<script>alert(1)</script>"))
            #expect(page.body.contains("Fabrikam &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.body.contains(Comparisons.notEnough), "no peers: no comparison line")
        }
    }
}
