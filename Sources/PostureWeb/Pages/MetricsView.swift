import PostureCore

/// The Metrics & trends page: zone, regression, comparison and risk-acceptance trends and score
/// changes over one date range, then the regressions behind them a page at a time.
public struct MetricsView: Sendable, Equatable {
    public struct Regression: Sendable, Equatable {
        public var day: String
        public var actionID: String
        public var title: String
        public var pointsLost: String
        public var cause: String
    }

    public var signedIn: Layout.SignedIn
    public var nav: Layout.OrganizationNav
    var range: RangeForm
    public var percentage: String
    public var zone: String
    public var zones: [(zone: String, from: String, to: String)]
    public var regressionChart: BarChart
    public var regressions: [Regression]
    public var comparisonChart: LineChart
    public var comparisonNotices: [String]
    public var riskChart: BarChart
    public var pointsGained: String
    public var pointsRegressed: String
    public var netChange: String
    /// The page of ``regressions`` shown, of all in the range.
    public var regressionPage = ListPage(offset: 0, total: 0)
    /// The range as a query (`from=…&to=…`), for the paging links.
    public var query = ""

    public static func == (lhs: MetricsView, rhs: MetricsView) -> Bool {
        lhs.nav == rhs.nav && lhs.range == rhs.range && lhs.percentage == rhs.percentage && lhs.zone == rhs.zone
            && lhs.regressions == rhs.regressions && lhs.netChange == rhs.netChange
    }

    public func render() -> String {
        let base = "/orgs/" + WebPath.segment(nav.id)
        let zoneRows = zones.map { zone -> SafeHTML in
            let current: SafeHTML = zone.zone == self.zone ? " class=\"current\"" : ""
            return
                "<tr\(current)><th scope=\"row\">\(zone.zone)</th><td class=\"number\">\(zone.from)%</td><td class=\"number\">\(zone.to)%</td></tr>"
        }
        let regressionRows = regressions.map { row -> SafeHTML in
            """
            <tr><td>\(row.day)</td><td><a href="\(base)/actions/\(WebPath.segment(row.actionID))">\(row.title)</a></td>
            <td class="number">\(row.pointsLost)</td><td>\(row.cause)</td></tr>
            """
        }
        let pageLink = { (start: Int) in base + "/metrics?" + query + (start > 0 ? "&start=\(start)" : "") + "#h-lost" }
        let regressionTable: SafeHTML =
            regressions.isEmpty
            ? "<p>No points regressed in this range.</p>"
            : """
            \(Pager.summary(regressionPage))<table><thead><tr><th scope="col">Day</th><th scope="col">Action</th><th scope="col" class="number">Points lost</th><th scope="col">Cause</th></tr></thead><tbody>\(SafeHTML.join(regressionRows, separator: "\n"))</tbody></table>
            """
        let notices = comparisonNotices.map { notice -> SafeHTML in #"<p class="hint">\#(notice)</p>"# }
        return Layout(title: "Metrics & trends · \(nav.name)", signedIn: signedIn, organization: nav).render(
            """
            <h1>Metrics &amp; trends</h1>
            \(range.render())
            <section aria-labelledby="h-zone"><h2 id="h-zone">Your Secure Score zone</h2>
            <p class="tile zone-\(zone)">\(percentage) — <strong>\(zone)</strong></p>
            <table class="compact"><thead><tr><th scope="col">Zone</th><th scope="col" class="number">From</th><th scope="col" class="number">To</th></tr></thead><tbody>\(zoneRows)</tbody></table>
            <p><a href="\(base)/settings#zones">Change the zones</a></p></section>
            <section aria-labelledby="h-regressions"><h2 id="h-regressions">Regression trend</h2>
            \(regressionChart.render())
            </section>
            <section aria-labelledby="h-comparison"><h2 id="h-comparison">Comparison trend</h2>
            \(comparisonChart.render())\(notices)</section>
            <section aria-labelledby="h-risk"><h2 id="h-risk">Risk acceptance trend</h2>\(riskChart.render())</section>
            <section aria-labelledby="h-changes"><h2 id="h-changes">Score changes</h2>
            <dl class="facts"><dt>Points achieved</dt><dd data-testid="gained">\(pointsGained)</dd>
            <dt>Points regressed</dt><dd data-testid="regressed">\(pointsRegressed)</dd>
            <dt>Score change</dt><dd data-testid="net">\(netChange)</dd></dl></section>
            <section aria-labelledby="h-lost"><h2 id="h-lost">Points lost, action by action</h2>
            \(regressionTable)
            \(Pager.links(regressionPage, label: "Pages of regressions", previous: "Newer", next: "Older", href: pageLink))
            </section>
            """
        )
    }
}
