import Foundation
import PostureCore

/// The start page for people with several organizations: a page of the organizations they hold
/// a role in, with score, zone, the change over 30 days and open regressions, searched, sorted and
/// paged on the server; where they may write, a status can be set in a selected set at once.
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
        /// Its connection's health (`pending`, `healthy`, `failing`, `stale`); nil without one.
        public var connection: String? = nil
        /// Whether the person may change statuses here (a box to select it for a bulk change).
        public var writable = false
    }

    /// What a bulk change offers: every improvement action and the statuses a person may set.
    public struct BulkForm: Sendable, Equatable {
        public var actions: [Choice]
        public var statuses: [Choice]
    }

    public struct Choice: Sendable, Equatable {
        public var value: String
        public var label: String
    }

    public typealias Sort = OrganizationListQuery.Sort

    public var signedIn: Layout.SignedIn
    /// The rows of this page, in order.
    public var rows: [Row]
    public var sort: Sort
    public var descending: Bool
    /// What the list was narrowed to (organization name or id), empty for all.
    public var search = ""
    /// Only organizations whose connection is `failing` or `stale`; nil for all.
    public var connection: OrganizationListQuery.ConnectionFilter?
    /// Where this page sits among every match.
    public var page = ListPage(offset: 0, total: 0)
    /// Nil when the person may write in no organization.
    public var bulk: BulkForm?
    public var message: String?
    public var errors: [String] = []

    /// The list's address with the current search, sort and direction, at `start`.
    func link(sort: Sort, descending: Bool, start: Int = 0) -> String {
        "/"
            + WebPath.query([
                ("q", search), ("connection", connection?.rawValue), ("sort", sort.rawValue),
                ("dir", descending ? "desc" : "asc"), ("start", start > 0 ? String(start) : nil),
            ])
    }

    public func render() -> String {
        let searchForm: SafeHTML = """
            <form method="get" action="/" class="row" role="search">
              <label for="org-search">Find an organization</label>
              <input type="search" id="org-search" name="q" value="\(search)" maxlength="\(OrganizationListQuery.searchLimit)">
              <label for="org-connection">Connection</label>
              <select id="org-connection" name="connection">\(connectionOptions)</select>
              <input type="hidden" name="sort" value="\(sort.rawValue)"><input type="hidden" name="dir" value="\(descending ? "desc" : "asc")">
              <button type="submit">Search</button>
            </form>
            """
        let body: SafeHTML
        if rows.isEmpty {
            body =
                search.isEmpty && connection == nil && page.total == 0
                ? "<p>You hold no role in any organization yet. Ask an administrator to grant you one.</p>"
                : "\(searchForm)<p data-testid=\"no-match\">\(noMatch)</p>"
        } else {
            body = "\(searchForm)\n\(Pager.summary(page))\n\(list)"
        }
        let report: SafeHTML =
            signedIn.instanceAdministrator
            ? #"<p class="hint"><a href="/reports/organizations" data-testid="instance-report">Report of all organizations</a> (for print; <a href="/reports/organizations.pdf">PDF</a>, <a href="/reports/organizations.csv">CSV</a>)</p>"#
            : ""
        return Layout(title: "Organizations", signedIn: signedIn).render(
            "<h1>Organizations</h1>\n\(report)\(Notices.render(message: message, errors: errors))\(body)"
        )
    }

    var connectionOptions: SafeHTML {
        let choices: [(String, String)] = [("", "any"), ("failing", "failing"), ("stale", "stale")]
        return SafeHTML.join(
            choices.map { value, label -> SafeHTML in
                let selected: SafeHTML = value == (connection?.rawValue ?? "") ? " selected" : ""
                return #"<option value="\#(value)"\#(selected)>\#(label)</option>"#
            }
        )
    }

    var noMatch: String {
        switch (search.isEmpty, connection) {
        case (true, let filter?): "No organization has a \(filter.rawValue) connection."
        case (false, let filter?): "No organization matches “\(search)” with a \(filter.rawValue) connection."
        default: "No organization matches “\(search)”."
        }
    }

    /// The table, inside the bulk form when there is one (the boxes belong to it).
    var list: SafeHTML {
        let selectable = bulk != nil
        func header(_ column: Sort, _ label: String, numeric: Bool = false) -> SafeHTML {
            let next = column == sort ? !descending : column != .name
            let state: SafeHTML =
                column == sort ? (descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : ""
            let arrow = column == sort ? (descending ? " ↓" : " ↑") : ""
            let number: SafeHTML = numeric ? " class=\"number\"" : ""
            return
                #"<th scope="col"\#(number)\#(state)><a href="\#(href: link(sort: column, descending: next))">\#(label)\#(arrow)</a></th>"#
        }
        let lines = rows.map { row -> SafeHTML in
            let change = row.change30.map { ($0 >= 0 ? "+" : "") + ScoreFormat.tenths($0) } ?? "–"
            let box: SafeHTML =
                !selectable
                ? ""
                : row.writable
                    ? #"<td><input type="checkbox" name="orgs[]" value="\#(row.id)" aria-label="Select \#(row.name)"></td>"#
                    : #"<td><span class="hint" title="Read-only role">–</span></td>"#
            return """
                <tr>\(box)<td><a href="/orgs/\(WebPath.segment(row.id))">\(row.name)</a> <span class="hint">\(row.role)</span></td>
                <td class="number">\(ScoreFormat.points(row.score)) / \(ScoreFormat.points(row.maxScore))</td>
                <td class="number">\(ScoreFormat.tenths(row.percentage))%</td><td><span class="zone-chip zone-\(row.zone)">\(row.zone)</span></td>
                <td class="number">\(change)</td><td class="number">\(row.openRegressions)</td>
                <td>\(Self.connectionCell(row.connection))</td></tr>
                """
        }
        let selectHeader: SafeHTML = selectable ? #"<th scope="col"><span class="hint">Select</span></th>"# : ""
        let table: SafeHTML = """
            <table class="sortable">
            <caption class="hint">Organizations you hold a role in</caption>
            <thead><tr>\(selectHeader)\(header(.name, "Organization"))\(header(.score, "Score", numeric: true))\(header(.percentage, "Percentage", numeric: true))\(header(.zone, "Zone"))\(header(.change, "30-day change", numeric: true))\(header(.regressions, "Open regressions", numeric: true))<th scope="col">Connection</th></tr></thead>
            <tbody>
            \(SafeHTML.join(lines, separator: "\n"))
            </tbody>
            </table>
            \(Pager.links(page, label: "Pages of organizations", previous: "Previous", next: "Next") {
                link(sort: sort, descending: descending, start: $0)
            })
            """
        guard let bulk else { return table }
        let actions = bulk.actions.map { (value: $0.value, label: $0.label) }
        let statuses = bulk.statuses.map { (value: $0.value, label: $0.label) }
        return """
            <form method="post" action="/bulk/status" id="bulk-status">\(Notices.csrf(signedIn.csrfToken))
            <input type="hidden" name="return" value="\(href: link(sort: sort, descending: descending, start: page.offset))">
            \(table)
            <fieldset class="bulk">
              <legend>Set a status in the selected organizations</legend>
              <p class="hint">Each organization is changed and audited on its own; those where the action is completed or managed elsewhere are left as they are.</p>
              <label for="bulk-action">Improvement action</label>
              <select id="bulk-action" name="action" required><option value="">Choose an action</option>\(Notices.options(actions))</select>
              <label for="bulk-state">Status</label>
              <select id="bulk-state" name="status" required>\(Notices.options(statuses))</select>
              <label for="bulk-note">Note</label>
              <input type="text" id="bulk-note" name="note" maxlength="\(TextLimits.Field.note.maximum)">
              <button type="submit">Apply to selected</button>
            </fieldset>
            </form>
            """
    }

    /// A connection's health as a word that stands out when something is wrong; a dash without one.
    static func connectionCell(_ health: String?) -> SafeHTML {
        guard let health else { return #"<span class="hint">–</span>"# }
        return #"<span class="health \#(health)" data-testid="connection-\#(health)">\#(health)</span>"#
    }
}
