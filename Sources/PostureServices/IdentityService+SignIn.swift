import Foundation
import PostureCore
import PostureStore

/// Signing in through an OpenID Connect provider: the sign-ins under way, the people they create
/// on first sign-in, and the sessions that carry the roles the provider's claims gave.
extension IdentityService {
    /// Sign-ins under way at once on the instance: starting one needs no account, so the table
    /// they wait in is bounded.
    public static let signInAttemptLimit = 10_000
    /// …and from one client (an IPv4 address or IPv6 /64): more than a person needs, few enough
    /// that filling the table takes hundreds of networks.
    public static let signInAttemptsPerClient = 20
    /// The longest page address a sign-in returns to.
    public static let nextPathLimit = 1_024
    /// How long a person has at the provider before the sign-in must start again.
    public static let signInAttemptLifetime: TimeInterval = 600

    /// The secrets of a sign-in that goes to the provider: `state` and `nonce` travel in the
    /// authorization request, the PKCE verifier stays here, the browser token goes into a cookie.
    public struct SignInStart: Sendable {
        public var state: String
        public var nonce: String
        public var codeVerifier: String
        public var browserToken: String
    }

    /// Starts a sign-in through the provider of `issuer` (as configured) for a client (its
    /// ``ClientAddress/limitKey(_:)``); nil when too many are under way.
    public func beginExternalSignIn(issuer: String, next: String, client: String = "") async throws -> SignInStart? {
        let now = clock.now()
        let start = SignInStart(
            state: RandomToken.make(),
            nonce: RandomToken.make(),
            codeVerifier: RandomToken.make(),
            browserToken: RandomToken.make()
        )
        let saved = try await store.saveSignInAttempt(
            StoredSignInAttempt(
                stateHash: PostureStore.secretHash(start.state),
                browserHash: PostureStore.secretHash(start.browserToken),
                clientKey: client,
                issuer: issuer,
                nonce: start.nonce,
                codeVerifier: start.codeVerifier,
                next: next.utf8.count <= Self.nextPathLimit ? next : "/",
                expiresAt: now.addingTimeInterval(Self.signInAttemptLifetime)
            ),
            now: now,
            limit: Self.signInAttemptLimit,
            perClient: Self.signInAttemptsPerClient
        )
        return saved ? start : nil
    }

    public enum SignInReturn: Sendable, Equatable {
        case valid(StoredSignInAttempt)
        /// No sign-in has this `state`: tampered with, or already used.
        case unknown
        case expired
        /// Started in another browser: someone else's sign-in sent to this person (login CSRF).
        case otherBrowser
    }

    /// The sign-in a provider's answer belongs to, taken so it can be used once only.
    public func takeExternalSignIn(state: String, browserToken: String) async throws -> SignInReturn {
        guard !state.isEmpty,
            let attempt = try await store.takeSignInAttempt(stateHash: PostureStore.secretHash(state))
        else { return .unknown }
        guard ConstantTime.equal(attempt.browserHash, PostureStore.secretHash(browserToken)) else {
            return .otherBrowser
        }
        guard attempt.expiresAt > clock.now() else { return .expired }
        return .valid(attempt)
    }

    /// Signs in the person a provider vouched for: their account links them to a person (created
    /// on first sign-in, with no password), and a session opens with the roles the claims give,
    /// which end with it. Audited with the provider and subject.
    public func signInExternally(
        tokenIssuer: String,
        providerName: String,
        providerIssuer: String,
        profile: SignInProfile,
        access: Access,
        requestID: String? = nil
    ) async throws -> (user: StoredUser, sessionToken: String) {
        let now = clock.now()
        let found: StoredUser
        if let linked = try await linkedUser(tokenIssuer: tokenIssuer, subject: profile.subject) {
            found = linked
        } else {
            let account = StoredIdentity(
                issuer: tokenIssuer,
                subject: profile.subject,
                userID: UUID(),
                provider: providerName,
                directoryAccess: access,
                lastSignInAt: now
            )
            do {
                found = try await createExternalPerson(profile, account: account, now: now, requestID: requestID)
            } catch {
                // A second first sign-in of the same account won the race (take its person), or
                // someone took the name meanwhile (another name).
                if let linked = try await linkedUser(tokenIssuer: tokenIssuer, subject: profile.subject) {
                    found = linked
                } else {
                    var renamed = profile
                    renamed.preferredUsername = nil
                    found = try await createExternalPerson(renamed, account: account, now: now, requestID: requestID)
                }
            }
        }
        let user = found
        let token = RandomToken.make()
        let session = StoredSession(
            tokenHash: PostureStore.secretHash(token),
            userID: user.id,
            csrfToken: RandomToken.make(),
            createdAt: now,
            expiresAt: now.addingTimeInterval(sessionLifetime),
            lastSeenAt: now,
            provider: providerIssuer,
            directoryAccess: access
        )
        try await store.transaction { store in
            try await store.saveIdentity(
                StoredIdentity(
                    issuer: tokenIssuer,
                    subject: profile.subject,
                    userID: user.id,
                    provider: providerName,
                    directoryAccess: access,
                    lastSignInAt: now
                )
            )
            try await store.createSession(session)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: user.username,
                    organizationID: nil,
                    action: "user.signin",
                    target: user.username,
                    after: JSONValue.object(
                        JSONObject([
                            ("provider", .string(providerName)), ("issuer", .string(tokenIssuer)),
                            ("subject", .string(profile.subject)),
                            ("roles", Self.accessJSON(access)),
                        ])
                    ).jsonText,
                    requestID: requestID
                )
            )
        }
        var signedIn = user
        signedIn.merge(access)
        return (signedIn, token)
    }

    /// The person a provider account is linked to.
    public func linkedUser(tokenIssuer: String, subject: String) async throws -> StoredUser? {
        guard let identity = try await store.identity(issuer: tokenIssuer, subject: subject) else { return nil }
        return try await store.user(id: identity.userID)
    }

    /// A person for a provider account seen for the first time, linked to it in the same
    /// transaction: named after their e-mail address when that name is free, with no password
    /// (they sign in through the provider only).
    func createExternalPerson(
        _ profile: SignInProfile,
        account: StoredIdentity,
        now: Date,
        requestID: String?
    ) async throws -> StoredUser {
        let username = try await freeUsername(for: profile)
        let user = StoredUser(
            id: account.userID,
            username: username,
            displayName: profile.displayName,
            passwordHash: "",
            mustChangePassword: false,
            instanceAdministrator: false,
            failedSignIns: 0,
            lockedUntil: nil,
            createdAt: now,
            passwordChangedAt: nil,
            roles: [:]
        )
        try await store.transaction { store in
            try await store.createUser(user)
            try await store.saveIdentity(account)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: "system",
                    organizationID: nil,
                    action: "user.create",
                    target: username,
                    after: JSONValue.object(
                        JSONObject([
                            ("displayName", .string(user.displayName)), ("signsInWith", .string(account.provider)),
                        ])
                    ).jsonText,
                    requestID: requestID
                )
            )
        }
        return user
    }

    /// The person's e-mail address as a user name, with `-2`, `-3`… when another person has it (an
    /// account is never linked to a person by name: that would hand one person's roles to whoever
    /// shows the same address at another provider), else a random name.
    func freeUsername(for profile: SignInProfile) async throws -> String {
        if let base = profile.preferredUsername {
            let stem = String(base.prefix(TextLimits.Field.username.maximum - 3))
            for candidate in [base] + (2...9).map({ "\(stem)-\($0)" }) {
                if try await store.user(named: candidate) == nil { return candidate }
            }
        }
        return "sso-" + RandomHex.make(bytes: 6)
    }

    static func accessJSON(_ access: Access) -> JSONValue {
        var members: [(String, JSONValue)] = access.roles.sorted { $0.key < $1.key }.map {
            ($0.key, .string($0.value.rawValue))
        }
        if access.instanceAdministrator { members.insert(("*", .string("instanceAdministrator")), at: 0) }
        return .object(JSONObject(members))
    }
}

extension StoredUser {
    /// Adds roles from another source: in each organization the stronger role wins.
    public mutating func merge(_ other: Access) {
        instanceAdministrator = instanceAdministrator || other.instanceAdministrator
        for (organization, role) in other.roles {
            roles[organization] = roles[organization].map { min($0, role) } ?? role
        }
    }

    /// False for people who sign in only through a provider.
    public var hasPassword: Bool { !passwordHash.isEmpty }
}
