import Foundation
import PostureCore
import Testing

@testable import PostureWeb

/// Every page rendered from a fixed view model and compared with its snapshot in `Snapshots/`.
/// Set POSTURE_RECORD_GOLDEN=1 to rewrite them after an intended change. The view models carry
/// hostile user text, so the snapshots also show that it comes out escaped.
@Suite struct PageSnapshotTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots"
    )
    static let signedIn = Layout.SignedIn(displayName: "Ana <Admin>", csrfToken: "csrf-token")
    /// Combining marks after `"`, `'`, `<` and `&` make graphemes that are none of those characters;
    /// escaping must still catch them.
    static let hostile = "<script>alert(\"x\")</script> & 'quotes' \"\u{301} '\u{301} <\u{338} &\u{301}"

    static func nav(_ tab: Layout.OrganizationNav.Tab) -> Layout.OrganizationNav {
        Layout.OrganizationNav(
            id: "contoso",
            name: "Contoso " + hostile,
            role: "Security administrator",
            current: tab,
            others: [("contoso", "Contoso"), ("fabrikam", "Fabrikam <b>")]
        )
    }

    static let chart = LineChart(
        id: "trend",
        title: "Score over 3 days",
        days: [CivilDay("2026-11-26")!, CivilDay("2026-11-27")!, CivilDay("2026-11-28")!],
        series: [
            .init(name: "Your score (%)", values: [40, 42.5, 45], style: .primary),
            .init(name: "101-500 seats (average %)", values: [nil, 50, 51], style: .comparison),
        ],
        maxY: 100,
        unit: "%"
    )

    static let bars = BarChart(
        id: "bars",
        title: "Points regressed per day",
        labels: ["2026-11-26", "2026-11-27"],
        values: [0, 1.5],
        valueName: "Points lost"
    )

    static func pages() -> [(String, String)] {
        let detail = ActionDetailView(
            id: "AdminMFAV2",
            title: "Require MFA for administrative roles",
            category: "Identity",
            product: "Microsoft Entra ID",
            threats: ["Account Breach"],
            tier: "Core",
            description: "Admins sign in with a second factor.",
            userImpact: "Admins are prompted.",
            usersAffected: "Administrators",
            licences: ["Entra ID P1"],
            prerequisiteActions: [],
            steps: ["Open Conditional Access", "Create the policy"],
            learnMore: [("Docs", "https://learn.microsoft.com/?a=1&b=2")],
            manageURL: "https://entra.microsoft.com/",
            shareURL: "http://127.0.0.1:8080/orgs/contoso/actions/AdminMFAV2",
            points: "0.50",
            maxScore: "10.00",
            explanation: "5/100 admins × 10.00 = 0.50",
            status: "planned",
            statusLabel: "Planned",
            note: hostile,
            owner: "iam@contoso.example",
            expiresAt: "",
            targetDate: "2026-12-15",
            achievedEntities: ["a@contoso.example"],
            missingEntities: ["b@contoso.example", hostile],
            entityReport: .listed,
            excluded: ["breakglass@contoso.example: emergency access"],
            lockedReason: "Your role (Security reader) is read-only here: statuses and notes cannot be changed.",
            canEditTags: true,
            tags: ["q1", hostile],
            statusChoices: [("toAddress", "To address"), ("planned", "Planned")],
            history: [.init(day: "2026-11-28", points: "0.50", status: "Planned")],
            changes: ["2026-11-28: To address → Planned (ana)"],
            message: "Status saved.",
            errors: ["expiresAt: only exceptions expire"],
            csrfToken: "csrf-token"
        )
        let row = ActionsView.Row(
            id: "AdminMFAV2",
            title: "Require MFA for administrative roles",
            points: "0.50",
            maxScore: "10.00",
            status: "Planned",
            category: "Identity",
            product: "Microsoft Entra ID",
            rank: 1,
            lastMeasured: "no data",
            tags: [hostile]
        )
        let actions = ActionsView(
            signedIn: signedIn,
            nav: nav(.actions),
            filters: .init(
                query: hostile,
                selected: ["category": "Identity"],
                choices: [("category", "Category", ["Identity", "Data"]), ("tag", "Tag", [hostile])],
                group: "status",
                includeHidden: true
            ),
            groups: [.init(name: "Planned", rows: [row])],
            total: 1,
            csvURL: "/orgs/contoso/actions.csv?category=Identity",
            detail: detail
        )
        return [
            (
                "signin",
                SignInView(
                    username: hostile,
                    csrfToken: "csrf-token",
                    next: "/orgs/contoso",
                    error: "Wrong user name or password."
                ).render()
            ),
            (
                "password",
                PasswordView(
                    signedIn: signedIn,
                    mustChange: true,
                    errors: ["The new password must be at least 12 characters long."]
                ).render()
            ),
            (
                "organizations",
                OrganizationsView(
                    signedIn: signedIn,
                    rows: [
                        .init(
                            id: "contoso",
                            name: hostile,
                            role: "Global reader",
                            score: 349.4,
                            maxScore: 624,
                            percentage: 55.99,
                            zone: "okay",
                            change30: 3.25,
                            openRegressions: 2,
                            writable: true
                        ),
                        .init(
                            id: "fabrikam",
                            name: "Fabrikam",
                            role: "Security reader",
                            score: 10,
                            maxScore: 600,
                            percentage: 1.67,
                            zone: "bad",
                            change30: nil,
                            openRegressions: 0
                        ),
                    ],
                    sort: .percentage,
                    descending: true,
                    search: hostile,
                    page: ListPage(offset: 50, size: 50, total: 52),
                    bulk: .init(
                        actions: [.init(value: "AdminMFAV2", label: "Require MFA " + hostile)],
                        statuses: [.init(value: "riskAccepted", label: "Risk accepted")]
                    ),
                    message: "Risk accepted set for “\(hostile)” in 1 organization.",
                    errors: ["fabrikam: not changed, " + hostile]
                ).render()
            ),
            (
                "overview",
                OverviewView(
                    signedIn: signedIn,
                    nav: nav(.overview),
                    score: "349.40",
                    maxScore: "624.00",
                    percentage: "55.99%",
                    zone: "okay",
                    verifiedScore: "345.40",
                    claimedScore: "4.00",
                    categories: [.init(name: "Identity", score: "100.00", maxScore: "200.00", percentage: 50)],
                    chart: chart,
                    comparisonNotice: "Seat band 101-500: not enough organizations to compare (fewer than 5).",
                    topActions: [
                        .init(id: "AdminMFAV2", title: hostile, category: "Identity", remaining: "9.50", rank: 1)
                    ],
                    changes: [
                        .init(when: "2026-11-28T06:00:00Z", actionID: "AdminMFAV2", detail: hostile, actor: "ana")
                    ]
                ).render()
            ),
            ("actions", actions.render()),
            (
                "history",
                HistoryView(
                    signedIn: signedIn,
                    nav: nav(.history),
                    range: RangeForm(
                        action: "/orgs/contoso/history",
                        from: "2026-11-26",
                        to: "2026-11-28",
                        category: "Identity",
                        categories: ["Identity", "Data"],
                        error: nil
                    ),
                    chart: chart,
                    microsoft: .init(
                        day: "2026-11-27",
                        microsoftScore: "41.50",
                        postureScore: "45.00",
                        agreeing: 12,
                        rows: [
                            .init(
                                actionID: "AdminMFAV2",
                                inCatalog: true,
                                microsoft: "6.67 / 10.00",
                                posture: "0.50 / 10.00",
                                difference: "-6.17",
                                reason: "different counts: Microsoft 2/3, Posture 1/20"
                            ),
                            .init(
                                actionID: hostile,
                                inCatalog: false,
                                microsoft: "3.00",
                                posture: "–",
                                difference: "–",
                                reason: "not in the Posture catalog"
                            ),
                        ]
                    ),
                    taken: [
                        .init(
                            when: "2026-11-27T06:00:00Z",
                            actionID: "AdminMFAV2",
                            category: "Identity",
                            change: hostile,
                            resultingPoints: "0.50",
                            actor: "sensor",
                            cause: "2 admins lost it: a, b"
                        )
                    ],
                    filter: .regressions,
                    // The second page of 120, so both paging links show.
                    page: ListPage(offset: 50, total: 120),
                    query: [.init(name: "from", value: "2026-11-26"), .init(name: "category", value: hostile)]
                ).render()
            ),
            (
                "metrics",
                MetricsView(
                    signedIn: signedIn,
                    nav: nav(.metrics),
                    range: RangeForm(
                        action: "/orgs/contoso/metrics",
                        from: "2026-11-26",
                        to: "2026-11-28",
                        error: "From is after To; showing the last 90 days."
                    ),
                    percentage: "55.99%",
                    zone: "okay",
                    zones: [("bad", "0", "40"), ("okay", "40", "70"), ("good", "70", "100")],
                    regressionChart: bars,
                    regressions: [
                        .init(
                            day: "2026-11-27",
                            actionID: "AdminMFAV2",
                            title: hostile,
                            pointsLost: "1.50",
                            cause: "2 admins lost it: a, b"
                        )
                    ],
                    comparisonChart: chart,
                    comparisonNotices: ["Custom comparison: not enough organizations to compare."],
                    riskChart: bars,
                    pointsGained: "+3.00",
                    pointsRegressed: "−1.50",
                    netChange: "+1.50",
                    regressionPage: ListPage(offset: 50, total: 75),
                    query: "from=2026-11-26&to=2026-11-28"
                ).render()
            ),
            (
                "settings",
                SettingsView(
                    signedIn: signedIn,
                    nav: nav(.settings),
                    lockedReason: nil,
                    canManageAccess: true,
                    canManageMembers: true,
                    zones: [("bad", "0", "40"), ("okay", "40", "70"), ("good", "70", "100")],
                    industry: hostile,
                    region: "EU",
                    minSeats: "100",
                    maxSeats: "",
                    clients: [
                        .init(
                            id: "pc_1",
                            name: hostile,
                            role: "Security reader",
                            scopes: "SecurityEvents.Read.All",
                            revoked: false
                        )
                    ],
                    members: [
                        .init(username: "ana", displayName: hostile, role: "Global administrator", removable: true)
                    ],
                    roles: [("securityReader", "Security reader")],
                    grantableRoles: [("securityReader", "Security reader")],
                    newSecret: ("pc_1", "s3cret"),
                    message: "Client created.",
                    errors: []
                ).render()
            ),
            ("error", ErrorView(title: "Not found", message: hostile, signedIn: signedIn).render()),
        ]
    }

    @Test func everyPageMatchesItsSnapshotAndEscapesUserText() throws {
        let record = ProcessInfo.processInfo.environment["POSTURE_RECORD_GOLDEN"] == "1"
        for (name, html) in Self.pages() {
            #expect(!html.contains("<script>alert"), "\(name) lets user text through unescaped")
            // The password page carries no user text but the signed-in name.
            let escaped =
                name == "password"
                ? "Ana &lt;Admin&gt;" : "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"
            #expect(html.contains(escaped), "\(name)")
            #expect(!HTMLTests.hasRawSpecial(html, allowTags: true), "\(name): a raw quote before a combining mark")
            let file = Self.directory.appendingPathComponent("\(name).html")
            if record {
                try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
                try html.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(html == expected, "\(name).html differs; rerun with POSTURE_RECORD_GOLDEN=1 if intended")
        }
    }

    @Test func chartsReadWithoutColourOrPictures() {
        let svg = Self.chart.render().markup
        #expect(svg.contains(#"role="img""#) && svg.contains("<title id=\"trend-title\">Score over 3 days</title>"))
        #expect(svg.contains("Your score (%) from 40.00% to 45.00%; 101-500 seats (average %) from 50.00% to 51.00%"))
        #expect(svg.contains(#"stroke-dasharray="6 4""#), "the comparison line is dashed, not only coloured")
        #expect(svg.contains("<td class=\"number\">–</td>"), "a gap in the data table where a value is missing")
        #expect(Self.bars.render().markup.contains("<title>2026-11-27: 1.50</title>"))
    }
}
