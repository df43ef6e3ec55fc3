/// The History page: the score over a range and every action taken in it.
public struct HistoryView: Sendable, Equatable {
    public struct Taken: Sendable, Equatable {
        public var when: String
        public var actionID: String
        public var category: String
        public var change: String
        public var resultingPoints: String
        public var actor: String
        public var cause: String
    }

    public var signedIn: Layout.SignedIn
    public var nav: Layout.OrganizationNav
    var range: RangeForm
    public var chart: LineChart
    public var taken: [Taken]

    public func render() -> String {
        let base = "/orgs/" + WebPath.segment(nav.id)
        let rows = taken.map { row in
            """
            <tr><td>\(row.when.html)</td><td><a href="\(base)/actions/\(WebPath.segment(row.actionID))">\(row.actionID.html)</a></td>
            <td>\(row.category.html)</td><td>\(row.change.html)</td><td class="number">\(row.resultingPoints.html)</td>
            <td>\(row.actor.html)</td><td>\(row.cause.html)</td></tr>
            """
        }.joined(separator: "\n")
        return Layout(title: "History · \(nav.name)", signedIn: signedIn, organization: nav).render(
            SafeHTML(
                trusted: """
                    <h1>History</h1>
                    \(range.render())
                    \(chart.render().markup)
                    <h2>Actions taken (<span data-testid="taken-count">\(taken.count)</span>)</h2>
                    \(taken.isEmpty ? "<p>No actions taken in this range.</p>" : """
                    <table><thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Category</th><th scope="col">Change</th><th scope="col" class="number">Resulting points</th><th scope="col">By</th><th scope="col">Cause</th></tr></thead>
                    <tbody>\(rows)</tbody></table>
                    """)
                    """
            )
        )
    }
}
