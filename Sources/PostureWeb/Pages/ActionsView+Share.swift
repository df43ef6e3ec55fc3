import PostureCore

/// The flyout's Share section: send the action by e-mail or to a channel (read-write roles), and
/// the action's shares with how each delivery went.
public struct ShareOptions: Sendable, Equatable {
    public struct Shared: Sendable, Equatable {
        public var when: String
        public var by: String
        public var target: String
        public var state: String

        public init(when: String, by: String, target: String, state: String) {
            self.when = when
            self.by = by
            self.target = target
            self.state = state
        }
    }

    public var canShare: Bool
    /// The organization has an e-mail channel to send through.
    public var canEmail: Bool
    /// Channels a share can go to (Teams, webhooks): value and label.
    public var channels: [Choice]
    public var shared: [Shared]
    /// Tickets raised for the action, newest change first.
    public var tickets: [TicketRow] = []

    public struct Choice: Sendable, Equatable {
        public var id: String
        public var label: String

        public init(id: String, label: String) {
            self.id = id
            self.label = label
        }
    }

    public init(
        canShare: Bool = false,
        canEmail: Bool = false,
        channels: [Choice] = [],
        shared: [Shared] = [],
        tickets: [TicketRow] = []
    ) {
        self.canShare = canShare
        self.canEmail = canEmail
        self.channels = channels
        self.shared = shared
        self.tickets = tickets
    }

    func render(path: String, csrf: String) -> SafeHTML {
        let hidden: SafeHTML = #"<input type="hidden" name="csrf" value="\#(csrf)">"#
        var forms: [SafeHTML] = []
        if !canShare {
            forms.append(#"<p class="hint">Your role is read-only here: copy the link to share the action.</p>"#)
        } else if !canEmail && channels.isEmpty {
            forms.append(
                #"<p class="hint">Add an e-mail, Microsoft Teams or ServiceNow channel in Settings → Channels to send actions from here; the link can always be copied.</p>"#
            )
        }
        if canShare, canEmail {
            forms.append(
                """
                <form method="post" action="\(path)/share" class="row" data-testid="share-email">\(hidden)
                  <label for="share-to">E-mail to</label><input type="text" id="share-to" name="to" required placeholder="name@contoso.example, …">
                  <label for="share-note">Note</label><textarea id="share-note" name="note" rows="2" maxlength="1000"></textarea>
                  <button type="submit">Send e-mail</button>
                </form>
                """
            )
        }
        if canShare, !channels.isEmpty {
            let options = channels.map { choice -> SafeHTML in
                #"<option value="\#(choice.id)">\#(choice.label)</option>"#
            }
            forms.append(
                """
                <form method="post" action="\(path)/share" class="row" data-testid="share-channel">\(hidden)
                  <label for="share-channel">Post to</label><select id="share-channel" name="channelId">\(options)</select>
                  <label for="share-channel-note">Note</label><textarea id="share-channel-note" name="note" rows="2" maxlength="1000"></textarea>
                  <button type="submit">Post</button>
                </form>
                """
            )
        }
        let rows = shared.map { share -> SafeHTML in
            "<li>\(share.when): \(share.by) → \(share.target) <span class=\"hint\">(\(share.state))</span></li>"
        }
        let list: SafeHTML = shared.isEmpty ? "" : #"<h4>Shared</h4><ul data-testid="shares">\#(rows)</ul>"#
        return """
            <h3>Share</h3>
            \(forms)
            \(TicketRow.list(tickets))
            \(list)
            """
    }
}
