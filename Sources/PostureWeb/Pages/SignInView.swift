import PostureCore

/// The sign-in page: a button for each provider people sign in through, and the password form
/// unless passwords are switched off.
public struct SignInView: Sendable, Equatable {
    public struct Provider: Sendable, Equatable {
        /// Where the button leads: `/signin/provider/{index}`.
        public var index: Int
        public var name: String
    }

    public var username: String
    public var csrfToken: String
    /// Where to go after signing in (a local path).
    public var next: String
    public var error: String?
    public var providers: [Provider] = []
    public var passwords = true
    public var notice: String?

    public func render() -> String {
        let error = error.map { message -> SafeHTML in #"<p class="error" role="alert">\#(message)</p>"# }
        let notice = notice.map { message -> SafeHTML in #"<p class="ok" role="status">\#(message)</p>"# }
        let query = next == "/" ? "" : "?next=" + WebRoutes.percentEncoded(next)
        let buttons = providers.map { provider -> SafeHTML in
            #"<p><a class="button" href="/signin/provider/\#(provider.index)\#(query)">Sign in with \#(provider.name)</a></p>"#
        }
        let divider: SafeHTML =
            !providers.isEmpty && passwords ? #"<p class="hint">or with your Posture password:</p>"# : ""
        let form: SafeHTML =
            passwords
            ? """
            <form method="post" action="/signin">
              <input type="hidden" name="csrf" value="\(csrfToken)">
              <input type="hidden" name="next" value="\(next)">
              <label for="username">User name</label>
              <input type="text" id="username" name="username" value="\(username)" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
              <label for="password">Password</label>
              <input type="password" id="password" name="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            """ : ""
        return Layout(title: "Sign in", signedIn: nil).render(
            """
            <section class="card">
            <h1>Sign in to Posture</h1>
            \(notice)\(error)
            \(SafeHTML.join(buttons, separator: "\n"))
            \(divider)
            \(form)
            </section>
            """
        )
    }
}

/// A sign-in through a provider that did not end in a session: what went wrong, and for an
/// account without a role, what to ask for.
public struct SignInRefusedView: Sendable, Equatable {
    public var title: String
    public var message: String
    public var reasons: [String] = []

    public func render() -> String {
        let list: SafeHTML =
            reasons.isEmpty ? "" : "<ul>\(SafeHTML.join(reasons.map { "<li>\($0)</li>" }, separator: "\n"))</ul>"
        return Layout(title: title, signedIn: nil).render(
            """
            <section class="card" data-testid="sign-in-refused">
            <h1>\(title)</h1>
            <p>\(message)</p>
            \(list)
            <p><a href="/signin">Back to the sign-in page</a></p>
            </section>
            """
        )
    }
}

/// After signing out of Posture, on the way to the provider's own sign-out.
public struct SignedOutView: Sendable, Equatable {
    public var providerName: String
    public var providerSignOut: String

    public func render() -> String {
        var layout = Layout(title: "Signed out", signedIn: nil)
        layout.refresh = providerSignOut
        return layout.render(
            """
            <section class="card">
            <h1>Signed out of Posture</h1>
            <p>You are signed out of Posture. <a href="\(href: providerSignOut)" data-testid="provider-sign-out">Sign out of \(providerName) too</a> if your browser does not go there by itself.</p>
            </section>
            """
        )
    }
}
