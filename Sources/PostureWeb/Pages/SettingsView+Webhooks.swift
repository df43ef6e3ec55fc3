/// Settings → Webhooks: the organization's signed webhook endpoints and its delivery log. Every
/// role that reads the organization sees them; read-write roles add, test and remove endpoints.
public struct WebhookSection: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        public var id: String
        public var url: String
        public var events: String
        /// `enabled`, or why it is off.
        public var state: String
    }

    public struct Entry: Sendable, Equatable {
        public var created: String
        public var event: String
        public var state: String
        public var attempts: Int
        /// The last answer: an HTTP status, or why there was none.
        public var last: String
        public var endpointID: String
    }

    public var endpoints: [Endpoint]
    public var deliveries: [Entry]
    /// The events an endpoint can take: value and label.
    public var events: [String]
    public var canWrite: Bool
    /// An endpoint just added: its secret, shown this once.
    public var newSecret: (id: String, secret: String)?

    public static func == (lhs: WebhookSection, rhs: WebhookSection) -> Bool {
        lhs.endpoints == rhs.endpoints && lhs.deliveries == rhs.deliveries && lhs.canWrite == rhs.canWrite
            && lhs.newSecret?.id == rhs.newSecret?.id
    }

    func render(base: String, csrf: SafeHTML) -> SafeHTML {
        let secret = newSecret.map { created -> SafeHTML in
            #"<div class="ok" role="status"><p>Endpoint <code>\#(created.id)</code> added. Its signing secret is shown only now; give it to the receiver:</p><p><code data-testid="webhook-secret">\#(created.secret)</code></p></div>"#
        }
        let rows = endpoints.map { endpoint -> SafeHTML in
            let actions: SafeHTML =
                canWrite
                ? """
                <form method="post" action="\(base)/webhooks/\(WebPath.segment(endpoint.id))/test" class="inline">\(csrf)<button type="submit" class="link">Send a test</button></form>
                <form method="post" action="\(base)/webhooks/\(WebPath.segment(endpoint.id))/remove" class="inline">\(csrf)<button type="submit" class="link">Remove</button></form>
                """ : ""
            return
                "<tr><td><code>\(endpoint.id)</code></td><td class=\"wrap\">\(endpoint.url)</td><td>\(endpoint.events)</td><td>\(endpoint.state)</td><td>\(actions)</td></tr>"
        }
        let table: SafeHTML =
            endpoints.isEmpty
            ? #"<p class="hint">No endpoint yet.</p>"#
            : """
            <table><thead><tr><th scope="col">Id</th><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col"></th></tr></thead><tbody>\(rows)</tbody></table>
            """
        let boxes = events.enumerated().map { index, event -> SafeHTML in
            #"<div class="check"><input type="checkbox" id="wh-e\#(index)" name="events[]" value="\#(event)"><label for="wh-e\#(index)">\#(event)</label></div>"#
        }
        let form: SafeHTML =
            canWrite
            ? """
            <form method="post" action="\(base)/webhooks" class="row">\(csrf)
              <label for="wh-url">URL</label><input type="url" id="wh-url" name="url" required maxlength="2048" placeholder="https://hooks.example.com/posture">
              <fieldset><legend>Events</legend>\(boxes)</fieldset>
              <button type="submit">Add endpoint</button>
            </form>
            """ : ""
        let log = deliveries.map { entry -> SafeHTML in
            "<tr><td>\(entry.created)</td><td>\(entry.event)</td><td>\(entry.state)</td><td>\(entry.attempts)</td><td>\(entry.last)</td><td><code>\(entry.endpointID)</code></td></tr>"
        }
        let logTable: SafeHTML =
            deliveries.isEmpty
            ? #"<p class="hint">Nothing sent yet.</p>"#
            : """
            <table data-testid="delivery-log"><thead><tr><th scope="col">Queued</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Endpoint</th></tr></thead><tbody>\(log)</tbody></table>
            """
        return """
            <section aria-labelledby="h-webhooks" id="webhooks"><h2 id="h-webhooks">Webhooks</h2>
            <p class="hint">Posture signs every message (Standard Webhooks) with the endpoint's secret and tries again for about a day; a receiver that answers 410 turns its endpoint off. See the documentation for verifying signatures.</p>
            \(secret)
            \(table)
            \(form)
            <h3>Delivery log</h3>
            \(logTable)
            </section>
            """
    }
}
