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

    /// Every page from fixed view models. `t` is applied to every piece of text in them: the
    /// identity for the snapshots, hostile text in front of each for ``everyFieldIsEscaped()``.
    static func pages(_ t: (String) -> String = { $0 }) -> [(String, String)] {
        let detail = ActionDetailView(
            id: t("AdminMFAV2"),
            title: t("Require MFA for administrative roles"),
            category: t("Identity"),
            product: t("Microsoft Entra ID"),
            threats: [t("Account Breach")],
            tier: t("Core"),
            description: t("Admins sign in with a second factor."),
            userImpact: t("Admins are prompted."),
            usersAffected: t("Administrators"),
            licences: [t("Entra ID P1")],
            prerequisiteActions: [],
            steps: [t("Open Conditional Access"), t("Create the policy")],
            learnMore: [(t("Docs"), t("https://learn.microsoft.com/?a=1&b=2"))],
            manageURL: t("https://entra.microsoft.com/"),
            shareURL: t("http://127.0.0.1:8080/orgs/contoso/actions/AdminMFAV2"),
            points: t("0.50"),
            maxScore: t("10.00"),
            explanation: t("5/100 admins × 10.00 = 0.50"),
            status: t("planned"),
            statusLabel: t("Planned"),
            note: hostile,
            owner: t("iam@contoso.example"),
            expiresAt: t(""),
            targetDate: t("2026-12-15"),
            achievedEntities: [t("a@contoso.example")],
            missingEntities: [t("b@contoso.example"), hostile],
            entityReport: .listed,
            excluded: [t("breakglass@contoso.example: emergency access")],
            lockedReason: t("Your role (Security reader) is read-only here: statuses and notes cannot be changed."),
            canEditTags: true,
            tags: [t("q1"), hostile],
            statusChoices: [(t("toAddress"), t("To address")), (t("planned"), t("Planned"))],
            history: [.init(day: t("2026-11-28"), points: t("0.50"), status: t("Planned"))],
            changes: [t("2026-11-28: To address → Planned (ana)")],
            share: ShareOptions(
                canShare: true,
                canEmail: true,
                channels: [.init(id: t("ch_1"), label: hostile)],
                shared: [.init(when: t("2026-11-28 12:00 UTC"), by: hostile, target: hostile, state: t("delivered"))],
                tickets: [Self.ticket(hostile)]
            ),
            message: t("Status saved."),
            errors: [t("expiresAt: only exceptions expire")],
            csrfToken: t("csrf-token")
        )
        let row = ActionsView.Row(
            id: t("AdminMFAV2"),
            title: t("Require MFA for administrative roles"),
            points: t("0.50"),
            maxScore: t("10.00"),
            status: t("Planned"),
            category: t("Identity"),
            product: t("Microsoft Entra ID"),
            rank: 1,
            lastMeasured: t("no data"),
            tags: [hostile]
        )
        let actions = ActionsView(
            signedIn: signedIn,
            nav: nav(.actions),
            filters: .init(
                query: hostile,
                selected: [t("category"): t("Identity")],
                choices: [
                    (t("category"), t("Category"), [t("Identity"), t("Data")]), (t("tag"), t("Tag"), [hostile]),
                ],
                group: t("status"),
                includeHidden: true
            ),
            groups: [.init(name: t("Planned"), rows: [row])],
            total: 1,
            csvURL: t("/orgs/contoso/actions.csv?category=Identity"),
            detail: detail
        )
        return [
            (
                "signin",
                SignInView(
                    username: hostile,
                    csrfToken: t("csrf-token"),
                    next: t("/orgs/contoso"),
                    error: t("Wrong user name or password.")
                ).render()
            ),
            (
                "password",
                PasswordView(
                    signedIn: signedIn,
                    mustChange: true,
                    errors: [t("The new password must be at least 12 characters long.")]
                ).render()
            ),
            (
                "organizations",
                OrganizationsView(
                    signedIn: signedIn,
                    rows: [
                        .init(
                            id: t("contoso"),
                            name: hostile,
                            role: t("Global reader"),
                            score: 349.4,
                            maxScore: 624,
                            percentage: 55.99,
                            zone: t("okay"),
                            change30: 3.25,
                            openRegressions: 2,
                            connection: t("stale"),
                            writable: true
                        ),
                        .init(
                            id: t("fabrikam"),
                            name: t("Fabrikam"),
                            role: t("Security reader"),
                            score: 10,
                            maxScore: 600,
                            percentage: 1.67,
                            zone: t("bad"),
                            change30: nil,
                            openRegressions: 0
                        ),
                    ],
                    sort: .percentage,
                    descending: true,
                    search: hostile,
                    connection: .stale,
                    page: ListPage(offset: 50, size: 50, total: 52),
                    bulk: .init(
                        actions: [.init(value: t("AdminMFAV2"), label: t("Require MFA ") + hostile)],
                        statuses: [.init(value: t("riskAccepted"), label: t("Risk accepted"))]
                    ),
                    message: t("Risk accepted set for “\(hostile)” in 1 organization."),
                    errors: [t("fabrikam: not changed, ") + hostile]
                ).render()
            ),
            (
                "overview",
                OverviewView(
                    signedIn: signedIn,
                    nav: nav(.overview),
                    score: t("349.40"),
                    maxScore: t("624.00"),
                    percentage: t("55.99%"),
                    zone: t("okay"),
                    verifiedScore: t("345.40"),
                    claimedScore: t("4.00"),
                    categories: [.init(name: t("Identity"), score: t("100.00"), maxScore: t("200.00"), percentage: 50)],
                    chart: chart,
                    comparisonNotice: t("Seat band 101-500: not enough organizations to compare (fewer than 5)."),
                    topActions: [
                        .init(
                            id: t("AdminMFAV2"),
                            title: hostile,
                            category: t("Identity"),
                            remaining: t("9.50"),
                            rank: 1
                        )
                    ],
                    changes: [
                        .init(
                            when: t("2026-11-28T06:00:00Z"),
                            actionID: t("AdminMFAV2"),
                            detail: hostile,
                            actor: t("ana")
                        )
                    ],
                    collection: .init(
                        stale: true,
                        lastSuccess: t("at 2026-11-27 18:00 UTC"),
                        problem: hostile,
                        nextRun: t("at 2026-11-28 12:05 UTC"),
                        settingsLink: t("/orgs/contoso/settings#connection")
                    ),
                    tickets: [Self.ticket(hostile)]
                ).render()
            ),
            (t("actions"), actions.render()),
            (
                "history",
                HistoryView(
                    signedIn: signedIn,
                    nav: nav(.history),
                    range: RangeForm(
                        action: t("/orgs/contoso/history"),
                        from: t("2026-11-26"),
                        to: t("2026-11-28"),
                        category: t("Identity"),
                        categories: [t("Identity"), t("Data")],
                        error: nil
                    ),
                    chart: chart,
                    microsoft: .init(
                        day: t("2026-11-27"),
                        microsoftScore: t("41.50"),
                        postureScore: t("45.00"),
                        agreeing: 12,
                        rows: [
                            .init(
                                actionID: t("AdminMFAV2"),
                                inCatalog: true,
                                microsoft: t("6.67 / 10.00"),
                                posture: t("0.50 / 10.00"),
                                difference: t("-6.17"),
                                reason: t("different counts: Microsoft 2/3, Posture 1/20")
                            ),
                            .init(
                                actionID: hostile,
                                inCatalog: false,
                                microsoft: t("3.00"),
                                posture: t("–"),
                                difference: t("–"),
                                reason: t("not in the Posture catalog")
                            ),
                        ]
                    ),
                    taken: [
                        .init(
                            when: t("2026-11-27T06:00:00Z"),
                            actionID: t("AdminMFAV2"),
                            category: t("Identity"),
                            change: hostile,
                            resultingPoints: t("0.50"),
                            actor: t("sensor"),
                            cause: t("2 admins lost it: a, b")
                        )
                    ],
                    filter: .regressions,
                    // The second page of 120, so both paging links show.
                    page: ListPage(offset: 50, total: 120),
                    query: [.init(name: t("from"), value: t("2026-11-26")), .init(name: t("category"), value: hostile)]
                ).render()
            ),
            (
                "metrics",
                MetricsView(
                    signedIn: signedIn,
                    nav: nav(.metrics),
                    range: RangeForm(
                        action: t("/orgs/contoso/metrics"),
                        from: t("2026-11-26"),
                        to: t("2026-11-28"),
                        error: t("From is after To; showing the last 90 days.")
                    ),
                    percentage: t("55.99%"),
                    zone: t("okay"),
                    zones: [
                        (t("bad"), t("0"), t("40")), (t("okay"), t("40"), t("70")), (t("good"), t("70"), t("100")),
                    ],
                    regressionChart: bars,
                    regressions: [
                        .init(
                            day: t("2026-11-27"),
                            actionID: t("AdminMFAV2"),
                            title: hostile,
                            pointsLost: t("1.50"),
                            cause: t("2 admins lost it: a, b")
                        )
                    ],
                    comparisonChart: chart,
                    comparisonNotices: [t("Custom comparison: not enough organizations to compare.")],
                    riskChart: bars,
                    pointsGained: t("+3.00"),
                    pointsRegressed: t("−1.50"),
                    netChange: t("+1.50"),
                    regressionPage: ListPage(offset: 50, total: 75),
                    query: t("from=2026-11-26&to=2026-11-28")
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
                    zones: [
                        (t("bad"), t("0"), t("40")), (t("okay"), t("40"), t("70")), (t("good"), t("70"), t("100")),
                    ],
                    industry: hostile,
                    region: t("EU"),
                    minSeats: t("100"),
                    maxSeats: t(""),
                    clients: [
                        .init(
                            id: t("pc_1"),
                            name: hostile,
                            role: t("Security reader"),
                            scopes: t("SecurityEvents.Read.All"),
                            revoked: false
                        )
                    ],
                    members: [
                        .init(
                            username: t("ana"),
                            displayName: hostile,
                            role: t("Global administrator"),
                            removable: true
                        )
                    ],
                    roles: [(t("securityReader"), t("Security reader"))],
                    grantableRoles: [(t("securityReader"), t("Security reader"))],
                    newSecret: (t("pc_1"), t("s3cret")),
                    connection: ConnectionSection(
                        current: .init(
                            tenantID: t("contoso.onmicrosoft.com"),
                            clientID: t("11111111-2222-3333-4444-555555555555"),
                            credential: t("client secret"),
                            cloudID: t("gcc-high"),
                            cloud: t("GCC High"),
                            sourceIDs: [t("entra-id"), t("secure-score")],
                            sources: [t("Entra ID"), t("Microsoft Secure Score")],
                            loginURL: t("https://login.microsoftonline.us"),
                            graphURL: t("https://graph.microsoft.us"),
                            exchangeURL: t("https://outlook.office365.us"),
                            defenderURL: t("https://api-gov.securitycenter.microsoft.us"),
                            rotatedAt: t("2026-11-28 12:00 UTC"),
                            collection: .init(
                                intervalMinutes: 90,
                                interval: t("every 90 minutes"),
                                health: t("failing"),
                                healthText: t("failing: 2 attempts in a row, retrying"),
                                running: true,
                                lastSuccess: t("2026-11-28 06:00 UTC"),
                                lastAttempt: t("2026-11-28 11:55 UTC"),
                                nextRun: t("2026-11-28 12:05 UTC"),
                                duration: t("4.2 s"),
                                problem: t("cannot get a Graph token: AADSTS7000215"),
                                resources: t("16 resources, 3 measurements newer than stored"),
                                failed: [(t("sharepointSettings"), t("HTTP 403: Insufficient privileges"))]
                            ),
                            consent: .init(
                                url: t(
                                    "https://login.microsoftonline.us/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=2222&state=contoso~ab"
                                ),
                                grantedAt: nil
                            )
                        ),
                        instanceApp: t("22222222-3333-4444-5555-666666666666"),
                        clouds: [(t("commercial"), t("Commercial")), (t("gcc-high"), t("GCC High"))],
                        sources: [(t("entra-id"), t("Entra ID")), (t("secure-score"), t("Microsoft Secure Score"))],
                        test: (
                            t("signed in; grant SecurityEvents.Read.All"), false,
                            [
                                .init(
                                    source: t("Microsoft Secure Score"),
                                    resource: t("secureScores"),
                                    permission: t("SecurityEvents.Read.All"),
                                    result: t("missing SecurityEvents.Read.All"),
                                    code: t("missing")
                                )
                            ]
                        )
                    ),
                    channels: ChannelSection(
                        channels: [
                            .init(
                                id: t("ep_1"),
                                kind: t("Webhook"),
                                name: hostile,
                                target: hostile,
                                events: t("score.dropped"),
                                state: t("off: the receiver answered 410 Gone")
                            ),
                            .init(
                                id: t("ch_2"),
                                kind: t("E-mail"),
                                name: t("Security team"),
                                target: t("secops@contoso.example via smtp.contoso.example:587"),
                                events: t("action.regressed"),
                                state: t("enabled")
                            ),
                        ],
                        deliveries: [
                            .init(
                                created: t("2026-11-28 12:00 UTC"),
                                event: t("webhook.test"),
                                state: t("pending"),
                                attempts: 1,
                                last: hostile,
                                channelID: t("ep_1")
                            )
                        ],
                        events: [t("score.dropped"), t("action.regressed")],
                        canWrite: true,
                        newSecret: (t("ep_1"), t("whsec_c2VjcmV0"))
                    ),
                    alerts: AlertSection(
                        scoreDrop: true,
                        dropPercentagePoints: hostile,
                        dropPoints: t("10"),
                        regressions: true,
                        exceptions: false,
                        exceptionDays: t("14"),
                        floor: false,
                        floorPercent: t("50"),
                        connections: true,
                        canWrite: true
                    ),
                    digest: DigestSection(email: hostile, hasEmailChannel: true),
                    reports: ReportScheduleSection(
                        rows: [
                            .init(
                                id: t("rpt_1"),
                                cadence: t("Month"),
                                recipients: hostile,
                                paper: t("A4"),
                                next: t("November 2026, from 2026-12-01 07:00 UTC"),
                                lastSent: t("not yet"),
                                createdBy: hostile
                            )
                        ],
                        canWrite: true,
                        hasEmailChannel: true
                    ),
                    message: t("Client created."),
                    errors: []
                ).render()
            ),
            (t("error"), ErrorView(title: t("Not found"), message: hostile, signedIn: signedIn).render()),
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
            #expect(!MarkupChecks.hasRawSpecial(html, allowTags: true), "\(name): a raw quote before a combining mark")
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

    /// Every piece of text in every page's model starts with hostile text: the pages carry no
    /// raw markup from it, and every text that is shown appears escaped.
    @Test func everyFieldIsEscaped() {
        let shown = TextCounter()
        let pages = Self.pages { text in
            shown.increment()
            return Self.hostile + text
        }
        #expect(shown.value > 100, "the models are built from many texts")
        for (name, html) in pages {
            let scalars = Array(html.unicodeScalars)
            for raw in ["<script>", "\"\u{301}", "'\u{301}", "<\u{338}", "&\u{301}"] {
                let needle = Array(raw.unicodeScalars)
                let found = scalars.indices.contains { start in
                    start + needle.count <= scalars.count && Array(scalars[start..<(start + needle.count)]) == needle
                }
                #expect(!found, "\(name) lets \(raw.debugDescription) through unescaped")
            }
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "\(name) shows the text")
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
    static func ticket(_ hostile: String) -> TicketRow {
        TicketRow(
            number: "INC0010001",
            url: "https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=a1",
            actionID: "AdminMFAV2",
            actionTitle: hostile,
            state: hostile,
            updated: "2026-11-28 12:00 UTC"
        )
    }
}

/// Counts the texts a page model is built from.
final class TextCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
