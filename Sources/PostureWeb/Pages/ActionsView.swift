import PostureCore

/// The improvement actions list, with its filters, and the details flyout of one action.
public struct ActionsView: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var title: String
        public var points: String
        public var maxScore: String
        public var status: String
        public var category: String
        public var product: String
        public var rank: Int?
        public var lastMeasured: String
        public var tags: [String]
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var rows: [Row]
    }

    /// The filter form's current values and choices.
    public struct Filters: Sendable, Equatable {
        public var query: String
        public var selected: [String: String]
        public var choices: [(name: String, label: String, options: [String])]
        public var group: String
        public var includeHidden: Bool

        public static func == (lhs: Filters, rhs: Filters) -> Bool {
            lhs.query == rhs.query && lhs.selected == rhs.selected && lhs.group == rhs.group
                && lhs.includeHidden == rhs.includeHidden && lhs.choices.map(\.name) == rhs.choices.map(\.name)
        }
    }

    public var signedIn: Layout.SignedIn
    public var nav: Layout.OrganizationNav
    public var filters: Filters
    public var groups: [Group]
    public var total: Int
    public var csvURL: String
    public var detail: ActionDetailView?

    public func render() -> String {
        let base = "/orgs/" + WebPath.segment(nav.id)
        let selects = filters.choices.map { choice -> SafeHTML in
            let options = choice.options.map { option -> SafeHTML in
                let selected: SafeHTML = filters.selected[choice.name] == option ? " selected" : ""
                return #"<option value="\#(option)"\#(selected)>\#(option)</option>"#
            }
            return
                #"<div><label for="f-\#(choice.name)">\#(choice.label)</label><select id="f-\#(choice.name)" name="\#(choice.name)"><option value="">Any</option>\#(options)</select></div>"#
        }
        let groupOptions = [
            ("", "No grouping"), ("category", "Category"), ("product", "Product"), ("status", "Status"),
        ]
        .map { value, label -> SafeHTML in
            let selected: SafeHTML = filters.group == value ? " selected" : ""
            return #"<option value="\#(value)"\#(selected)>\#(label)</option>"#
        }
        let tables = groups.map { group -> SafeHTML in
            let caption: SafeHTML = group.name.isEmpty ? "" : "<caption>\(group.name) (\(group.rows.count))</caption>"
            let rows = group.rows.map { row -> SafeHTML in
                let tags = SafeHTML.join(
                    row.tags.map { tag -> SafeHTML in #"<span class="tag">\#(tag)</span>"# },
                    separator: " "
                )
                return """
                    <tr><td class="number">\(row.rank.map(String.init) ?? "–")</td>
                    <td><a href="\(base)/actions/\(WebPath.segment(row.id))\(detailQuery)">\(row.title)</a> \(tags)</td>
                    <td class="number">\(row.points) / \(row.maxScore)</td><td>\(row.status)</td>
                    <td>\(row.category)</td><td>\(row.product)</td><td>\(row.lastMeasured)</td></tr>
                    """
            }
            return """
                <table class="actions">\(caption)
                <thead><tr><th scope="col" class="number">Rank</th><th scope="col">Improvement action</th><th scope="col" class="number">Points</th><th scope="col">Status</th><th scope="col">Category</th><th scope="col">Product</th><th scope="col">Last measured</th></tr></thead>
                <tbody>\(SafeHTML.join(rows, separator: "\n"))</tbody></table>
                """
        }
        let hidden: SafeHTML = filters.includeHidden ? " checked" : ""
        return Layout(title: "Improvement actions · \(nav.name)", signedIn: signedIn, organization: nav).render(
            """
            <h1>Improvement actions</h1>
            <form class="filters" method="get" action="\(base)/actions" role="search">
              <div class="wide"><label for="f-q">Search</label><input type="text" id="f-q" name="q" value="\(filters.query)" placeholder="Title, id or description"></div>
              \(selects)
              <div><label for="f-group">Group by</label><select id="f-group" name="group">\(groupOptions)</select></div>
              <div class="check"><input type="checkbox" id="f-hidden" name="hidden" value="1"\(hidden)><label for="f-hidden">Show risk-accepted actions</label></div>
              <div><button type="submit">Apply</button> <a href="\(base)/actions">Reset</a></div>
            </form>
            <p class="hint" role="status"><span data-testid="action-count">\(total)</span> actions · <a href="\(href: csvURL)" download>Export this view as CSV</a></p>
            \(SafeHTML.join(tables, separator: "\n"))
            \(detail?.render(base: base, back: base + "/actions" + detailQuery))
            """
        )
    }

    /// The list's query, kept when a flyout opens so closing it returns to the same view.
    var detailQuery: String {
        var items: [(String, String?)] = [("q", filters.query)]
        for choice in filters.choices { items.append((choice.name, filters.selected[choice.name])) }
        items += [("group", filters.group), ("hidden", filters.includeHidden ? "1" : nil)]
        return WebPath.query(items)
    }
}

/// One action's details, shown as a flyout over the list; its URL can be shared.
public struct ActionDetailView: Sendable, Equatable {
    public struct HistoryDay: Sendable, Equatable {
        public var day: String
        public var points: String
        public var status: String
    }

    public var id: String
    public var title: String
    public var category: String
    public var product: String
    public var threats: [String]
    public var tier: String
    public var description: String
    public var userImpact: String
    public var usersAffected: String
    public var licences: [String]
    public var prerequisiteActions: [String]
    public var steps: [String]
    public var learnMore: [(title: String, url: String)]
    public var manageURL: String
    public var shareURL: String
    public var points: String
    public var maxScore: String
    public var explanation: String
    public var status: String
    public var statusLabel: String
    public var note: String
    public var owner: String
    public var expiresAt: String
    public var targetDate: String
    public var achievedEntities: [String]
    public var missingEntities: [String]
    /// What the data says about entities: nothing yet, counts or a result without the lists
    /// behind them, or the lists themselves.
    public var entityReport: EntityReport
    public enum EntityReport: Sendable, Equatable {
        case noData
        case notListed
        case listed
    }
    /// Entities shown per list; a tenant's whole user base would make the page megabytes long.
    static let entityLimit = 200
    public var excluded: [String]
    /// Nil when the person may edit; otherwise why not (read-only role, externally managed, completed).
    public var lockedReason: String?
    public var canEditTags: Bool
    public var tags: [String]
    public var statusChoices: [(value: String, label: String)]
    public var history: [HistoryDay]
    public var changes: [String]
    /// Where the viewer may share the action: read-write roles only (anyone copies the link).
    public var share: ShareOptions = ShareOptions()
    public var message: String?
    public var errors: [String]
    public var csrfToken: String

    public static func == (lhs: ActionDetailView, rhs: ActionDetailView) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && lhs.note == rhs.note && lhs.tags == rhs.tags
            && lhs.lockedReason == rhs.lockedReason && lhs.points == rhs.points && lhs.errors == rhs.errors
            && lhs.message == rhs.message && lhs.share == rhs.share
    }

    func render(base: String, back: String) -> SafeHTML {
        let path = base + "/actions/" + WebPath.segment(id)
        func items(_ items: some Sequence<String>) -> SafeHTML {
            SafeHTML.join(items.map { item -> SafeHTML in "<li>\(item)</li>" })
        }
        func list(_ entries: [String]) -> SafeHTML {
            entries.isEmpty ? "<p class=\"hint\">None.</p>" : "<ul>\(items(entries))</ul>"
        }
        // Evidence from a large tenant lists every user: show the first ones, count the rest.
        func entities(_ entries: [String]) -> SafeHTML {
            guard entries.count > Self.entityLimit else { return list(entries) }
            return
                "<ul>\(items(entries.prefix(Self.entityLimit)))<li class=\"hint\">… and \(entries.count - Self.entityLimit) more (all of them: <code>GET /api/v1/organizations/{org}/measurements</code>)</li></ul>"
        }
        let entityLists: SafeHTML =
            switch entityReport {
            case .noData: #"<p class="hint">No data has been reported for this action yet.</p>"#
            case .notListed:
                #"<p class="hint">The source reported the result without listing which users, devices or items meet it.</p>"#
            case .listed:
                """
                <details><summary>Meeting it (\(achievedEntities.count))</summary>\(entities(achievedEntities))</details>
                <details><summary>Not meeting it (\(missingEntities.count))</summary>\(entities(missingEntities))</details>
                """
            }
        let disabled: SafeHTML = lockedReason == nil ? "" : " disabled"
        let reason = lockedReason.map { reason -> SafeHTML in #"<p class="locked" id="locked-reason">\#(reason)</p>"# }
        let described: SafeHTML = lockedReason == nil ? "" : #" aria-describedby="locked-reason""#
        let options = statusChoices.map { choice -> SafeHTML in
            let selected: SafeHTML = choice.value == status ? " selected" : ""
            return #"<option value="\#(choice.value)"\#(selected)>\#(choice.label)</option>"#
        }
        let tags = self.tags.map { tag -> SafeHTML in
            var chip: SafeHTML = #"<span class="tag">\#(tag)"#
            if canEditTags {
                chip += """
                    <form method="post" action="\(path)/tags/delete" class="inline">
                    <input type="hidden" name="csrf" value="\(csrfToken)"><input type="hidden" name="tag" value="\(tag)">
                    <button type="submit" class="link" aria-label="Remove tag \(tag)">×</button></form>
                    """
            }
            return chip + "</span>"
        }
        let tagForm: SafeHTML =
            canEditTags
            ? """
            <form method="post" action="\(path)/tags" class="row">
              <input type="hidden" name="csrf" value="\(csrfToken)">
              <label for="new-tag">Add a tag</label> <input type="text" id="new-tag" name="tag" maxlength="64" required>
              <button type="submit">Add</button>
            </form>
            """ : ""
        let messages = Notices.render(message: message, errors: errors)
        let history = self.history.map { day -> SafeHTML in
            "<tr><td>\(day.day)</td><td class=\"number\">\(day.points)</td><td>\(day.status)</td></tr>"
        }
        let learn = learnMore.map { link -> SafeHTML in
            #"<li><a href="\#(href: link.url)" rel="noopener noreferrer">\#(link.title)</a></li>"#
        }
        let mail =
            "mailto:?subject=" + WebPath.segment("Improvement action: \(title)") + "&body=" + WebPath.segment(shareURL)
        let excludedList: SafeHTML =
            excluded.isEmpty
            ? "" : "<details><summary>Excluded (\(excluded.count))</summary>\(list(excluded))</details>"
        let tagList: SafeHTML =
            tags.isEmpty ? "<span class=\"hint\">No tags.</span>" : SafeHTML.join(tags, separator: " ")
        let changeList: SafeHTML = changes.isEmpty ? "" : "<h4>Changes</h4>\(list(changes))"
        return """
            <div class="scrim" aria-hidden="true"></div>
            <aside class="flyout" role="dialog" aria-modal="false" aria-labelledby="flyout-title">
            <p><a href="\(href: back)" class="close">Close ✕</a></p>
            <h2 id="flyout-title">\(title)</h2>
            \(messages)
            <p class="big-points" data-testid="action-points">\(points) / \(maxScore) points</p>
            <p class="hint">\(explanation)</p>
            <p><a href="\(href: manageURL)" rel="noopener noreferrer">Manage</a> ·
            <button type="button" class="link" data-copy="\(shareURL)">Copy link</button> ·
            <a href="\(href: mail)">Open in your mail app</a></p>
            <h3>At a glance</h3>
            <dl class="facts"><dt>Category</dt><dd>\(category)</dd><dt>Protects against</dt><dd>\(threats.isEmpty ? "–" : threats.joined(separator: ", "))</dd>
            <dt>Product</dt><dd>\(product)</dd><dt>Tier</dt><dd>\(tier)</dd></dl>
            <p>\(description)</p>
            <h3>User impact</h3><p>\(userImpact)</p>
            <h3>Users affected</h3><p>\(usersAffected)</p>
            <h3>Implementation</h3>
            <h4>Prerequisites</h4>\(list(licences.map { "Licence: \($0)" } + prerequisiteActions))
            <h4>Next steps</h4><ol>\(items(steps))</ol>
            <h4>Current status</h4>
            <p>\(explanation)</p>
            \(entityLists)
            \(excludedList)
            <h4>Learn more</h4><ul>\(learn)</ul>
            <h3>Status and notes</h3>
            \(reason)
            <form method="post" action="\(path)/status" class="status-form">
              <input type="hidden" name="csrf" value="\(csrfToken)">
              <label for="status">Status</label>
              <select id="status" name="status"\(disabled)\(described)>\(options)</select>
              <label for="note">Note</label>
              <textarea id="note" name="note" rows="3" maxlength="2000"\(disabled)\(described)>\(note)</textarea>
              <label for="owner">Owner</label>
              <input type="text" id="owner" name="owner" value="\(owner)"\(disabled)>
              <label for="targetDate">Target date (planned)</label>
              <input type="text" id="targetDate" name="targetDate" value="\(targetDate)" placeholder="yyyy-MM-dd"\(disabled)>
              <label for="expiresAt">Exception expires (risk accepted, resolved)</label>
              <input type="text" id="expiresAt" name="expiresAt" value="\(expiresAt)" placeholder="yyyy-MM-dd"\(disabled)>
              <button type="submit"\(disabled)>Save</button>
            </form>
            <h3>Tags</h3><p>\(tagList)</p>\(tagForm)
            \(share.render(path: path, csrf: csrfToken))
            <h3>History</h3>
            <table><thead><tr><th scope="col">Day</th><th scope="col" class="number">Points</th><th scope="col">Status</th></tr></thead><tbody>\(history)</tbody></table>
            \(changeList)
            </aside>
            """
    }
}
