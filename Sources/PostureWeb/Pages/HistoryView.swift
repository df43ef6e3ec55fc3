import PostureCore

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
    /// Microsoft's own Secure Score beside Posture's, once imported.
    public var microsoft: MicrosoftComparison?
    /// The page of ``taken`` shown, of all the entries the filter keeps.
    public var taken: [Taken]
    public var filter: ChangeFilter = .all
    public var page = ListPage(offset: 0, total: 0)
    /// The query that gave this page (range and category), for the filter and paging links.
    public var query: [QueryItem] = []
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public struct MicrosoftComparison: Sendable, Equatable {
        public struct Row: Sendable, Equatable {
            public var actionID: String
            public var inCatalog: Bool
            public var microsoft: String
            public var posture: String
            public var difference: String
            public var reason: String
        }
        public var day: String
        public var microsoftScore: String
        public var postureScore: String
        public var agreeing: Int
        /// The actions whose points differ, largest differences first.
        public var rows: [Row]
    }

    public func render() -> String {
        let base = "/orgs/" + WebPath.segment(nav.id)
        let rows = taken.map { row -> SafeHTML in
            """
            <tr><td>\(row.when)</td><td><a href="\(base)/actions/\(WebPath.segment(row.actionID))">\(row.actionID)</a></td>
            <td>\(row.category)</td><td>\(row.change)</td><td class="number">\(row.resultingPoints)</td>
            <td>\(row.actor)</td><td>\(row.cause)</td></tr>
            """
        }
        let microsoftSection = microsoft.map { renderMicrosoft($0, base: base) }
        func href(filter: ChangeFilter, start: Int) -> String {
            var parameters = query.map { ($0.name, Optional($0.value)) }
            if filter != .all { parameters.append(("cause", filter.rawValue)) }
            if start > 0 { parameters.append(("start", String(start))) }
            return base + "/history" + WebPath.query(parameters)
        }
        let filters = ChangeFilter.allCases.map { choice -> SafeHTML in
            choice == filter
                ? #"<strong aria-current="true">\#(choice.label)</strong>"#
                : #"<a href="\#(href: href(filter: choice, start: 0))">\#(choice.label)</a>"#
        }
        let table: SafeHTML =
            taken.isEmpty
            ? "<p>No changes of this kind in this range.</p>"
            : """
            <table class="history"><thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Category</th><th scope="col">Change</th><th scope="col" class="number">Resulting points</th><th scope="col">By</th><th scope="col">Cause</th></tr></thead>
            <tbody>\(SafeHTML.join(rows, separator: "\n"))</tbody></table>
            """
        return Layout(title: "History · \(nav.name)", signedIn: signedIn, organization: nav).render(
            """
            <h1>History</h1>
            \(range.render())
            \(chart.render())\(microsoftSection.map { section -> SafeHTML in "\n\(section)" })
            <h2>Actions taken (<span data-testid="taken-count">\(page.total)</span>)</h2>
            <p class="filters">\(SafeHTML.join(filters, separator: " · "))</p>
            \(Pager.summary(page))
            \(table)
            \(Pager.links(page, label: "Pages of changes", previous: "Newer", next: "Older") { href(filter: filter, start: $0) })
            """
        )
    }

    private func renderMicrosoft(_ microsoft: MicrosoftComparison, base: String) -> SafeHTML {
        let rows = microsoft.rows.map { row -> SafeHTML in
            let action: SafeHTML =
                row.inCatalog
                ? "<a href=\"\(base)/actions/\(WebPath.segment(row.actionID))\">\(row.actionID)</a>"
                : SafeHTML(text: row.actionID)
            return """
                <tr><td>\(action)</td><td class="number">\(row.microsoft)</td><td class="number">\(row.posture)</td>
                <td class="number">\(row.difference)</td><td>\(row.reason)</td></tr>
                """
        }
        let table: SafeHTML =
            microsoft.rows.isEmpty
            ? ""
            : """
            <table data-testid="reconciliation"><thead><tr><th scope="col">Action</th><th scope="col" class="number">Microsoft</th><th scope="col" class="number">Posture</th><th scope="col" class="number">Difference</th><th scope="col">Why</th></tr></thead>
            <tbody>\(SafeHTML.join(rows, separator: "\n"))</tbody></table>
            """
        return """
            <h2>Microsoft Secure Score</h2>
            <p data-testid="microsoft-summary">On \(microsoft.day) Microsoft counted \(microsoft.microsoftScore) points; \
            Posture counts \(microsoft.postureScore) now. \(microsoft.agreeing) actions agree.</p>
            \(table)
            """
    }
}
