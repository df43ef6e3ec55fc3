import PostureCore

/// The page where people change their password, and must on first sign-in.
public struct PasswordView: Sendable, Equatable {
    public var signedIn: Layout.SignedIn
    public var mustChange: Bool
    public var errors: [String]

    public func render() -> String {
        guard signedIn.hasPassword else {
            return Layout(title: "Password", signedIn: signedIn).render(
                """
                <section class="card">
                <h1>No password here</h1>
                <p>You sign in through your organization's sign-in provider, so Posture keeps no password for you. Change your password, or your multifactor settings, there.</p>
                </section>
                """
            )
        }
        let intro: SafeHTML =
            mustChange
            ? "<p>Choose your own password before you go on: the one you signed in with was for one use only.</p>"
            : ""
        let errors: SafeHTML =
            errors.isEmpty
            ? ""
            : #"<div class="error" role="alert"><ul>\#(errors.map { error -> SafeHTML in "<li>\(error)</li>" })</ul></div>"#
        return Layout(title: "Change password", signedIn: signedIn).render(
            """
            <section class="card">
            <h1>Change password</h1>
            \(intro)
            \(errors)
            <form method="post" action="/account/password">
              <input type="hidden" name="csrf" value="\(signedIn.csrfToken)">
              <label for="current">Current password</label>
              <input type="password" id="current" name="current" autocomplete="current-password" required>
              <label for="new">New password</label>
              <input type="password" id="new" name="new" autocomplete="new-password" minlength="\(PasswordPolicy.minimumLength)" aria-describedby="new-hint" required>
              <p class="hint" id="new-hint">At least \(PasswordPolicy.minimumLength) characters; a passphrase of several words works well.</p>
              <label for="confirm">New password again</label>
              <input type="password" id="confirm" name="confirm" autocomplete="new-password" required>
              <button type="submit">Change password</button>
            </form>
            </section>
            """
        )
    }
}
