import PostureCore

/// The frame of every page: head, the signed-in bar and the main content.
public struct Layout {
    /// The signed-in person, shown in the bar with the sign-out button.
    public struct SignedIn: Sendable, Equatable {
        public var displayName: String
        public var csrfToken: String
        /// Instance administrators also see the People page.
        public var instanceAdministrator: Bool
        /// People who sign in through a provider have no password to change here.
        public var hasPassword: Bool

        public init(
            displayName: String,
            csrfToken: String,
            instanceAdministrator: Bool = false,
            hasPassword: Bool = true
        ) {
            self.displayName = displayName
            self.csrfToken = csrfToken
            self.instanceAdministrator = instanceAdministrator
            self.hasPassword = hasPassword
        }
    }

    /// The organization pages' navigation: the tabs and a switcher for people with several.
    public struct OrganizationNav: Sendable, Equatable {
        public enum Tab: String, Sendable, CaseIterable {
            case overview = "Overview"
            case actions = "Improvement actions"
            case history = "History"
            case metrics = "Metrics & trends"
            case settings = "Settings"

            var path: String {
                switch self {
                case .overview: ""
                case .actions: "/actions"
                case .history: "/history"
                case .metrics: "/metrics"
                case .settings: "/settings"
                }
            }
        }

        public var id: String
        public var name: String
        public var role: String
        public var current: Tab
        /// Every organization the person may open: (id, name); empty when there are more than
        /// ``switcherLimit``, where the switcher takes an id instead of listing them.
        public var others: [(id: String, name: String)]
        /// More organizations than a list can hold: every page would otherwise grow with the
        /// instance.
        public var many: Bool

        /// The most organizations the switcher lists by name.
        public static let switcherLimit = 50

        public init(
            id: String,
            name: String,
            role: String,
            current: Tab,
            others: [(id: String, name: String)],
            many: Bool = false
        ) {
            self.id = id
            self.name = name
            self.role = role
            self.current = current
            self.others = others
            self.many = many
        }

        public static func == (lhs: OrganizationNav, rhs: OrganizationNav) -> Bool {
            lhs.id == rhs.id && lhs.name == rhs.name && lhs.role == rhs.role && lhs.current == rhs.current
                && lhs.others.map(\.id) == rhs.others.map(\.id) && lhs.many == rhs.many
        }

        func render() -> SafeHTML {
            let base = "/orgs/" + WebPath.segment(id)
            let tabs = Tab.allCases.map { tab -> SafeHTML in
                let current: SafeHTML = tab == self.current ? #" aria-current="page""# : ""
                return #"<li><a href="\#(base)\#(tab.path)"\#(current)>\#(tab.rawValue)</a></li>"#
            }
            var switcher: SafeHTML = ""
            if many {
                switcher = """
                    <form class="switcher" method="get" action="/switch">
                      <label for="switch-org">Organization id</label>
                      <input id="switch-org" name="org" required autocomplete="off" spellcheck="false">
                      <input type="hidden" name="tab" value="\(current.path)">
                      <button type="submit">Open</button>
                      <a href="/">All organizations</a>
                    </form>
                    """
            } else if others.count > 1 {
                let options = others.map { other -> SafeHTML in
                    let selected: SafeHTML = other.id == id ? " selected" : ""
                    return #"<option value="\#(other.id)"\#(selected)>\#(other.name)</option>"#
                }
                switcher = """
                    <form class="switcher" method="get" action="/switch">
                      <label for="switch-org">Organization</label>
                      <select id="switch-org" name="org">\(options)</select>
                      <input type="hidden" name="tab" value="\(current.path)">
                      <button type="submit">Open</button>
                    </form>
                    """
            }
            return """
                <div class="org-head">
                  <div><p class="org-name">\(name) <span class="hint">(\(id)) · your role: \(role)</span></p></div>
                  \(switcher)
                </div>
                <nav class="tabs" aria-label="Organization"><ul>\(tabs)</ul></nav>
                """
        }
    }

    public var title: String
    public var signedIn: SignedIn?
    public var organization: OrganizationNav?
    /// An address the browser opens by itself right away (after signing out, the provider's own
    /// sign-out): a form's redirect to another site would be refused by `form-action 'self'`.
    public var refresh: String?

    public init(title: String, signedIn: SignedIn?, organization: OrganizationNav? = nil) {
        self.title = title
        self.signedIn = signedIn
        self.organization = organization
    }

    public func render(_ main: SafeHTML) -> String {
        var bar: SafeHTML = ""
        if let signedIn {
            let people: SafeHTML =
                signedIn.instanceAdministrator
                ? #"<a href="/people">People</a><a href="/instance/alerts">Instance alerts</a>"# : ""
            let password: SafeHTML = signedIn.hasPassword ? #"<a href="/account/password">Change password</a>"# : ""
            bar = """
                <nav class="account" aria-label="Account">
                  <span class="who">\(signedIn.displayName)</span>
                  <a href="/">All organizations</a>\(people)
                  \(password)
                  <form method="post" action="/signout" class="inline">
                    <input type="hidden" name="csrf" value="\(signedIn.csrfToken)">
                    <button type="submit" class="link">Sign out</button>
                  </form>
                </nav>
                """
        }
        let page: SafeHTML = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(title) · Posture</title>\(refresh.map { url -> SafeHTML in "\n<meta http-equiv=\"refresh\" content=\"0; url=\(url)\">" })
            <link rel="stylesheet" href="/assets/posture.css">
            <script src="/assets/posture.js" defer></script>
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header class="top">
              <a class="brand" href="/">Posture</a>
              \(bar)
            </header>
            <main id="main" tabindex="-1">
            \(organization?.render())
            \(main)
            </main>
            </body>
            </html>
            """
        return page.markup
    }
}
