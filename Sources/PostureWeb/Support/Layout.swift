/// The frame of every page: head, the signed-in bar and the main content.
public struct Layout {
    /// The signed-in person, shown in the bar with the sign-out button.
    public struct SignedIn: Sendable, Equatable {
        public var displayName: String
        public var csrfToken: String

        public init(displayName: String, csrfToken: String) {
            self.displayName = displayName
            self.csrfToken = csrfToken
        }
    }

    public var title: String
    public var signedIn: SignedIn?

    public func render(_ main: SafeHTML) -> String {
        var bar = ""
        if let signedIn {
            bar = """
                <nav class="account" aria-label="Account">
                  <span class="who">\(signedIn.displayName.html)</span>
                  <a href="/account/password">Change password</a>
                  <form method="post" action="/signout" class="inline">
                    <input type="hidden" name="csrf" value="\(signedIn.csrfToken.html)">
                    <button type="submit" class="link">Sign out</button>
                  </form>
                </nav>
                """
        }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(title.html) · Posture</title>
            <link rel="stylesheet" href="/assets/posture.css">
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header class="top">
              <a class="brand" href="/">Posture</a>
              \(bar)
            </header>
            <main id="main" tabindex="-1">
            \(main.markup)
            </main>
            </body>
            </html>
            """
    }
}
