import PostureCore

/// The sign-in page.
public struct SignInView: Sendable, Equatable {
    public var username: String
    public var csrfToken: String
    /// Where to go after signing in (a local path).
    public var next: String
    public var error: String?

    public func render() -> String {
        let error = error.map { message -> SafeHTML in #"<p class="error" role="alert">\#(message)</p>"# }
        return Layout(title: "Sign in", signedIn: nil).render(
            """
            <section class="card">
            <h1>Sign in to Posture</h1>
            \(error)
            <form method="post" action="/signin">
              <input type="hidden" name="csrf" value="\(csrfToken)">
              <input type="hidden" name="next" value="\(next)">
              <label for="username">User name</label>
              <input type="text" id="username" name="username" value="\(username)" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
              <label for="password">Password</label>
              <input type="password" id="password" name="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            </section>
            """
        )
    }
}
