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

    public func render() -> String {
        let base = "/orgs/" + WebPath.segment(nav.id)
        let categories = categories.map { category in
            """
            <tr><th scope="row">\(category.name.html)</th><td class="number">\(category.score.html)</td>
            <td class="number">\(category.maxScore.html)</td>
            <td><meter min="0" max="100" value="\(Int(category.percentage.rounded()))" aria-label="\(category.name.html) percentage">\(Int(category.percentage.rounded()))%</meter> \(Int(category.percentage.rounded()))%</td></tr>
            """
        }.joined(separator: "\n")
        let top =
            topActions.isEmpty
            ? "<p>Nothing left to rank: every open action has earned its points.</p>"
            : "<ol class=\"top\">"
                + topActions.map { action in
                    #"<li><a href="\#(base)/actions/\#(WebPath.segment(action.id))">\#(action.title.html)</a> <span class="hint">\#(action.category.html) · +\#(action.remaining.html) points</span></li>"#
                }.joined() + "</ol>"
        let changes =
            changes.isEmpty
            ? "<p>No changes in the last 30 days.</p>"
            : "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Action</th><th scope=\"col\">Change</th><th scope=\"col\">By</th></tr></thead><tbody>"
                + changes.map { change in
                    #"<tr><td>\#(change.when.html)</td><td><a href="\#(base)/actions/\#(WebPath.segment(change.actionID))">\#(change.actionID.html)</a></td><td>\#(change.detail.html)</td><td>\#(change.actor.html)</td></tr>"#
                }.joined(separator: "\n") + "</tbody></table>"
        let notice = comparisonNotice.map { #"<p class="hint">\#($0.html)</p>"# } ?? ""
        return Layout(title: "Overview · \(nav.name)", signedIn: signedIn, organization: nav).render(
            SafeHTML(
                trusted: """
                    <h1>Secure Score</h1>
                    <section class="tiles" aria-label="Score">
                      <div class="tile zone-\(zone.html)">
                        <p class="big" data-testid="score">\(score.html) <span class="of">/ \(maxScore.html)</span></p>
                        <p><strong data-testid="percentage">\(percentage.html)</strong> · zone: <strong data-testid="zone">\(zone.html)</strong></p>
                      </div>
                      <div class="tile">
                        <p>Verified <strong data-testid="verified">\(verifiedScore.html)</strong></p>
                        <p>Claimed (third party or alternate mitigation) <strong data-testid="claimed">\(claimedScore.html)</strong></p>
                      </div>
                    </section>
                    <section aria-labelledby="h-trend"><h2 id="h-trend">Score history and comparison</h2>
                    \(chart.render().markup)
                    \(notice)
                    </section>
                    <section aria-labelledby="h-cat"><h2 id="h-cat">Points by category</h2>
                    <table><thead><tr><th scope="col">Category</th><th scope="col" class="number">Earned</th><th scope="col" class="number">Available</th><th scope="col">Percentage</th></tr></thead>
                    <tbody>\(categories)</tbody></table>
                    </section>
                    <section aria-labelledby="h-top"><h2 id="h-top">Top improvement actions</h2>\(top)
                    <p><a href="\(base)/actions">All improvement actions</a></p></section>
                    <section aria-labelledby="h-recent"><h2 id="h-recent">Recent changes</h2>\(changes)
                    <p><a href="\(base)/history">History</a></p></section>
                    <aside class="notice" aria-labelledby="h-risk"><h2 id="h-risk">Risk awareness</h2>
                    <p>Secure Score is a numerical summary of your security posture based on system configurations, user behavior and other security related measurements; it is not an absolute measurement of how likely your system or data will be breached. Rather, it represents the extent to which you have adopted security controls which can help offset the risk of being breached. No online service is completely immune from security breaches, and the score should not be interpreted as a guarantee against security breach in any manner.</p></aside>
                    """
            )
        )
    }
}
