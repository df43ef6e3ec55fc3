import Foundation
import PostureCore
import PostureStore

/// Hashes and checks passwords. The server uses bcrypt; the implementation is injected so this
/// layer stays free of the web framework.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}

/// People, their roles and their sign-in sessions. Every change is audited.
public struct IdentityService: Sendable {
    let store: PostureStore
    public let passwords: any PasswordHashing
    public let clock: PostureClock
    /// A session ends this long after sign-in at the latest…
    public let sessionLifetime: TimeInterval
    /// …or after this long without a request.
    public let idleTimeout: TimeInterval

    public init(
        store: PostureStore,
        passwords: any PasswordHashing,
        clock: PostureClock,
        sessionLifetime: TimeInterval = 12 * 3600,
        idleTimeout: TimeInterval = 2 * 3600
    ) {
        self.store = store
        self.passwords = passwords
        self.clock = clock
        self.sessionLifetime = sessionLifetime
        self.idleTimeout = idleTimeout
    }

    // MARK: people

    /// Creates a user who must change the password at first sign-in. Without `password`, a
    /// one-time password is generated and returned: show it once, it is not stored.
    public func addUser(
        _ name: String,
        displayName: String? = nil,
        instanceAdministrator: Bool = false,
        password: String? = nil,
        actor: String,
        requestID: String? = nil
    ) async throws -> (user: StoredUser, oneTimePassword: String) {
        guard let username = UserName.normalized(name) else { throw IdentityError.invalidUserName(name) }
        if let problem = TextLimits.problem(.displayName, displayName) { throw IdentityError.invalidText(problem) }
        let initial = password ?? RandomToken.password()
        let problems = PasswordPolicy.problems(initial, username: username)
        guard problems.isEmpty else { throw IdentityError.weakPassword(problems) }
        let now = clock.now()
        let user = StoredUser(
            id: UUID(),
            username: username,
            displayName: displayName?.trimmingCharacters(in: .whitespaces).nonEmpty ?? username,
            passwordHash: try await passwords.hash(initial),
            mustChangePassword: true,
            instanceAdministrator: instanceAdministrator,
            failedSignIns: 0,
            lockedUntil: nil,
            createdAt: now,
            passwordChangedAt: nil,
            roles: [:]
        )
        try await store.transaction { store in
            try await store.createUser(user)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: nil,
                    action: "user.create",
                    target: username,
                    after: JSONValue.object(
                        JSONObject([
                            ("displayName", .string(user.displayName)),
                            ("instanceAdministrator", .bool(instanceAdministrator)),
                        ])
                    ).jsonText,
                    requestID: requestID
                )
            )
        }
        return (user, initial)
    }

    /// Creates a person with a role in one organization and a one-time password (shown once): how an
    /// organization's administrators add people. A name already in use anywhere is refused.
    public func addMember(
        _ name: String,
        displayName: String?,
        role: Role,
        in organizationID: OrganizationID,
        grantor: Access? = nil,
        actor: String,
        requestID: String? = nil
    ) async throws -> (user: StoredUser, oneTimePassword: String) {
        guard try await store.organization(organizationID) != nil else {
            throw ServiceError.organizationNotFound(organizationID.rawValue)
        }
        try Self.checkGrant(role, replacing: nil, in: organizationID, grantor: grantor)
        let created = try await addUser(name, displayName: displayName, actor: actor, requestID: requestID)
        try await grant(role, to: created.user.username, in: organizationID, actor: actor, requestID: requestID)
        return created
    }

    public func user(_ name: String) async throws -> StoredUser {
        guard let username = UserName.normalized(name), let user = try await store.user(named: username) else {
            throw IdentityError.userNotFound(name)
        }
        return user
    }

    /// Removes a user with their roles and sessions. The last instance administrator stays.
    public func removeUser(_ name: String, actor: String, requestID: String? = nil) async throws {
        let user = try await user(name)
        if user.instanceAdministrator {
            let administrators = try await store.users().filter(\.instanceAdministrator)
            guard administrators.count > 1 else { throw IdentityError.lastAdministrator }
        }
        let now = clock.now()
        try await store.transaction { store in
            _ = try await store.deleteUser(user.id)
            // A later person of the same name must not inherit the digests.
            try await store.deleteDigestSubscriptions(username: user.username)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: nil,
                    action: "user.delete",
                    target: user.username,
                    before: Self.rolesJSON(user),
                    requestID: requestID
                )
            )
        }
    }

    /// Gives the user `role` in the organization, replacing the role held there before.
    ///
    /// `linkingExisting` is for instance administrators and the CLI: they may give a role to anyone
    /// on the instance. An organization's own administrators may only change the roles of people who
    /// already hold one there (new people they create with ``addMember(_:displayName:role:in:actor:requestID:)``);
    /// for them a person of another organization and a name nobody has get the same answer, so the
    /// form cannot be used to find out who exists.
    public func grant(
        _ role: Role,
        to name: String,
        in organizationID: OrganizationID,
        linkingExisting: Bool = true,
        grantor: Access? = nil,
        actor: String,
        requestID: String? = nil
    ) async throws {
        let user: StoredUser
        if linkingExisting {
            user = try await self.user(name)
        } else {
            guard let found = try? await self.user(name), found.roles[organizationID.rawValue] != nil else {
                throw IdentityError.notAMember(name)
            }
            user = found
        }
        try Self.checkGrant(role, replacing: user.roles[organizationID.rawValue], in: organizationID, grantor: grantor)
        guard try await store.organization(organizationID) != nil else {
            throw ServiceError.organizationNotFound(organizationID.rawValue)
        }
        let now = clock.now()
        try await store.transaction { store in
            try await store.grant(role, to: user.id, in: organizationID, by: actor, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "user.grant",
                    target: user.username,
                    before: user.roles[organizationID.rawValue].map { JSONValue.string($0.rawValue).jsonText },
                    after: JSONValue.string(role.rawValue).jsonText,
                    requestID: requestID
                )
            )
        }
    }

    /// Removes the user's role in the organization; false when they held none.
    @discardableResult
    public func revoke(
        from name: String,
        in organizationID: OrganizationID,
        grantor: Access? = nil,
        actor: String,
        requestID: String? = nil
    )
        async throws -> Bool
    {
        let user = try await user(name)
        guard let previous = user.roles[organizationID.rawValue] else { return false }
        try Self.checkGrant(nil, replacing: previous, in: organizationID, grantor: grantor)
        let now = clock.now()
        return try await store.transaction { store in
            guard try await store.revokeGrant(from: user.id, in: organizationID) else { return false }
            try await store.deleteDigestSubscriptions(username: user.username, in: organizationID)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "user.revoke",
                    target: user.username,
                    before: JSONValue.string(previous.rawValue).jsonText,
                    requestID: requestID
                )
            )
            return true
        }
    }

    /// Applies the grant rule for a person acting in the dashboard; the command line (nil) acts
    /// with the instance's full rights.
    static func checkGrant(
        _ role: Role?,
        replacing current: Role?,
        in organizationID: OrganizationID,
        grantor: Access?
    ) throws {
        guard let grantor else { return }
        switch AccessPolicy.decideGrant(role, replacing: current, organizationID: organizationID, access: grantor) {
        case .allowed: return
        case .forbidden(let reason): throw IdentityError.grantRefused(reason)
        case .notFound: throw ServiceError.organizationNotFound(organizationID.rawValue)
        }
    }

    /// Replaces the password with a one-time one (returned), unlocks the account and ends its sessions.
    public func resetPassword(_ name: String, actor: String, requestID: String? = nil) async throws -> String {
        var user = try await user(name)
        let password = RandomToken.password()
        user.passwordHash = try await passwords.hash(password)
        user.mustChangePassword = true
        user.failedSignIns = 0
        user.lockedUntil = nil
        try await save(user, action: "user.password.reset", actor: actor, requestID: requestID, endSessions: true)
        return password
    }

    // MARK: signing in

    public enum SignInResult: Sendable, Equatable {
        case signedIn(StoredUser, sessionToken: String)
        /// Wrong name or password, or a locked account: deliberately not told apart.
        case refused
    }

    /// Checks the password and opens a session. Unknown names cost as much as known ones, so
    /// timing does not reveal which accounts exist.
    public func signIn(_ name: String, password: String, requestID: String? = nil) async throws -> SignInResult {
        let now = clock.now()
        // People who sign in through a provider have no password to check.
        guard let username = UserName.normalized(name), var user = try await store.user(named: username),
            user.hasPassword
        else {
            _ = try await passwords.verify(password, against: Self.decoyHash)
            return .refused
        }
        guard try await passwords.verify(password, against: user.passwordHash) else {
            _ = try await store.incrementSignInFailures(user.id)
            return .refused
        }
        if user.failedSignIns != 0 || user.lockedUntil != nil {
            try await store.clearSignInFailures(user.id)
            user.failedSignIns = 0
            user.lockedUntil = nil
        }
        return .signedIn(user, sessionToken: try await openSession(for: user, now: now))
    }

    /// A wrong current password on the change form, counted atomically (parallel guesses cannot
    /// overwrite each other's count). Every ``PasswordChangeGuard/maximumWrongGuesses`` in a row end
    /// all of the account's sessions, so a stolen session cannot go on guessing; the owner signs in
    /// again.
    func recordWrongCurrentPassword(_ user: StoredUser, now: Date, requestID: String?) async throws {
        let failures = try await store.incrementSignInFailures(user.id)
        guard failures % PasswordChangeGuard.maximumWrongGuesses == 0 else { return }
        try await store.transaction { store in
            try await store.deleteSessions(userID: user.id)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: "system",
                    organizationID: nil,
                    action: "user.sessions.end",
                    target: user.username,
                    after: JSONValue.object(["reason": .string("wrong current passwords")]).jsonText,
                    requestID: requestID
                )
            )
        }
    }

    /// The session and its user for a cookie's token, when it is still valid.
    public func session(_ token: String) async throws -> (session: StoredSession, user: StoredUser)? {
        try await signedIn(token).map { ($0.session, $0.user) }
    }

    /// The session, its person with every role they hold in it, and the roles granted in Posture
    /// alone: only those may hand out access that outlasts the session (roles, API clients).
    public func signedIn(_ token: String) async throws -> (session: StoredSession, user: StoredUser, granted: Access)? {
        let now = clock.now()
        let hash = PostureStore.secretHash(token)
        guard let (session, stored) = try await store.sessionWithUser(tokenHash: hash) else { return nil }
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < idleTimeout else {
            try await store.deleteSession(tokenHash: hash)
            return nil
        }
        // Writing on every request would make each page view a write; a minute is precise enough.
        if now.timeIntervalSince(session.lastSeenAt) > 60 { try await store.touchSession(tokenHash: hash, at: now) }
        // Roles from the provider's claims at sign-in hold for this session only.
        var user = stored
        if let access = session.directoryAccess { user.merge(access) }
        return (session, user, stored.access)
    }

    public func signOut(_ token: String) async throws {
        try await store.deleteSession(tokenHash: PostureStore.secretHash(token))
    }

    /// Changes a signed-in user's own password. Ends every session of the user and returns a fresh one.
    public func changePassword(
        _ user: StoredUser,
        current: String,
        new: String,
        requestID: String? = nil
    ) async throws -> String? {
        let now = clock.now()
        guard var changed = try await store.user(id: user.id) else { throw IdentityError.userNotFound(user.username) }
        // A person who signs in through a provider has no current password to give.
        guard changed.hasPassword else { return nil }
        // A stolen session must not allow guessing the password: wrong guesses count and end it.
        guard try await passwords.verify(current, against: changed.passwordHash) else {
            try await recordWrongCurrentPassword(changed, now: now, requestID: requestID)
            return nil
        }
        let problems = PasswordPolicy.problems(new, username: user.username, previous: current == new)
        guard problems.isEmpty else { throw IdentityError.weakPassword(problems) }
        changed.passwordHash = try await passwords.hash(new)
        changed.mustChangePassword = false
        changed.passwordChangedAt = clock.now()
        try await save(
            changed,
            action: "user.password.change",
            actor: user.username,
            requestID: requestID,
            endSessions: true
        )
        return try await openSession(for: changed, now: clock.now())
    }

    private func openSession(for user: StoredUser, now: Date) async throws -> String {
        let token = RandomToken.make()
        try await store.createSession(
            StoredSession(
                tokenHash: PostureStore.secretHash(token),
                userID: user.id,
                csrfToken: RandomToken.make(),
                createdAt: now,
                expiresAt: now.addingTimeInterval(sessionLifetime),
                lastSeenAt: now
            )
        )
        return token
    }

    private func save(
        _ user: StoredUser,
        action: String,
        actor: String,
        requestID: String?,
        endSessions: Bool
    ) async throws {
        let now = clock.now()
        try await store.transaction { store in
            try await store.updateUser(user)
            if endSessions { try await store.deleteSessions(userID: user.id) }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: nil,
                    action: action,
                    target: user.username,
                    after: nil,
                    requestID: requestID
                )
            )
        }
    }

    static func rolesJSON(_ user: StoredUser) -> String {
        JSONValue.object(
            JSONObject(user.roles.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value.rawValue)) })
        ).jsonText
    }

    /// A bcrypt hash of a random password nobody knows, checked against when there is no real
    /// hash to check, so refusals take as long as real checks.
    static let decoyHash = "$2b$12$9W92ApU4hxDb3kg/QTQ80.GdrxKMzUhA1sisYmAcSI0bayGQhWepy"
}

/// Random secrets: session tokens, CSRF tokens and one-time passwords.
public enum RandomToken {
    /// 256 random bits, base64url without padding.
    public static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/",
            with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    /// A one-time password of four groups of five characters (about 116 bits), without look-alikes
    /// such as 0/O and 1/l, so it can be read aloud or typed from a screen.
    public static func password() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            String((0..<5).map { _ in alphabet.randomElement(using: &generator)! })
        }.joined(separator: "-")
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
