/// The start page: the organizations the signed-in person holds a role in, with their scores.
public struct OrganizationsView: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var name: String
        public var role: String
        public var score: String
        public var maxScore: String
        public var percentage: String
    }

    public var signedIn: Layout.SignedIn
    public var rows: [Row]

    public func render() -> String {
        let body: String
        if rows.isEmpty {
            body = "<p>You hold no role in any organization yet. Ask an administrator to grant you one.</p>"
        } else {
            body = """
                <table>
                <caption class="hint">Organizations you hold a role in</caption>
                <thead><tr><th scope="col">Organization</th><th scope="col">Id</th><th scope="col">Your role</th>
                <th scope="col" class="number">Score</th><th scope="col" class="number">Out of</th>
                <th scope="col" class="number">Percentage</th></tr></thead>
                <tbody>
                \(rows.map { row in
                    "<tr><td>\(row.name.html)</td><td><code>\(row.id.html)</code></td><td>\(row.role.html)</td>"
                        + "<td class=\"number\">\(row.score.html)</td><td class=\"number\">\(row.maxScore.html)</td>"
                        + "<td class=\"number\">\(row.percentage.html)</td></tr>"
                }.joined(separator: "\n"))
                </tbody>
                </table>
                """
        }
        return Layout(title: "Organizations", signedIn: signedIn).render(
            SafeHTML(trusted: "<h1>Organizations</h1>\n" + body)
        )
    }
}
