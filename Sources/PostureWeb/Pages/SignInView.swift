/// The sign-in page.
public struct SignInView: Sendable, Equatable {
    public var username: String
    public var csrfToken: String
    /// Where to go after signing in (a local path).
    public var next: String
    public var error: String?

    public func render() -> String {
        let error = error.map { #"<p class="error" role="alert">\#($0.html)</p>"# } ?? ""
        return Layout(title: "Sign in", signedIn: nil).render(
            SafeHTML(
                trusted: """
                    <section class="card">
                    <h1>Sign in to Posture</h1>
                    \(error)
                    <form method="post" action="/signin">
                      <input type="hidden" name="csrf" value="\(csrfToken.html)">
                      <input type="hidden" name="next" value="\(next.html)">
                      <label for="username">User name</label>
                      <input type="text" id="username" name="username" value="\(username.html)" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
                      <label for="password">Password</label>
                      <input type="password" id="password" name="password" autocomplete="current-password" required>
                      <button type="submit">Sign in</button>
                    </form>
                    </section>
                    """
            )
        )
    }
}
