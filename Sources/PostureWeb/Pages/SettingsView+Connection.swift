import PostureCore

/// The Connections part of Settings: the organization's Microsoft 365 connection, for read-write
/// roles. The credential is entered, never shown: a stored one is only ever replaced.
public struct ConnectionSection: Sendable, Equatable {
    public struct Current: Sendable, Equatable {
        public var tenantID: String
        public var clientID: String
        public var credential: String
        /// The cloud's id (`gcc-high`) and its name (`GCC High`).
        public var cloudID: String
        public var cloud: String
        /// The sources' ids (`entra-id`) and names (`Entra ID`).
        public var sourceIDs: [String]
        public var sources: [String]
        public var loginURL: String
        public var graphURL: String
        public var exchangeURL: String
        /// Nil where the cloud offers no Defender for Endpoint API.
        public var defenderURL: String?
        public var rotatedAt: String
        public var collection: Collection
        /// Through the instance-wide app: its consent address, and when consent was seen.
        public var consent: Consent? = nil
    }

    public struct Consent: Sendable, Equatable {
        public var url: String
        public var grantedAt: String?
    }

    /// How the server's collections of the connection go, in words.
    public struct Collection: Sendable, Equatable {
        public var intervalMinutes: Int
        /// "every 6 hours".
        public var interval: String
        /// `pending`, `healthy`, `failing` or `stale`, and its sentence.
        public var health: String
        public var healthText: String
        public var running: Bool
        public var lastSuccess: String?
        public var lastAttempt: String?
        public var nextRun: String
        public var duration: String?
        public var problem: String?
        public var resources: String?
        /// Resources that could not be read, each with why.
        public var failed: [(resource: String, reason: String)]

        public static func == (lhs: Collection, rhs: Collection) -> Bool {
            lhs.intervalMinutes == rhs.intervalMinutes && lhs.health == rhs.health && lhs.running == rhs.running
                && lhs.lastSuccess == rhs.lastSuccess && lhs.lastAttempt == rhs.lastAttempt
                && lhs.nextRun == rhs.nextRun && lhs.problem == rhs.problem
                && lhs.failed.map(\.resource) == rhs.failed.map(\.resource)
        }
    }

    /// The intervals the schedule form offers, in minutes, with their words.
    public static let intervals: [(minutes: Int, label: String)] = [
        (15, "15 minutes"), (30, "30 minutes"), (60, "hour"), (120, "2 hours"), (240, "4 hours"),
        (360, "6 hours"), (720, "12 hours"), (1_440, "day"), (10_080, "week"),
    ]

    /// "every 6 hours", "every 90 minutes".
    public static func every(_ minutes: Int) -> String {
        if let known = intervals.first(where: { $0.minutes == minutes }) { return "every " + known.label }
        if minutes % 60 == 0 { return "every \(minutes / 60) hours" }
        return "every \(minutes) minutes"
    }

    /// One line of a connection test: resource, permission and what was found.
    public struct TestLine: Sendable, Equatable {
        public var source: String
        public var resource: String
        public var permission: String
        public var result: String
        /// `granted`, `missing`, `notLicensed` or `failed`, for styling.
        public var code: String
    }

    public var current: Current?
    /// The instance-wide app's client id, when one is set up: the form then offers it.
    public var instanceApp: String? = nil
    public var clouds: [(value: String, label: String)]
    public var sources: [(value: String, label: String)]
    /// The summary and lines of a test just run; nil when none was.
    public var test: (summary: String, ready: Bool, lines: [TestLine])? = nil

    public static func == (lhs: ConnectionSection, rhs: ConnectionSection) -> Bool {
        lhs.current == rhs.current && lhs.instanceApp == rhs.instanceApp
            && lhs.clouds.map(\.value) == rhs.clouds.map(\.value)
            && lhs.test?.summary == rhs.test?.summary && lhs.test?.lines == rhs.test?.lines
    }

    func render(base: String, csrf: SafeHTML) -> SafeHTML {
        let action = base + "/connection"
        let cloudOptions = SafeHTML.join(
            clouds.map { cloud -> SafeHTML in
                let selected: SafeHTML = cloud.value == (current?.cloudID ?? "commercial") ? " selected" : ""
                return #"<option value="\#(cloud.value)"\#(selected)>\#(cloud.label)</option>"#
            }
        )
        let sourceBoxes = SafeHTML.join(
            sources.map { source -> SafeHTML in
                let checked: SafeHTML = current.map { $0.sourceIDs.contains(source.value) } ?? true ? " checked" : ""
                return
                    #"<div class="check"><input type="checkbox" id="src-\#(source.value)" name="sources[]" value="\#(source.value)"\#(checked)><label for="src-\#(source.value)">\#(source.label)</label></div>"#
            }
        )
        var summary: SafeHTML = #"<p data-testid="connection-none">This organization has no connection yet.</p>"#
        var manage: SafeHTML = ""
        if let current {
            summary = """
                <dl class="facts" data-testid="connection">
                <dt>Tenant</dt><dd>\(current.tenantID)</dd>
                <dt>Application (client) id</dt><dd><code>\(current.clientID)</code></dd>
                <dt>Credential</dt><dd>\(current.credential), last set \(current.rotatedAt)</dd>
                <dt>Cloud</dt><dd>\(current.cloud)</dd>
                <dt>Sources</dt><dd>\(current.sources.joined(separator: ", "))</dd>
                <dt>Endpoints</dt><dd>\(current.loginURL) · \(current.graphURL) · \(current.exchangeURL)\(current.defenderURL.map { " · " + $0 } ?? "")</dd>
                \(current.consent.map(Self.renderConsent) ?? "")
                </dl>
                """
            var report: SafeHTML = ""
            if let test {
                let rows = test.lines.map { line -> SafeHTML in
                    #"<tr class="\#(line.code)"><td>\#(line.source)</td><td>\#(line.resource)</td><td>\#(line.permission)</td><td>\#(line.result)</td></tr>"#
                }
                let table: SafeHTML =
                    rows.isEmpty
                    ? ""
                    : #"<table><thead><tr><th scope="col">Source</th><th scope="col">Resource</th><th scope="col">Permission</th><th scope="col">Result</th></tr></thead><tbody>\#(rows)</tbody></table>"#
                report = """
                    <div class="\(test.ready ? "ok" : "error")" role="status" data-testid="connection-test"><p>\(test.summary)</p></div>
                    \(table)
                    """
            }
            manage = """
                \(Self.renderCollection(current.collection, action: action, csrf: csrf))
                <form method="post" action="\(action)/test" class="inline">\(csrf)<button type="submit">Test connection</button></form>
                <p class="hint">Signs in and reads one item of each resource the sources need; nothing is stored.</p>
                \(report)
                <h3>Replace the credential</h3>
                <form method="post" action="\(action)/rotate" class="row">\(csrf)
                  <label for="rot-secret">New client secret</label><input type="password" id="rot-secret" name="clientSecret" autocomplete="off">
                  <label for="rot-cert">or new certificate (PEM)</label><textarea id="rot-cert" name="certificate" rows="3"></textarea>
                  <button type="submit">Replace credential</button>
                </form>
                <form method="post" action="\(action)/remove" class="inline">\(csrf)<button type="submit" class="link">Remove the connection</button></form>
                """
        }
        return """
            <section aria-labelledby="h-connection" id="connection"><h2 id="h-connection">Microsoft 365 connection</h2>
            <p class="hint">The tenant, the app registration that signs in to it and its credential. The credential is sealed before it is stored and never shown again.</p>
            \(summary)
            <h3>\(current == nil ? "Connect" : "Change the connection")</h3>
            \(current == nil ? "" : #"<p class="hint">Changing the connection takes its credential again: the stored one is never shown, and a new tenant or app needs its own.</p>"# as SafeHTML)
            <form method="post" action="\(action)" class="row">\(csrf)
              <label for="con-tenant">Tenant id or domain</label><input type="text" id="con-tenant" name="tenantId" required maxlength="253" value="\(current?.tenantID ?? "")">
              <label for="con-client">Application (client) id</label><input type="text" id="con-client" name="clientId" required maxlength="36" value="\(current?.clientID ?? "")">
              \(instanceApp.map { app -> SafeHTML in
                  let checked: SafeHTML = current?.consent != nil ? " checked" : ""
                  return #"<div class="check"><input type="checkbox" id="con-app" name="useInstanceApp" value="on"\#(checked)><label for="con-app">Sign in with the instance-wide app (\#(app)): no secret here, the tenant's administrator grants consent</label></div>"#
              } ?? "")
              <label for="con-secret">Client secret</label><input type="password" id="con-secret" name="clientSecret" autocomplete="off">
              <label for="con-cert">or certificate (PEM)</label><textarea id="con-cert" name="certificate" rows="3"></textarea>
              <label for="con-cloud">Cloud</label><select id="con-cloud" name="cloud">\(cloudOptions)</select>
              <fieldset><legend>Sources</legend>\(sourceBoxes)</fieldset>
              <button type="submit">Save connection</button>
            </form>
            \(manage)
            </section>
            """
    }

    static func renderConsent(_ consent: Consent) -> SafeHTML {
        if let granted = consent.grantedAt {
            return #"<dt>Admin consent</dt><dd data-testid="consent-granted">granted, seen \#(granted)</dd>"#
        }
        return """
            <dt>Admin consent</dt><dd data-testid="consent-pending">not granted yet. Send this address to a Global \
            administrator of the tenant, who approves the app's permissions there; Posture notices the consent at once. \
            <a href="\(href: consent.url)" rel="noopener noreferrer" target="_blank">Grant admin consent</a> \
            <code class="wrap">\(consent.url)</code></dd>
            """
    }

    static func renderCollection(_ collection: Collection, action: String, csrf: SafeHTML) -> SafeHTML {
        var facts: [SafeHTML] = [
            #"<dt>Health</dt><dd><span class="health \#(collection.health)" data-testid="connection-health">\#(collection.healthText)</span></dd>"#,
            "<dt>Schedule</dt><dd>\(collection.interval)</dd>",
        ]
        if collection.running {
            facts.append(#"<dt>Now</dt><dd data-testid="connection-running">collecting</dd>"#)
        }
        facts.append("<dt>Last success</dt><dd>\(collection.lastSuccess ?? "never")</dd>")
        if let attempt = collection.lastAttempt {
            let took: SafeHTML = collection.duration.map { " (\($0))" } ?? ""
            facts.append("<dt>Last attempt</dt><dd>\(attempt)\(took)</dd>")
        }
        facts.append("<dt>Next run</dt><dd>\(collection.nextRun)</dd>")
        if let resources = collection.resources { facts.append("<dt>Read</dt><dd>\(resources)</dd>") }
        if let problem = collection.problem {
            facts.append(#"<dt>Problem</dt><dd class="error" data-testid="connection-problem">\#(problem)</dd>"#)
        }
        let failed: SafeHTML =
            collection.failed.isEmpty
            ? ""
            : """
            <table data-testid="connection-failed"><caption>Resources not read by the last collection</caption>
            <thead><tr><th scope="col">Resource</th><th scope="col">Why</th></tr></thead><tbody>\(
                    collection.failed.map { "<tr><td>\($0.resource)</td><td>\($0.reason)</td></tr>" as SafeHTML })</tbody></table>
            """
        let choices =
            intervals.contains { $0.minutes == collection.intervalMinutes }
            ? intervals : intervals + [(collection.intervalMinutes, "\(collection.intervalMinutes) minutes")]
        let options = SafeHTML.join(
            choices.map { choice -> SafeHTML in
                let selected: SafeHTML = choice.minutes == collection.intervalMinutes ? " selected" : ""
                return #"<option value="\#(choice.minutes)"\#(selected)>every \#(choice.label)</option>"#
            }
        )
        return """
            <h3>Collection</h3>
            <dl class="facts" data-testid="connection-collection">\(SafeHTML.join(facts))</dl>
            \(failed)
            <form method="post" action="\(action)/refresh" class="inline">\(csrf)<button type="submit">Refresh now</button></form>
            <form method="post" action="\(action)/schedule" class="inline">\(csrf)
              <label for="con-every">Collect</label><select id="con-every" name="collectEveryMinutes">\(options)</select>
              <button type="submit">Save schedule</button>
            </form>
            <p class="hint">The server collects the tenant on this schedule, and again sooner after a failure (5 minutes, doubling up to the schedule). Data older than two intervals is marked stale.</p>
            """
    }
}
