import PostureCore

/// One ticket as the overview's Tickets panel and the action's flyout show it.
public struct TicketRow: Sendable, Equatable {
    public var number: String
    public var url: String
    public var actionID: String
    public var actionTitle: String
    public var state: String
    public var updated: String

    public init(number: String, url: String, actionID: String, actionTitle: String, state: String, updated: String) {
        self.number = number
        self.url = url
        self.actionID = actionID
        self.actionTitle = actionTitle
        self.state = state
        self.updated = updated
    }

    /// The overview's panel: nothing when there is no open ticket.
    static func panel(_ tickets: [TicketRow], base: String) -> SafeHTML {
        guard !tickets.isEmpty else { return "" }
        let rows = tickets.map { ticket -> SafeHTML in
            """
            <tr><td><a href="\(href: ticket.url)" rel="noopener noreferrer">\(ticket.number)</a></td><td><a href="\(base)/actions/\(WebPath.segment(ticket.actionID))">\(ticket.actionTitle)</a></td><td>\(ticket.state)</td><td>\(ticket.updated)</td></tr>
            """
        }
        return """
            <section aria-labelledby="h-tickets" data-testid="tickets"><h2 id="h-tickets">Tickets</h2>
            <table><thead><tr><th scope="col">Ticket</th><th scope="col">Action</th><th scope="col">State</th><th scope="col">Updated</th></tr></thead><tbody>\(rows)</tbody></table>
            </section>
            """
    }

    /// The flyout's list of the action's tickets.
    static func list(_ tickets: [TicketRow]) -> SafeHTML {
        guard !tickets.isEmpty else { return "" }
        let items = tickets.map { ticket -> SafeHTML in
            #"<li><a href="\#(href: ticket.url)" rel="noopener noreferrer">\#(ticket.number)</a>: \#(ticket.state) <span class="hint">(\#(ticket.updated))</span></li>"#
        }
        return #"<h4>Tickets</h4><ul data-testid="action-tickets">\#(items)</ul>"#
    }

    static func make(_ ticket: Ticket, title: String) -> TicketRow {
        TicketRow(
            number: ticket.number,
            url: ticket.url,
            actionID: ticket.actionID,
            actionTitle: title,
            state: ticket.active ? ticket.state : "\(ticket.state) (closed)",
            updated: ScoreFormat.minute(ticket.updatedAt) + " UTC"
        )
    }
}
