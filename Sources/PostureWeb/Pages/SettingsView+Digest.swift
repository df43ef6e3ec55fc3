import PostureCore

/// Settings → Weekly digest: the signed-in person's own choice, whatever their role.
public struct DigestSection: Sendable, Equatable {
    /// The address the person gets it at; nil when they do not.
    public var email: String?
    /// Whether the organization has an e-mail channel to send through.
    public var hasEmailChannel: Bool

    public init(email: String?, hasEmailChannel: Bool) {
        self.email = email
        self.hasEmailChannel = hasEmailChannel
    }

    func render(base: String, csrf: SafeHTML) -> SafeHTML {
        let state: SafeHTML =
            email.map { address -> SafeHTML in
                #"<p data-testid="digest-state">You get this organization's digest at <strong>\#(address)</strong> every Monday morning (07:00 UTC).</p>"#
            } ?? #"<p data-testid="digest-state">You do not get this organization's digest.</p>"#
        let form: SafeHTML =
            hasEmailChannel || email != nil
            ? """
            <form method="post" action="\(base)/digest" class="row" data-testid="digest-form">\(csrf)
              <label for="dg-email">Your e-mail</label><input type="email" id="dg-email" name="email" required maxlength="254" value="\(email ?? "")" autocomplete="email">
              <button type="submit">\(email == nil ? "Send me the digest" : "Change address")</button>
            </form>
            """
            : #"<p class="hint">The digest goes through the organization's e-mail channel, and it has none yet: a read-write role adds one under Channels.</p>"#
        let stop: SafeHTML =
            email == nil
            ? ""
            : """
            <form method="post" action="\(base)/digest/stop" class="inline">\(csrf)<button type="submit" class="link">Stop my digest</button></form>
            """
        return """
            <section aria-labelledby="h-digest" id="digest"><h2 id="h-digest">Weekly digest</h2>
            <p class="hint">One e-mail a week for you alone: the score and its change over the week, the five actions worth most, open tickets and exceptions expiring within 14 days.</p>
            \(state)
            \(form)
            \(stop)
            </section>
            """
    }
}
