import PostureCore

/// The Settings page: score zones and the custom comparison (read-write roles), API clients and
/// people's roles (Global administrators).
public struct SettingsView: Sendable, Equatable {
    public struct Client: Sendable, Equatable {
        public var id: String
        public var name: String
        public var role: String
        public var scopes: String
        public var revoked: Bool
    }

    public struct Member: Sendable, Equatable {
        public var username: String
        public var displayName: String
        public var role: String
        /// Whether the viewer may remove this person's role.
        public var removable: Bool
    }

    public var signedIn: Layout.SignedIn
    public var nav: Layout.OrganizationNav
    /// Nil when the person may change zones and the comparison; otherwise why not.
    public var lockedReason: String?
    /// API clients: Global administrators.
    public var canManageAccess: Bool
    /// People's roles: every read-write role, for the roles in ``grantableRoles``.
    public var canManageMembers: Bool
    public var zones: [(zone: String, from: String, to: String)]
    public var industry: String
    public var region: String
    public var minSeats: String
    public var maxSeats: String
    public var clients: [Client]
    public var members: [Member]
    public var roles: [(value: String, label: String)]
    /// The roles the viewer may grant here (all for a Global administrator, else the read-only ones).
    public var grantableRoles: [(value: String, label: String)]
    /// A client secret just created: shown this once.
    public var newSecret: (clientID: String, secret: String)?
    /// A person just added here: their one-time password, shown this once.
    public var newMember: (username: String, password: String)? = nil
    /// The Microsoft 365 connection: read-write roles; nil for the others.
    public var connection: ConnectionSection? = nil
    /// Channels and the delivery log: every role that reads the organization.
    public var channels: ChannelSection? = nil
    /// Alert rules: every role that reads the organization.
    public var alerts: AlertSection? = nil
    /// The person's own weekly digest.
    public var digest: DigestSection? = nil
    /// The organization's scheduled reports: every role that reads it.
    public var reports: ReportScheduleSection? = nil
    public var message: String?
    public var errors: [String]

    public static func == (lhs: SettingsView, rhs: SettingsView) -> Bool {
        lhs.nav == rhs.nav && lhs.lockedReason == rhs.lockedReason && lhs.clients == rhs.clients
            && lhs.members == rhs.members && lhs.errors == rhs.errors && lhs.message == rhs.message
            && lhs.connection == rhs.connection && lhs.channels == rhs.channels && lhs.alerts == rhs.alerts
            && lhs.digest == rhs.digest && lhs.reports == rhs.reports
    }

    public func render() -> String {
        let base = "/orgs/" + WebPath.segment(nav.id) + "/settings"
        let csrf = Notices.csrf(signedIn.csrfToken)
        let disabled: SafeHTML = lockedReason == nil ? "" : " disabled"
        let reason = lockedReason.map { reason -> SafeHTML in #"<p class="locked">\#(reason)</p>"# }
        let zoneInputs = zones.enumerated().map { index, zone -> SafeHTML in
            """
            <fieldset><legend>\(zone.zone)</legend>
            <input type="hidden" name="zone\(index)" value="\(zone.zone)">
            <label for="z\(index)-from">From %</label><input type="text" inputmode="decimal" id="z\(index)-from" name="from\(index)" value="\(zone.from)"\(disabled)>
            <label for="z\(index)-to">To %</label><input type="text" inputmode="decimal" id="z\(index)-to" name="to\(index)" value="\(zone.to)"\(disabled)>
            </fieldset>
            """
        }
        let messages = Notices.render(message: message, errors: errors)
        var access: SafeHTML = ""
        var clientsSection: SafeHTML = ""
        if canManageAccess {
            let secret =
                newSecret.map { created -> SafeHTML in
                    #"<div class="ok" role="status"><p>Client <code>\#(created.clientID)</code> created. Its secret is shown only now:</p><p><code data-testid="client-secret">\#(created.secret)</code></p></div>"#
                }
            let clientRows = clients.map { client -> SafeHTML in
                let revoke: SafeHTML =
                    client.revoked
                    ? "revoked"
                    : """
                    <form method="post" action="\(base)/clients/\(WebPath.segment(client.id))/revoke" class="inline">\(csrf)<button type="submit" class="link">Revoke</button></form>
                    """
                return
                    "<tr><td><code>\(client.id)</code></td><td>\(client.name)</td><td>\(client.role)</td><td>\(client.scopes)</td><td>\(revoke)</td></tr>"
            }
            let roleOptions = Notices.options(roles.map { ($0.value, $0.label) })
            clientsSection = """
                <section aria-labelledby="h-clients"><h2 id="h-clients">API clients</h2>
                \(secret)
                <table><thead><tr><th scope="col">Client id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Scopes</th><th scope="col">State</th></tr></thead><tbody>\(clientRows)</tbody></table>
                <form method="post" action="\(base)/clients" class="row">\(csrf)
                  <label for="c-name">Name</label><input type="text" id="c-name" name="name" required maxlength="100">
                  <label for="c-role">Role</label><select id="c-role" name="role">\(roleOptions)</select>
                  <div class="check"><input type="checkbox" id="c-write" name="write" value="1"><label for="c-write">May change data (SecurityEvents.ReadWrite.All)</label></div>
                  <button type="submit">Create client</button>
                </form></section>
                """
        }
        if canManageMembers {
            let memberSecret =
                newMember.map { created -> SafeHTML in
                    #"<div class="ok" role="status"><p>One-time password for <strong>\#(created.username)</strong>, shown only now; it must be changed at first sign-in:</p><p><code data-testid="member-password">\#(created.password)</code></p></div>"#
                }
            let roleOptions = Notices.options(grantableRoles.map { ($0.value, $0.label) })
            let memberRows = members.map { member -> SafeHTML in
                let remove: SafeHTML =
                    member.removable
                    ? """
                    <form method="post" action="\(base)/members/revoke" class="inline">\(csrf)<input type="hidden" name="username" value="\(member.username)"><button type="submit" class="link">Remove role</button></form>
                    """ : ""
                return """
                    <tr><td>\(member.username)</td><td>\(member.displayName)</td><td>\(member.role)</td><td>\(remove)</td></tr>
                    """
            }
            let scope: SafeHTML =
                canManageAccess
                ? ""
                : #"<p class="hint">Your role grants and removes the read-only roles; a Global administrator manages the others.</p>"#
            access =
                clientsSection + """
                    <section aria-labelledby="h-members"><h2 id="h-members">People and roles</h2>
                    \(scope)
                    <table><thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col"></th></tr></thead><tbody>\(memberRows)</tbody></table>
                    <form method="post" action="\(base)/members" class="row">\(csrf)
                      <label for="m-user">User name</label><input type="text" id="m-user" name="username" required>
                      <label for="m-role">Role</label><select id="m-role" name="role">\(roleOptions)</select>
                      <button type="submit">Change role</button>
                    </form>
                    <h3>Add a person</h3>
                    \(memberSecret)
                    <form method="post" action="\(base)/people" class="row">\(csrf)
                      <label for="n-user">User name</label><input type="text" id="n-user" name="username" required maxlength="64">
                      <label for="n-name">Display name</label><input type="text" id="n-name" name="displayName" maxlength="200">
                      <label for="n-role">Role</label><select id="n-role" name="role">\(roleOptions)</select>
                      <button type="submit">Add</button>
                    </form>
                    <p class="hint">A new person gets a one-time password to change at first sign-in. People who already have an account elsewhere on this instance are given a role here by an instance administrator.</p>
                    </section>
                    """
        } else {
            access = clientsSection
        }
        return Layout(title: "Settings · \(nav.name)", signedIn: signedIn, organization: nav).render(
            """
            <h1>Settings</h1>
            \(messages)
            \(digest?.render(base: base, csrf: csrf))
            <section aria-labelledby="h-zones" id="zones"><h2 id="h-zones">Score zones</h2>
            \(reason)
            <form method="post" action="\(base)/zones" class="zones">\(csrf)\(zoneInputs)
            <button type="submit"\(disabled)>Save zones</button></form>
            <form method="post" action="\(base)/zones/reset" class="inline">\(csrf)<button type="submit" class="link"\(disabled)>Back to the defaults (0–40–70–100)</button></form>
            </section>
            <section aria-labelledby="h-comparison" id="comparison"><h2 id="h-comparison">Custom comparison</h2>
            <p class="hint">Organizations of this industry, region and seat range; empty fields match all. Seat ranges are whole bands (from 1, 101, 501, 1001, 5001 or 10001 to 100, 500, 1000, 5000 or 10000). To keep every organization's score private, an organization counts only where at least 6 share its seat band, industry and region.</p>
            <form method="post" action="\(base)/comparison" class="row">\(csrf)
              <label for="cmp-industry">Industry</label><input type="text" id="cmp-industry" name="industry" value="\(industry)"\(disabled)>
              <label for="cmp-region">Region</label><input type="text" id="cmp-region" name="region" value="\(region)"\(disabled)>
              <label for="cmp-min">Min seats</label><input type="text" inputmode="numeric" id="cmp-min" name="minSeats" value="\(minSeats)"\(disabled)>
              <label for="cmp-max">Max seats</label><input type="text" inputmode="numeric" id="cmp-max" name="maxSeats" value="\(maxSeats)"\(disabled)>
              <button type="submit"\(disabled)>Save comparison</button>
            </form></section>
            \(connection?.render(base: base, csrf: csrf))
            \(alerts?.render(base: base, csrf: csrf))
            \(channels?.render(base: base, csrf: csrf))
            \(reports?.render(base: base, csrf: csrf))
            \(access)
            """
        )
    }
}
