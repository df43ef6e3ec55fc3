import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices
@testable import PostureWeb

@Suite struct SignInTests {
    static let password = "correct horse battery staple"

    @Test(arguments: TestDatabase.available)
    func firstSignInForcesAPasswordChangeThenShowsOnlyGrantedOrganizations(database: TestDatabase) async throws {
        try await WebHarness.with(database: database) { web in
            try await web.addUser("ana", password: Self.password, roles: ["contoso": .securityReader], mustChange: true)

            let form = try await web.send(.GET, "/signin")
            #expect(form.status == .ok && form.body.contains("<form method=\"post\" action=\"/signin\">"))
            let signInCookie = try #require(form.setCookie("posture_signin"))
            #expect(signInCookie.contains("HttpOnly") && signInCookie.contains("SameSite=Strict"))
            #expect(form.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)

            #expect(try await web.signIn("ana", "wrong password here").status == .unauthorized)
            let signedIn = try await web.signIn("ana", Self.password)
            #expect(signedIn.status == .seeOther && signedIn.location == "/account/password")
            let session = try #require(signedIn.setCookie("posture_session"))
            for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
                #expect(session.contains(attribute), "\(attribute) in \(session)")
            }
            // The sign-in form's cookie is deleted where it was set, or the browser would keep it.
            let spent = try #require(signedIn.setCookie("posture_signin"))
            #expect(spent.contains("Max-Age=0") && spent.contains("Path=/signin"), "\(spent)")

            // Until the password changes, every page leads to the change form.
            #expect(try await web.send(.GET, "/").location == "/account/password")
            let page = try await web.send(.GET, "/account/password")
            #expect(page.body.contains("for one use only"))
            let csrf = try WebHarness.csrf(page.body)
            let forged = try await web.send(
                .POST,
                "/account/password",
                form: [
                    ("current", Self.password), ("new", "a brand new passphrase"),
                    ("confirm", "a brand new passphrase"),
                ]
            )
            #expect(forged.status == .forbidden, "no CSRF token")
            let weak = try await web.send(
                .POST,
                "/account/password",
                form: [("csrf", csrf), ("current", Self.password), ("new", "short"), ("confirm", "short")]
            )
            #expect(weak.status == .badRequest && weak.body.contains("at least 12 characters"))
            let oldSession = web.cookies.withLockedValue { $0["posture_session"] }
            let changed = try await web.send(
                .POST,
                "/account/password",
                form: [
                    ("csrf", csrf), ("current", Self.password), ("new", "a brand new passphrase"),
                    ("confirm", "a brand new passphrase"),
                ]
            )
            #expect(changed.status == .seeOther && changed.location == "/")
            #expect(web.cookies.withLockedValue { $0["posture_session"] } != oldSession, "a fresh session")
            #expect(try await web.runtime.identity.session(try #require(oldSession)) == nil, "the old one ended")

            let home = try await web.send(.GET, "/")
            #expect(home.status == .ok)
            #expect(home.body.contains("Contoso") && home.body.contains("Security reader"))
            #expect(!home.body.contains("Fabrikam"), "no role there")
            #expect(home.headers.first(name: .cacheControl) == "no-store")

            let signOut = try await web.send(.POST, "/signout", form: [("csrf", try WebHarness.csrf(home.body))])
            #expect(signOut.status == .seeOther && signOut.location == "/signin?signedout=1")
            let after = try await web.send(.GET, "/")
            #expect(after.location == "/signin?next=/")
            // The new password works; the one-time one no longer does.
            #expect(try await web.signIn("ana", Self.password).status == .unauthorized)
            #expect(try await web.signIn("ana", "a brand new passphrase").location == "/")
            let actions = try await web.runtime.service.store.auditEntries(organizationID: nil).map(\.action)
            #expect(actions.contains("user.password.change"))
        }
    }

    /// Wrong passwords slow the address they come from, doubling each time; they never lock the
    /// account, so its owner signs in from another address at once.
    @Test func repeatedFailuresSlowTheGuesserWithoutLockingTheOwnerOut() async throws {
        try await WebHarness.with(live: true) { web in
            try await web.addUser("bob", password: Self.password, roles: ["contoso": .globalAdministrator])
            for _ in 1...3 { #expect(try await web.signIn("bob", "not the password!").status == .unauthorized) }
            // The fourth attempt from the attacker's address must wait a second, the next two, …
            let slowed = try await web.signIn("bob", "not the password!")
            #expect(slowed.status == .tooManyRequests && slowed.headers.first(name: .retryAfter) == "1")
            var waits: [String] = []
            for _ in 1...4 {
                web.advance(Double(Int(waits.last ?? "1") ?? 1))
                #expect(try await web.signIn("bob", "not the password!").status == .unauthorized)
                waits.append(try await web.signIn("bob", "still wrong").headers.first(name: .retryAfter) ?? "")
            }
            #expect(waits == ["2", "4", "8", "16"], "\(waits)")
            #expect(try await web.runtime.identity.user("bob").failedSignIns == 7)
            // The owner, from another address, is not held up and the right password works.
            // (Over a real socket the client follows the redirect; a success shows as the count reset.)
            let owner = try await web.signIn("bob", Self.password, headers: [("X-Forwarded-For", "198.51.100.7")])
            #expect(owner.status != .unauthorized && owner.status != .tooManyRequests, "\(owner.status)")
            #expect(try await web.runtime.identity.user("bob").failedSignIns == 0, "the owner signed in")
        }
    }

    @Test func parallelGuessesAllCountAndWrongCurrentPasswordsEndTheSessions() async throws {
        try await WebHarness.with { web in
            try await web.addUser("erin", password: Self.password, roles: ["contoso": .securityReader])
            let identity = web.runtime.identity
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { _ = try await identity.signIn("erin", password: "guess guess guess") }
                }
                try await group.waitForAll()
            }
            #expect(try await identity.user("erin").failedSignIns == 8, "eight parallel guesses are eight failures")

            try await web.addUser("fred", password: Self.password, roles: ["contoso": .securityReader])
            let signedIn = try await web.signIn("fred", Self.password)
            #expect(signedIn.location == "/")
            let page = try await web.send(.GET, "/account/password")
            let csrf = try WebHarness.csrf(page.body)
            for guess in 1...5 {
                let wrong = try await web.send(
                    .POST,
                    "/account/password",
                    form: [
                        ("csrf", csrf), ("current", "guess number \(guess)"), ("new", "whatever new pass"),
                        ("confirm", "whatever new pass"),
                    ]
                )
                #expect(wrong.status == (guess < 5 ? .badRequest : .badRequest))
            }
            // A stolen session cannot go on guessing: the fifth wrong guess ended it.
            #expect(try await web.send(.GET, "/account/password").location?.hasPrefix("/signin") == true)
            let audit = try await web.runtime.service.store.auditEntries(organizationID: nil)
            #expect(audit.contains { $0.action == "user.sessions.end" && $0.target == "fred" })
        }
    }

    @Test func signInIsRateLimitedAndForgedFormsAreRefused() async throws {
        try await WebHarness.with(live: true) { web in
            try await web.addUser("carol", password: Self.password, roles: ["contoso": .securityReader])
            let noToken = try await web.send(
                .POST,
                "/signin",
                form: [("username", "carol"), ("password", Self.password)]
            )
            #expect(noToken.status == .forbidden && noToken.setCookie("posture_session") == nil)
            // Thirty attempts per address, whatever the names…
            for attempt in 1...30 {
                #expect(try await web.signIn("user\(attempt)", "whatever it is").status == .unauthorized)
            }
            let limited = try await web.signIn("someone", "whatever it is")
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            // …while the same name from other addresses is not limited: nobody can keep carol out.
            for address in 1...12 {
                let attempt = try await web.signIn(
                    "carol",
                    "whatever it is",
                    headers: [("X-Forwarded-For", "203.0.113.\(address)")]
                )
                #expect(attempt.status == .unauthorized, "address \(address)")
            }
            let owner = try await web.signIn("carol", Self.password, headers: [("X-Forwarded-For", "203.0.113.99")])
            #expect(owner.status != .unauthorized && owner.status != .tooManyRequests)
            #expect(try await web.runtime.identity.user("carol").failedSignIns == 0, "carol signed in")
            web.advance(5 * 60 + 1)
            #expect(try await web.signIn("someone", "whatever it is").status == .unauthorized, "the window lapses")
        }
    }

    @Test func nextNeverLeavesTheSiteAndNamesAreEscaped() async throws {
        try await WebHarness.with { web in
            try await web.addUser("dave", password: Self.password, roles: ["fabrikam": .globalReader])
            #expect(try await web.signIn("dave", Self.password, next: "//evil.example/x").location == "/")
            for next in ["/\t/evil.example", "/\n/evil.example", "https://evil.example", "/\\evil.example"] {
                #expect(WebRoutes.localPath(next) == "/", "\(next)")
            }
            #expect(WebRoutes.localPath("/account/password?x=1") == "/account/password?x=1")
            let home = try await web.send(.GET, "/")
            #expect(home.body.contains("Fabrikam &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!home.body.contains("<script>alert(1)"))
            _ = try await web.send(.POST, "/signout", form: [("csrf", try WebHarness.csrf(home.body))])
            #expect(
                try await web.signIn("dave", Self.password, next: "/account/password").location == "/account/password"
            )
        }
    }

    /// Reflected parameters carrying a quote, apostrophe, `<` or `&` followed by a combining mark come
    /// back escaped: the sign-in page's `next` and `username`, and the action list's search.
    @Test func reflectedParametersWithCombiningMarksAreEscaped() async throws {
        try await WebHarness.with { web in
            let hostile = "x\"\u{301} autofocus onfocus=alert(1) '\u{301} <\u{338}script> &\u{301}"
            let encoded = WebHarness.encode(hostile)
            let signIn = try await web.send(.GET, "/signin?next=/\(encoded)")
            #expect(signIn.status == .ok)
            #expect(!MarkupChecks.hasRawSpecial(signIn.body, allowTags: true), "next is reflected raw")
            let refused = try await web.signIn(hostile, "wrong password here")
            #expect(!MarkupChecks.hasRawSpecial(refused.body, allowTags: true), "username is reflected raw")
            #expect(refused.body.contains("x&quot;\u{301} autofocus"))
            try await web.addUser("erin", password: Self.password, roles: ["contoso": .securityReader])
            _ = try await web.signIn("erin", Self.password)
            let list = try await web.send(.GET, "/orgs/contoso/actions?q=\(encoded)")
            #expect(list.status == .ok)
            #expect(!MarkupChecks.hasRawSpecial(list.body, allowTags: true), "the search is reflected raw")
            #expect(list.body.contains("&lt;\u{338}script&gt;"))
        }
    }

    @Test func instanceAdministratorsSeeEveryOrganization() async throws {
        try await WebHarness.with { web in
            _ = try await web.runtime.identity.addUser(
                "root",
                instanceAdministrator: true,
                password: Self.password,
                actor: "test"
            )
            var root = try await web.runtime.identity.user("root")
            root.mustChangePassword = false
            try await web.runtime.identity.store.updateUser(root)
            #expect(try await web.signIn("root", Self.password).location == "/")
            let home = try await web.send(.GET, "/")
            #expect(home.body.contains("Contoso") && home.body.contains("Fabrikam"))
            #expect(home.body.contains("Instance administrator"))
        }
    }
}
