import PostureCore

/// The overview page of one organization.
public struct OverviewView: Sendable, Equatable {
    public struct Category: Sendable, Equatable {
        public var name: String
        public var score: String
        public var maxScore: String
        public var percentage: Double
    }

    public struct TopAction: Sendable, Equatable {
        public var id: String
        public var title: String
        public var category: String
        public var remaining: String
        public var rank: Int
    }

    public struct Change: Sendable, Equatable {
        public var when: String
        public var actionID: String
        public var detail: String
        public var actor: String
    }

    public var signedIn: Layout.SignedIn
    public var nav: Layout.OrganizationNav
    public var score: String
    public var maxScore: String
    public var percentage: String
    public var zone: String
    public var verifiedScore: String
    public var claimedScore: String
    public var categories: [Category]
    public var chart: LineChart
    public var comparisonNotice: String?
    public var topActions: [TopAction]
    public var changes: [Change]
    /// Said above everything when the connection's data is stale or its collections fail.
    public var collection: CollectionBanner? = nil
    /// Open tickets raised for shared actions; the panel shows when there are any.
    public var tickets: [TicketRow] = []

    /// What the overview says about a connection in trouble.
    public struct CollectionBanner: Sendable, Equatable {
        /// No success for more than two intervals (an alert) rather than a failing attempt.
        public var stale: Bool
        /// "at 2026-12-05 06:00 UTC"; nil before any success.
        public var lastSuccess: String?
        public var problem: String?
        public var nextRun: String
        /// Where to look, for people who may change the connection; nil for the others.
        public var settingsLink: String?

        func render() -> SafeHTML {
            let problem: SafeHTML = self.problem.map { " The last attempt failed: \($0)." } ?? ""
            let look: SafeHTML =
                settingsLink.map { #" <a href="\#(href: $0)">Check the connection</a>."# }
                ?? " Ask someone with a read-write role to check the connection."
            if stale {
                let when: SafeHTML =
                    lastSuccess.map { "The last successful collection from the tenant was \($0)" }
                    ?? "No collection from the tenant has succeeded since the connection was made"
                return """
                    <div class="error" role="alert" data-testid="collection-banner"><strong>Stale data.</strong> \
                    \(when), more than two collection intervals ago, so the score may not match the tenant.\(problem)\(look)</div>
                    """
            }
            let shown: SafeHTML =
                lastSuccess.map { " The score shows the data collected \($0)." } ?? " No collection has succeeded yet."
            return """
                <div class="notice" role="status" data-testid="collection-banner">Collections are failing.\(problem) \
                The next attempt is \(nextRun).\(shown)\(look)</div>
                """
        }
    }

    public func render() -> String {
        let base = "/orgs/" + WebPath.segment(nav.id)
        let categories = categories.map { category -> SafeHTML in
            let percent = Int(category.percentage.rounded())
            return """
                <tr><th scope="row">\(category.name)</th><td class="number">\(category.score)</td>
                <td class="number">\(category.maxScore)</td>
                <td><meter min="0" max="100" value="\(percent)" aria-label="\(category.name) percentage">\(percent)%</meter> \(percent)%</td></tr>
                """
        }
        let topItems = topActions.map { action -> SafeHTML in
            #"<li><a href="\#(base)/actions/\#(WebPath.segment(action.id))">\#(action.title)</a> <span class="hint">\#(action.category) · +\#(action.remaining) points</span></li>"#
        }
        let top: SafeHTML =
            topActions.isEmpty
            ? "<p>Nothing left to rank: every open action has earned its points.</p>"
            : "<ol class=\"top-actions\">\(topItems)</ol>"
        let changeRows = changes.map { change -> SafeHTML in
            #"<tr><td>\#(change.when)</td><td><a href="\#(base)/actions/\#(WebPath.segment(change.actionID))">\#(change.actionID)</a></td><td>\#(change.detail)</td><td>\#(change.actor)</td></tr>"#
        }
        let changes: SafeHTML =
            changes.isEmpty
            ? "<p>No changes in the last 30 days.</p>"
            : "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Action</th><th scope=\"col\">Change</th><th scope=\"col\">By</th></tr></thead><tbody>\(SafeHTML.join(changeRows, separator: "\n"))</tbody></table>"
        let notice = comparisonNotice.map { notice -> SafeHTML in #"<p class="hint">\#(notice)</p>"# }
        return Layout(title: "Overview · \(nav.name)", signedIn: signedIn, organization: nav).render(
            """
            <h1>Secure Score</h1>
            <p class="hint"><a href="/orgs/\(WebPath.segment(nav.id))/report" data-testid="report-link">Report for print</a> · the last 30 days (<a href="/orgs/\(WebPath.segment(nav.id))/report.pdf" data-testid="report-pdf">PDF</a>, <a href="/orgs/\(WebPath.segment(nav.id))/report.csv">CSV</a>, <a href="/orgs/\(WebPath.segment(nav.id))/report.json">JSON</a>)</p>
            \(collection?.render() ?? "")
            <section class="tiles" aria-label="Score">
              <div class="tile zone-\(zone)">
                <p class="big" data-testid="score">\(score) <span class="of">/ \(maxScore)</span></p>
                <p><strong data-testid="percentage">\(percentage)</strong> · zone: <strong data-testid="zone">\(zone)</strong></p>
              </div>
              <div class="tile">
                <p>Verified <strong data-testid="verified">\(verifiedScore)</strong></p>
                <p>Claimed (third party or alternate mitigation) <strong data-testid="claimed">\(claimedScore)</strong></p>
              </div>
            </section>
            <section aria-labelledby="h-trend"><h2 id="h-trend">Score history and comparison</h2>
            \(chart.render())
            \(notice)
            </section>
            <section aria-labelledby="h-cat"><h2 id="h-cat">Points by category</h2>
            <table><thead><tr><th scope="col">Category</th><th scope="col" class="number">Earned</th><th scope="col" class="number">Available</th><th scope="col">Percentage</th></tr></thead>
            <tbody>\(categories)</tbody></table>
            </section>
            <section aria-labelledby="h-top"><h2 id="h-top">Top improvement actions</h2>\(top)
            <p><a href="\(base)/actions">All improvement actions</a></p></section>
            \(TicketRow.panel(tickets, base: base))
            <section aria-labelledby="h-recent"><h2 id="h-recent">Recent changes</h2>\(changes)
            <p><a href="\(base)/history">History</a></p></section>
            <aside class="notice" aria-labelledby="h-risk"><h2 id="h-risk">Risk awareness</h2>
            <p>Secure Score is a numerical summary of your security posture based on system configurations, user behavior and other security related measurements; it is not an absolute measurement of how likely your system or data will be breached. Rather, it represents the extent to which you have adopted security controls which can help offset the risk of being breached. No online service is completely immune from security breaches, and the score should not be interpreted as a guarantee against security breach in any manner.</p></aside>
            """
        )
    }
}
