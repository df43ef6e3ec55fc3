import PostureCore

/// A page for a refused or failed request.
public struct ErrorView: Sendable, Equatable {
    public var title: String
    public var message: String
    public var signedIn: Layout.SignedIn?

    public func render() -> String {
        Layout(title: title, signedIn: signedIn).render(
            """
            <section class="card">
            <h1>\(title)</h1>
            <p>\(message)</p>
            <p><a href="/">Back to the start page</a></p>
            </section>
            """
        )
    }
}
