import PostureCore

/// Settings → Channels: where the organization's alerts and shares go (signed webhooks, Microsoft
/// Teams channels, e-mail) and the delivery log. Every role that reads the organization sees them;
/// read-write roles add, test and remove channels.
public struct ChannelSection: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var kind: String
        public var name: String
        /// Where it sends: a URL (a Teams URL without its signature) or the recipients.
        public var target: String
        public var events: String
        /// `enabled`, or why it is off.
        public var state: String
        /// A webhook: its signing secret can be replaced.
        public var rotatable: Bool = false
    }

    public struct Entry: Sendable, Equatable {
        public var created: String
        public var event: String
        public var state: String
        public var attempts: Int
        /// The last answer: an HTTP status or SMTP reply, or why there was none.
        public var last: String
        public var channelID: String
    }

    public var channels: [Row]
    public var deliveries: [Entry]
    /// The events a channel can take.
    public var events: [String]
    public var canWrite: Bool
    /// ServiceNow and Planner forms: an organization's page offers them, the instance's does not.
    public var offersTickets = true
    /// A webhook just added: its secret, shown this once.
    public var newSecret: (id: String, secret: String)?

    public static func == (lhs: ChannelSection, rhs: ChannelSection) -> Bool {
        lhs.channels == rhs.channels && lhs.deliveries == rhs.deliveries && lhs.canWrite == rhs.canWrite
            && lhs.newSecret?.id == rhs.newSecret?.id
    }

    func render(base: String, csrf: SafeHTML) -> SafeHTML {
        let secret = newSecret.map { created -> SafeHTML in
            #"<div class="ok" role="status"><p>Webhook <code>\#(created.id)</code>: its signing secret is shown only now; give it to the receiver:</p><p><code data-testid="webhook-secret">\#(created.secret)</code></p></div>"#
        }
        let rows = channels.map { channel -> SafeHTML in
            let actions: SafeHTML =
                canWrite
                ? """
                <form method="post" action="\(base)/channels/\(WebPath.segment(channel.id))/test" class="inline">\(csrf)<button type="submit" class="link">Send a test</button></form>
                <form method="post" action="\(base)/channels/\(WebPath.segment(channel.id))/remove" class="inline">\(csrf)<button type="submit" class="link">Remove</button></form>
                """ : ""
            let rotate: SafeHTML =
                canWrite && channel.rotatable
                ? """
                <form method="post" action="\(base)/channels/\(WebPath.segment(channel.id))/rotate" class="inline">\(csrf)<button type="submit" class="link">New secret</button></form>
                """ : ""
            return
                "<tr><td><code>\(channel.id)</code></td><td>\(channel.kind)</td><td>\(channel.name)</td><td class=\"wrap\">\(channel.target)</td><td>\(channel.events)</td><td>\(channel.state)</td><td>\(actions)\(rotate)</td></tr>"
        }
        let table: SafeHTML =
            channels.isEmpty
            ? #"<p class="hint">No channel yet.</p>"#
            : """
            <table data-testid="channels"><thead><tr><th scope="col">Id</th><th scope="col">Kind</th><th scope="col">Name</th><th scope="col">Sends to</th><th scope="col">Events</th><th scope="col">State</th><th scope="col"></th></tr></thead><tbody>\(rows)</tbody></table>
            """
        func boxes(_ prefix: String) -> SafeHTML {
            SafeHTML.join(
                events.enumerated().map { index, event -> SafeHTML in
                    #"<div class="check"><input type="checkbox" id="\#(prefix)-e\#(index)" name="events[]" value="\#(event)"><label for="\#(prefix)-e\#(index)">\#(event)</label></div>"#
                }
            )
        }
        // Tickets and tasks belong to an organization: the instance's page has no such forms.
        let tickets: SafeHTML =
            canWrite && offersTickets
            ? """
            <h3>Add a ServiceNow instance</h3>
            <p class="hint">Shared actions raise tickets in the table chosen here, and Posture reads their state back every ten minutes. Use an integration user with the itil role (incidents) or a change role (change requests); with OAuth, an OAuth API endpoint for external clients too. Passwords and the client secret are sealed and never shown again.</p>
            <form method="post" action="\(base)/channels" class="row" data-testid="add-servicenow">\(csrf)<input type="hidden" name="kind" value="servicenow">
              <label for="sn-name">Name</label><input type="text" id="sn-name" name="name" maxlength="100" placeholder="IT service desk">
              <label for="sn-url">Instance</label><input type="url" id="sn-url" name="instanceUrl" required placeholder="https://contoso.service-now.com">
              <label for="sn-table">Tickets are</label><select id="sn-table" name="table"><option value="incident" selected>Incidents</option><option value="change_request">Change requests</option></select>
              <label for="sn-auth">Sign-in</label><select id="sn-auth" name="authentication"><option value="basic" selected>User name and password</option><option value="oauth">OAuth (password grant)</option></select>
              <label for="sn-user">User name</label><input type="text" id="sn-user" name="username" required autocomplete="off">
              <label for="sn-password">Password</label><input type="password" id="sn-password" name="password" required autocomplete="new-password">
              <label for="sn-client">OAuth client id</label><input type="text" id="sn-client" name="clientId" autocomplete="off">
              <label for="sn-secret">OAuth client secret</label><input type="password" id="sn-secret" name="clientSecret" autocomplete="new-password">
              <label for="sn-category">Category</label><input type="text" id="sn-category" name="category" placeholder="(the table's default)">
              <label for="sn-group">Assignment group</label><input type="text" id="sn-group" name="assignmentGroup" placeholder="(none)">
              <button type="submit">Add ServiceNow</button>
            </form>
            <h3>Add a Microsoft Planner plan</h3>
            <p class="hint">Shared actions become tasks in this plan and bucket, created through the organization's Microsoft 365 connection: its app needs the Tasks.ReadWrite.All application permission (Test connection checks it). Posture reads the tasks' progress back every ten minutes. The plan and bucket ids are in the plan's address in Planner, or from Graph (GET /groups/{group-id}/planner/plans, then /planner/plans/{plan-id}/buckets).</p>
            <form method="post" action="\(base)/channels" class="row" data-testid="add-planner">\(csrf)<input type="hidden" name="kind" value="planner">
              <label for="pl-name">Name</label><input type="text" id="pl-name" name="name" maxlength="100" placeholder="Security backlog">
              <label for="pl-plan">Plan id</label><input type="text" id="pl-plan" name="planId" required maxlength="64" autocomplete="off">
              <label for="pl-bucket">Bucket id</label><input type="text" id="pl-bucket" name="bucketId" required maxlength="64" autocomplete="off">
              <label for="pl-assignee">Assign to</label><input type="text" id="pl-assignee" name="assigneeId" maxlength="36" autocomplete="off" placeholder="(nobody: a person's Entra ID object id)">
              <button type="submit">Add Planner plan</button>
            </form>
            """ : ""
        let forms: SafeHTML =
            canWrite
            ? """
            <h3>Add a webhook</h3>
            <form method="post" action="\(base)/channels" class="row" data-testid="add-webhook">\(csrf)<input type="hidden" name="kind" value="webhook">
              <label for="wh-url">URL</label><input type="url" id="wh-url" name="url" required maxlength="2048" placeholder="https://hooks.example.com/posture">
              <fieldset><legend>Events</legend>\(boxes("wh"))</fieldset>
              <button type="submit">Add webhook</button>
            </form>
            <h3>Add a Microsoft Teams channel</h3>
            <p class="hint">In the Teams channel, add the Workflows template "Post to a channel when a webhook request is received" and paste its URL. The URL carries its own signature: Posture keeps it sealed and shows only its start.</p>
            <form method="post" action="\(base)/channels" class="row" data-testid="add-teams">\(csrf)<input type="hidden" name="kind" value="teams">
              <label for="tm-name">Name</label><input type="text" id="tm-name" name="name" maxlength="100" placeholder="Security operations">
              <label for="tm-url">Workflows URL</label><input type="url" id="tm-url" name="url" required maxlength="2048" placeholder="https://….logic.azure.com/workflows/…">
              <fieldset><legend>Events</legend>\(boxes("tm"))</fieldset>
              <button type="submit">Add Teams channel</button>
            </form>
            <h3>Add an e-mail channel</h3>
            <p class="hint">Posture submits mail to your SMTP server: port 587 with STARTTLS, or 465 with TLS. The password is sealed and never shown again.</p>
            <form method="post" action="\(base)/channels" class="row" data-testid="add-email">\(csrf)<input type="hidden" name="kind" value="email">
              <label for="em-name">Name</label><input type="text" id="em-name" name="name" maxlength="100" placeholder="Security team">
              <label for="em-to">To</label><input type="text" id="em-to" name="to" required placeholder="secops@contoso.example, ciso@contoso.example">
              <label for="em-host">SMTP server</label><input type="text" id="em-host" name="host" required placeholder="smtp.office365.com">
              <label for="em-port">Port</label><input type="text" inputmode="numeric" id="em-port" name="port" value="587">
              <label for="em-security">Security</label><select id="em-security" name="security"><option value="starttls" selected>STARTTLS</option><option value="tls">TLS</option><option value="none">None (a relay on a closed network)</option></select>
              <label for="em-user">User name</label><input type="text" id="em-user" name="username" autocomplete="off">
              <label for="em-password">Password</label><input type="password" id="em-password" name="password" autocomplete="new-password">
              <label for="em-from">From</label><input type="email" id="em-from" name="from" required placeholder="posture@contoso.example">
              <fieldset><legend>Events</legend>\(boxes("em"))</fieldset>
              <button type="submit">Add e-mail channel</button>
            </form>
            \(tickets)
            """ : ""
        let log = deliveries.map { entry -> SafeHTML in
            "<tr><td>\(entry.created)</td><td>\(entry.event)</td><td>\(entry.state)</td><td>\(entry.attempts)</td><td>\(entry.last)</td><td><code>\(entry.channelID)</code></td></tr>"
        }
        let logTable: SafeHTML =
            deliveries.isEmpty
            ? #"<p class="hint">Nothing sent yet.</p>"#
            : """
            <table data-testid="delivery-log"><thead><tr><th scope="col">Queued</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Channel</th></tr></thead><tbody>\(log)</tbody></table>
            """
        return """
            <section aria-labelledby="h-channels" id="channels"><h2 id="h-channels">Channels</h2>
            <p class="hint">\(offersTickets ? "Alerts and shared actions go out through these channels; shared actions raise tickets in ServiceNow and tasks in Microsoft Planner." : "Every organization's alerts go out through these channels, under the instance-wide rules.") Each message is tried again for about a day; a webhook receiver that answers 410 turns its channel off. Webhooks are signed (Standard Webhooks): see the documentation for verifying them.</p>
            \(secret)
            \(table)
            \(forms)
            <h3>Delivery log</h3>
            \(logTable)
            </section>
            """
    }
}
