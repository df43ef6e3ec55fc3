import PostureCore

/// The People page for instance administrators: everyone who can sign in, with their roles;
/// adding people, new one-time passwords and removal.
public struct PeopleView: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        public var username: String
        public var displayName: String
        public var roles: String
        public var state: String
        /// "Password", the providers the person signs in through, or both.
        public var signsInWith: String
        /// False for people who sign in through a provider only: a password would let them around
        /// the provider and its multifactor authentication.
        public var canReset: Bool = true
    }

    public var signedIn: Layout.SignedIn
    public var people: [Person]
    public var organizations: [(id: String, name: String)]
    public var roles: [(value: String, label: String)]
    /// A one-time password just created: shown this once.
    public var oneTimePassword: (username: String, password: String)?
    public var message: String?
    public var errors: [String]

    public static func == (lhs: PeopleView, rhs: PeopleView) -> Bool {
        lhs.people == rhs.people && lhs.message == rhs.message && lhs.errors == rhs.errors
            && lhs.oneTimePassword?.username == rhs.oneTimePassword?.username
    }

    public func render() -> String {
        let csrf = Notices.csrf(signedIn.csrfToken)
        let rows = people.map { person -> SafeHTML in
            """
            <tr><td>\(person.username)</td><td>\(person.displayName)</td><td>\(person.signsInWith)</td><td>\(person.roles)</td><td>\(person.state)</td>
            <td>\(person.canReset ? #"<form method="post" action="/people/reset" class="inline">\#(csrf)<input type="hidden" name="username" value="\#(person.username)"><button type="submit" class="link">New one-time password</button></form> · "# as SafeHTML : "")<form method="post" action="/people/remove" class="inline">\(csrf)<input type="hidden" name="username" value="\(person.username)"><button type="submit" class="link">Remove</button></form></td></tr>
            """
        }
        let organizationOptions: SafeHTML =
            #"<option value="">None yet</option>\#(Notices.options(organizations.map { ($0.id, $0.name) }))"#
        let roleOptions = Notices.options(roles.map { ($0.value, $0.label) })
        let secret =
            oneTimePassword.map { created -> SafeHTML in
                #"<div class="ok" role="status"><p>One-time password for <strong>\#(created.username)</strong>, shown only now; it must be changed at first sign-in:</p><p><code data-testid="one-time-password">\#(created.password)</code></p></div>"#
            }
        let messages = Notices.render(message: message, errors: errors)
        return Layout(title: "People", signedIn: signedIn).render(
            """
            <h1>People</h1>
            \(messages)\(secret)
            <table><thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Signs in with</th><th scope="col">Roles</th><th scope="col">State</th><th scope="col"></th></tr></thead>
            <tbody>\(SafeHTML.join(rows, separator: "\n"))</tbody></table>
            <h2>Add a person</h2>
            <form method="post" action="/people" class="row">\(csrf)
              <label for="p-user">User name</label><input type="text" id="p-user" name="username" required maxlength="64">
              <label for="p-name">Display name</label><input type="text" id="p-name" name="displayName" maxlength="100">
              <label for="p-org">Organization</label><select id="p-org" name="org">\(organizationOptions)</select>
              <label for="p-role">Role</label><select id="p-role" name="role">\(roleOptions)</select>
              <div class="check"><input type="checkbox" id="p-admin" name="admin" value="1"><label for="p-admin">Instance administrator</label></div>
              <button type="submit">Add</button>
            </form>
            """
        )
    }
}
