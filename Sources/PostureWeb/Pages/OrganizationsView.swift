import Foundation
import PostureCore

/// The start page for people with several organizations: every organization they hold a role in,
/// with score, zone, the change over 30 days and open regressions, sortable by each column.
public struct OrganizationsView: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var name: String
        public var role: String
        public var score: Double
        public var maxScore: Double
        public var percentage: Double
        public var zone: String
        /// Percentage points since 30 days ago; nil without a snapshot then.
        public var change30: Double?
        public var openRegressions: Int
    }

    public enum Sort: String, Sendable, CaseIterable {
        case name, score, percentage, zone, change, regressions
    }

    public var signedIn: Layout.SignedIn
    public var rows: [Row]
    public var sort: Sort
    public var descending: Bool
    /// What the list was narrowed to (organization name or id), empty for all.
    public var search = ""
    /// Where the page of sorted rows starts (clamped to the list by ``ListPage``).
    public var start = 0

    /// The rows in the chosen order; ties by name.
    public var sorted: [Row] {
        let zoneOrder = ["bad": 0, "okay": 1, "good": 2]
        let ordered = rows.sorted { a, b in
            let key: (Row) -> Double? =
                switch sort {
                case .name: { _ in nil }
                case .score: { $0.score }
                case .percentage: { $0.percentage }
                case .zone: { Double(zoneOrder[$0.zone] ?? 0) }
                case .change: { $0.change30 ?? -.infinity }
                case .regressions: { Double($0.openRegressions) }
                }
            if let x = key(a), let y = key(b), x != y { return descending ? x > y : x < y }
            let byName = a.name.localizedLowercase < b.name.localizedLowercase
            return sort == .name && descending ? !byName : byName
        }
        return ordered
    }

    /// The list's address with the current search, sort and direction, at `start`.
    func link(sort: Sort, descending: Bool, start: Int = 0) -> String {
        "/"
            + WebPath.query([
                ("q", search), ("sort", sort.rawValue), ("dir", descending ? "desc" : "asc"),
                ("start", start > 0 ? String(start) : nil),
            ])
    }

    public func render() -> String {
        let body: SafeHTML
        let searchForm: SafeHTML = """
            <form method="get" action="/" class="row" role="search">
              <label for="org-search">Find an organization</label>
              <input type="search" id="org-search" name="q" value="\(search)" maxlength="200">
              <input type="hidden" name="sort" value="\(sort.rawValue)"><input type="hidden" name="dir" value="\(descending ? "desc" : "asc")">
              <button type="submit">Search</button>
            </form>
            """
        if rows.isEmpty {
            body =
                search.isEmpty
                ? "<p>You hold no role in any organization yet. Ask an administrator to grant you one.</p>"
                : "\(searchForm)<p>No organization matches “\(search)”.</p>"
        } else {
            func header(_ column: Sort, _ label: String, numeric: Bool = false) -> SafeHTML {
                let next = column == sort ? !descending : column != .name
                let state: SafeHTML =
                    column == sort ? (descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : ""
                let arrow = column == sort ? (descending ? " ↓" : " ↑") : ""
                let number: SafeHTML = numeric ? " class=\"number\"" : ""
                return
                    #"<th scope="col"\#(number)\#(state)><a href="\#(href: link(sort: column, descending: next))">\#(label)\#(arrow)</a></th>"#
            }
            let shown = ListPage(offset: start, total: rows.count)
            let lines = shown.slice(sorted).map { row -> SafeHTML in
                let change = row.change30.map { ($0 >= 0 ? "+" : "") + String(format: "%.1f", $0) } ?? "–"
                return """
                    <tr><td><a href="/orgs/\(WebPath.segment(row.id))">\(row.name)</a> <span class="hint">\(row.role)</span></td>
                    <td class="number">\(String(format: "%.2f", row.score)) / \(String(format: "%.2f", row.maxScore))</td>
                    <td class="number">\(String(format: "%.1f%%", row.percentage))</td><td><span class="zone-chip zone-\(row.zone)">\(row.zone)</span></td>
                    <td class="number">\(change)</td><td class="number">\(row.openRegressions)</td></tr>
                    """
            }
            body = """
                \(searchForm)
                \(Pager.summary(shown))
                <table class="sortable">
                <caption class="hint">Organizations you hold a role in</caption>
                <thead><tr>\(header(.name, "Organization"))\(header(.score, "Score", numeric: true))\(header(.percentage, "Percentage", numeric: true))\(header(.zone, "Zone"))\(header(.change, "30-day change", numeric: true))\(header(.regressions, "Open regressions", numeric: true))</tr></thead>
                <tbody>
                \(SafeHTML.join(lines, separator: "\n"))
                </tbody>
                </table>
                \(Pager.links(shown, label: "Pages of organizations", previous: "Previous", next: "Next") {
                    link(sort: sort, descending: descending, start: $0)
                })
                """
        }
        return Layout(title: "Organizations", signedIn: signedIn).render(
            "<h1>Organizations</h1>\n\(body)"
        )
    }
}
