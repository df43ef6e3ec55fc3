import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices
@testable import PostureWeb

/// Signing in through a provider, up to the network: the sign-ins under way and their one use,
/// the people a first sign-in creates, the roles a session carries, and passwords switched off.
/// The whole flow against a real provider runs in the browser suite (tests/browser).
@Suite struct ProviderSignInTests {
    static let provider = ExternalIssuer(
        issuer: "http://127.0.0.1:9",
        audience: nil,
        mappings: [],
        directoryRolesOrganization: "contoso",
        signIn: SignInSettings(name: "Test directory", clientID: "posture")
    )

    @Test func pkceChallengeIsTheRFCs() {
        // RFC 7636, appendix B.
        #expect(
            PKCE.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
                == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        )
    }

    @Test(arguments: TestDatabase.available)
    func aSignInIsUsedOnceByTheBrowserThatStartedIt(database: TestDatabase) async throws {
        try await WebHarness.with(database: database) { web in
            let identity = web.runtime.identity
            let start = try #require(
                try await identity.beginExternalSignIn(issuer: Self.provider.issuer, next: "/orgs/contoso")
            )
            #expect(
                try await identity.takeExternalSignIn(state: start.state, browserToken: "another browser")
                    == .otherBrowser
            )
            // Taken even when refused: a state is good for one answer only.
            #expect(
                try await identity.takeExternalSignIn(state: start.state, browserToken: start.browserToken) == .unknown
            )

            let second = try #require(try await identity.beginExternalSignIn(issuer: Self.provider.issuer, next: "/"))
            guard
                case .valid(let attempt) = try await identity.takeExternalSignIn(
                    state: second.state,
                    browserToken: second.browserToken
                )
            else {
                Issue.record("the right state and browser were refused")
                return
            }
            #expect(attempt.nonce == second.nonce && attempt.codeVerifier == second.codeVerifier && attempt.next == "/")
            #expect(attempt.stateHash != second.state, "only a hash of the state is stored")

            // One client cannot keep everyone else out: its sign-ins under way are capped.
            for _ in 0..<IdentityService.signInAttemptsPerClient {
                #expect(
                    try await identity.beginExternalSignIn(issuer: Self.provider.issuer, next: "/", client: "192.0.2.9")
                        != nil
                )
            }
            #expect(
                try await identity.beginExternalSignIn(issuer: Self.provider.issuer, next: "/", client: "192.0.2.9")
                    == nil
            )
            #expect(
                try await identity.beginExternalSignIn(issuer: Self.provider.issuer, next: "/", client: "192.0.2.10")
                    != nil
            )
            // An overlong return address is not kept.
            let long = "/orgs/contoso?" + String(repeating: "x", count: IdentityService.nextPathLimit)
            let overlong = try #require(
                try await identity.beginExternalSignIn(issuer: Self.provider.issuer, next: long)
            )
            guard
                case .valid(let kept) = try await identity.takeExternalSignIn(
                    state: overlong.state,
                    browserToken: overlong.browserToken
                )
            else {
                Issue.record("refused")
                return
            }
            #expect(kept.next == "/")

            let late = try #require(try await identity.beginExternalSignIn(issuer: Self.provider.issuer, next: "/"))
            web.advance(IdentityService.signInAttemptLifetime + 1)
            #expect(
                try await identity.takeExternalSignIn(state: late.state, browserToken: late.browserToken) == .expired
            )
        }
    }

    @Test func theCallbackRefusesATamperedOrReplayedState() async throws {
        let configure: @Sendable (inout PostureConfiguration) -> Void = { $0.externalIssuers = [Self.provider] }
        try await WebHarness.with(configure: configure) { web in
            let start = try #require(
                try await web.runtime.identity.beginExternalSignIn(issuer: Self.provider.issuer, next: "/")
            )
            web.cookies.withLockedValue { $0[WebCookies.providerSignIn] = start.browserToken }
            let tampered = try await web.send(.GET, "/signin/callback?code=c&state=\(start.state)x")
            #expect(tampered.status == .badRequest && tampered.body.contains("already used, or its state was changed"))
            // The provider said no: the answer is shown, and the state is used up.
            let denied = try await web.send(.GET, "/signin/callback?error=access_denied&state=\(start.state)")
            #expect(
                denied.status == .unauthorized
                    && denied.body.contains("Test directory did not sign you in (access_denied)")
            )
            let replayed = try await web.send(.GET, "/signin/callback?code=c&state=\(start.state)")
            #expect(replayed.status == .badRequest && replayed.body.contains("already used"))
            #expect(replayed.setCookie(WebCookies.session) == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFirstSignInCreatesThePersonAndTheSessionCarriesTheDirectoryRoles(database: TestDatabase) async throws {
        try await WebHarness.with(database: database) { web in
            let identity = web.runtime.identity
            try await web.addUser("ana@contoso.example", password: "an old local passphrase")
            let profile = SignInProfile(
                claims: ["sub": "s-1", "name": "Ana Directory", "email": "ana@contoso.example"],
                subjectClaim: "sub"
            )
            let (user, token) = try await identity.signInExternally(
                tokenIssuer: Self.provider.issuer,
                providerName: "Test directory",
                providerIssuer: Self.provider.issuer,
                profile: profile,
                access: Access(roles: ["contoso": .securityReader]),
                requestID: "r-1"
            )
            // The name was taken by a local account: never linked by name.
            #expect(
                user.username == "ana@contoso.example-2" && !user.hasPassword && user.displayName == "Ana Directory"
            )
            let (_, signedIn) = try #require(try await identity.session(token))
            #expect(signedIn.roles == ["contoso": .securityReader])
            #expect(try await identity.user(user.username).roles.isEmpty, "directory roles are not grants")
            // A password cannot sign in to an account without one.
            #expect(try await identity.signIn(user.username, password: "") == .refused)

            // A local grant and a directory role combine; the stronger wins in each organization.
            try await identity.grant(.globalReader, to: user.username, in: "fabrikam", actor: "test")
            try await identity.grant(.globalReader, to: user.username, in: "contoso", actor: "test")
            let (_, combined) = try #require(try await identity.session(token))
            #expect(combined.roles == ["contoso": .securityReader, "fabrikam": .globalReader])

            // The role gone at the provider: the next sign-in has none, the same person again.
            let (again, second) = try await identity.signInExternally(
                tokenIssuer: Self.provider.issuer,
                providerName: "Test directory",
                providerIssuer: Self.provider.issuer,
                profile: profile,
                access: Access(roles: ["fabrikam": .globalReader]),
                requestID: "r-2"
            )
            #expect(again.id == user.id)
            let (_, later) = try #require(try await identity.session(second))
            #expect(later.roles == ["contoso": .globalReader, "fabrikam": .globalReader])
            // The first session's roles end with it.
            web.advance(identity.sessionLifetime + 1)
            #expect(try await identity.session(token) == nil)

            let entries = try await web.runtime.service.store.auditEntries(organizationID: nil).filter {
                $0.action == "user.signin"
            }
            #expect(entries.count == 2)
            let after = try #require(entries.first?.after)
            #expect(after.contains(#""provider":"Test directory""#) && after.contains(#""subject":"s-1""#))
            let people = try await web.runtime.service.store.identities()
            #expect(
                people.map(\.subject) == ["s-1"] && people.first?.directoryAccess?.roles == ["fabrikam": .globalReader]
            )

            // Removing the person removes the account link: a later sign-in starts afresh.
            try await identity.removeUser(user.username, actor: "test")
            #expect(try await web.runtime.service.store.identities().isEmpty)
        }
    }

    @Test func rolesFromTheDirectoryDoNotHandOutAccessThatOutlastsTheSession() async throws {
        try await WebHarness.with { web in
            let identity = web.runtime.identity
            let (_, token) = try await identity.signInExternally(
                tokenIssuer: Self.provider.issuer,
                providerName: "Test directory",
                providerIssuer: Self.provider.issuer,
                profile: SignInProfile(claims: ["sub": "g-1", "email": "gabe@contoso.example"], subjectClaim: "sub"),
                access: Access(instanceAdministrator: true, roles: ["contoso": .globalAdministrator])
            )
            web.cookies.withLockedValue { $0[WebCookies.session] = token }
            // They read and change what their role allows…
            #expect(try await web.send(.GET, "/orgs/contoso").status == .ok)
            let settings = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(settings.status == .ok && !settings.body.contains("settings/people"))
            // …but give no role, make no person and no API client that would outlive the session.
            let csrf = try WebHarness.csrf(settings.body)
            let member = try await web.send(
                .POST,
                "/orgs/contoso/settings/people",
                form: [("csrf", csrf), ("username", "mallory"), ("role", "globalAdministrator")]
            )
            #expect(member.status == .forbidden && member.body.contains("comes from your directory sign-in"))
            let client = try await web.send(
                .POST,
                "/orgs/contoso/settings/clients",
                form: [("csrf", csrf), ("name", "backdoor"), ("role", "globalAdministrator"), ("write", "1")]
            )
            #expect(client.status == .forbidden)
            #expect(try await web.send(.GET, "/people").status == .forbidden)
            #expect(try await web.runtime.service.store.users().map(\.username) == ["gabe@contoso.example"])
            // A role granted in Posture does.
            try await identity.grant(.globalAdministrator, to: "gabe@contoso.example", in: "contoso", actor: "test")
            let granted = try await web.send(.GET, "/orgs/contoso/settings")
            #expect(granted.body.contains(#"action="/orgs/contoso/settings/people""#))
            let created = try await web.send(
                .POST,
                "/orgs/contoso/settings/clients",
                form: [("csrf", csrf), ("name", "sensor"), ("role", "securityReader")]
            )
            #expect(created.status == .ok && created.body.contains("Client created."))
        }
    }

    @Test func passwordsSwitchedOffLeaveOnlyTheProviders() async throws {
        let configure: @Sendable (inout PostureConfiguration) -> Void = {
            $0.externalIssuers = [Self.provider]
            $0.passwordSignIn = false
        }
        try await WebHarness.with(configure: configure) { web in
            try await web.addUser("ana", password: "a long local passphrase")
            let page = try await web.send(.GET, "/signin?next=/orgs/contoso")
            #expect(
                page.body.contains(#"href="/signin/provider/0?next=/orgs/contoso">Sign in with Test directory</a>"#)
            )
            #expect(!page.body.contains(#"action="/signin""#), "no password form")
            let post = try await web.send(
                .POST,
                "/signin",
                form: [("username", "ana"), ("password", "a long local passphrase")]
            )
            #expect(post.status == .forbidden && post.setCookie(WebCookies.session) == nil)
            let unknown = try await web.send(.GET, "/signin/provider/7")
            #expect(unknown.status == .notFound)
        }
    }

    @Test func passwordsOffWithoutAProviderIsRefusedAtStartUp() {
        #expect(throws: ConfigurationError.self) {
            _ = try PostureConfiguration.load(flags: .init(), environment: ["POSTURE_PASSWORD_SIGN_IN": "off"])
        }
        #expect(throws: ConfigurationError.self) {
            _ = try PostureConfiguration.load(flags: .init(), environment: ["POSTURE_SESSION_HOURS": "0"])
        }
        let hours = try? PostureConfiguration.load(flags: .init(), environment: ["POSTURE_SESSION_HOURS": "8"])
        #expect(hours?.sessionHours == 8)
    }
}
