import FluentKit
import Foundation
import PostureCore
import SQLKit

/// A person, with their roles in every organization they belong to.
public struct StoredUser: Sendable, Equatable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var passwordHash: String
    public var mustChangePassword: Bool
    public var instanceAdministrator: Bool
    public var failedSignIns: Int
    public var lockedUntil: Date?
    public var createdAt: Date
    public var passwordChangedAt: Date?
    public var roles: [String: Role]

    public var access: Access { Access(instanceAdministrator: instanceAdministrator, roles: roles) }

    package init(
        id: UUID,
        username: String,
        displayName: String,
        passwordHash: String,
        mustChangePassword: Bool,
        instanceAdministrator: Bool,
        failedSignIns: Int,
        lockedUntil: Date?,
        createdAt: Date,
        passwordChangedAt: Date?,
        roles: [String: Role]
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
        self.instanceAdministrator = instanceAdministrator
        self.failedSignIns = failedSignIns
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt
        self.roles = roles
    }
}

/// A signed-in browser session.
public struct StoredSession: Sendable, Equatable {
    public var tokenHash: String
    public var userID: UUID
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date
    public var lastSeenAt: Date
    /// The issuer (as configured) the person signed in through; nil: with a password.
    public var provider: String?
    /// The roles the provider's claims gave at this sign-in; they end with the session.
    public var directoryAccess: Access?

    package init(
        tokenHash: String,
        userID: UUID,
        csrfToken: String,
        createdAt: Date,
        expiresAt: Date,
        lastSeenAt: Date,
        provider: String? = nil,
        directoryAccess: Access? = nil
    ) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastSeenAt = lastSeenAt
        self.provider = provider
        self.directoryAccess = directoryAccess
    }
}

extension PostureStore {
    public func createUser(_ user: StoredUser) async throws {
        guard try await UserRecord.query(on: database).filter(\.$username == user.username).count() == 0 else {
            throw IdentityError.userExists(user.username)
        }
        let record = UserRecord()
        record.id = user.id
        record.username = user.username
        record.createdAt = user.createdAt
        record.apply(user)
        try await record.create(on: database)
        try await announceChange(nil)
    }

    /// Writes the user's changeable fields (password, flags, sign-in failures, lock).
    public func updateUser(_ user: StoredUser) async throws {
        guard let record = try await UserRecord.find(user.id, on: database) else {
            throw IdentityError.userNotFound(user.username)
        }
        record.apply(user)
        try await record.update(on: database)
        try await announceChange(nil)
    }

    /// Adds one failed sign-in in the database itself and returns the new count. Sign-in
    /// bookkeeping does not announce a change: it must not empty every node's response cache.
    public func incrementSignInFailures(_ id: UUID) async throws -> Int {
        try await sql.update(UserRecord.schema).set(
            SQLColumn("failed_sign_ins"),
            to: SQLBinaryExpression(SQLColumn("failed_sign_ins"), .add, SQLLiteral.numeric("1"))
        ).where("id", .equal, id).run()
        return try await UserRecord.find(id, on: database)?.failedSignIns ?? 0
    }

    public func clearSignInFailures(_ id: UUID) async throws {
        try await UserRecord.query(on: database).filter(\.$id == id).set(\.$lockedUntil, to: nil)
            .set(\.$failedSignIns, to: 0).update()
    }

    public func user(named username: String) async throws -> StoredUser? {
        guard let record = try await UserRecord.query(on: database).filter(\.$username == username).first() else {
            return nil
        }
        return try await stored(record)
    }

    public func user(id: UUID) async throws -> StoredUser? {
        guard let record = try await UserRecord.find(id, on: database) else { return nil }
        return try await stored(record)
    }

    public func users() async throws -> [StoredUser] {
        let records = try await UserRecord.query(on: database).sort(\.$username).all()
        let grants = Dictionary(grouping: try await RoleGrantRecord.query(on: database).all(), by: \.userID)
        return records.map { StoredUser($0, grants: grants[$0.id!] ?? []) }
    }

    public func userCount() async throws -> Int {
        try await UserRecord.query(on: database).count()
    }

    /// Removes the user, their roles and their sessions; false when there was no such user.
    public func deleteUser(_ id: UUID) async throws -> Bool {
        guard let record = try await UserRecord.find(id, on: database) else { return false }
        // Deleted explicitly too: SQLite enforces foreign keys only when asked to.
        try await SessionRecord.query(on: database).filter(\.$userID == id).delete()
        try await RoleGrantRecord.query(on: database).filter(\.$userID == id).delete()
        try await sql.raw("DELETE FROM user_identities WHERE user_id = \(bind: id.uuidString)").run()
        try await record.delete(on: database)
        try await announceChange(nil)
        return true
    }

    /// Gives the user `role` in the organization, replacing any role held there.
    public func grant(
        _ role: Role,
        to userID: UUID,
        in organizationID: OrganizationID,
        by actor: String,
        at instant: Date
    )
        async throws
    {
        let existing = try await RoleGrantRecord.query(on: database).filter(\.$userID == userID)
            .filter(\.$organizationID == organizationID.rawValue).first()
        let record = existing ?? RoleGrantRecord()
        record.userID = userID
        record.organizationID = organizationID.rawValue
        record.role = role.rawValue
        record.grantedAt = instant
        record.grantedBy = actor
        try await record.save(on: database)
        try await announceChange(nil)
    }

    /// Removes the user's role in the organization; false when they held none.
    public func revokeGrant(from userID: UUID, in organizationID: OrganizationID) async throws -> Bool {
        guard
            let record = try await RoleGrantRecord.query(on: database).filter(\.$userID == userID)
                .filter(\.$organizationID == organizationID.rawValue).first()
        else { return false }
        try await record.delete(on: database)
        try await announceChange(nil)
        return true
    }

    /// The people holding a role in the organization, with that role.
    public func members(of organizationID: OrganizationID) async throws -> [(user: StoredUser, role: Role)] {
        let grants = try await RoleGrantRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .all()
        var members: [(StoredUser, Role)] = []
        for grant in grants {
            if let user = try await user(id: grant.userID), let role = Role(rawValue: grant.role) {
                members.append((user, role))
            }
        }
        return members.sorted { $0.0.username < $1.0.username }
    }

    private func stored(_ record: UserRecord) async throws -> StoredUser {
        let grants = try await RoleGrantRecord.query(on: database).filter(\.$userID == record.id!).all()
        return StoredUser(record, grants: grants)
    }

    // MARK: sessions

    public func createSession(_ session: StoredSession) async throws {
        let record = SessionRecord()
        record.tokenHash = session.tokenHash
        record.userID = session.userID
        record.csrfToken = session.csrfToken
        record.createdAt = session.createdAt
        record.expiresAt = session.expiresAt
        record.lastSeenAt = session.lastSeenAt
        try await record.create(on: database)
        if session.provider != nil || session.directoryAccess != nil {
            try await sql.raw(
                """
                UPDATE sessions SET provider = \(bind: session.provider),
                    directory_access = \(bind: session.directoryAccess.map(Access.storedText))
                WHERE token_hash = \(bind: session.tokenHash)
                """
            ).run()
        }
    }

    public func session(tokenHash: String) async throws -> StoredSession? {
        try await SessionRecord.query(on: database).filter(\.$tokenHash == tokenHash).first().map(StoredSession.init)
    }

    public func touchSession(tokenHash: String, at instant: Date) async throws {
        try await SessionRecord.query(on: database).filter(\.$tokenHash == tokenHash).set(\.$lastSeenAt, to: instant)
            .update()
    }

    public func deleteSession(tokenHash: String) async throws {
        try await SessionRecord.query(on: database).filter(\.$tokenHash == tokenHash).delete()
    }

    /// Signs the user out everywhere (after a password change or reset, or removal).
    public func deleteSessions(userID: UUID) async throws {
        try await SessionRecord.query(on: database).filter(\.$userID == userID).delete()
    }

    /// Drops sessions that ended before `instant`.
    public func deleteExpiredSessions(before instant: Date) async throws {
        try await SessionRecord.query(on: database).filter(\.$expiresAt < instant).delete()
    }
}

/// Identity errors, mapped to clear messages by the API and the CLI.
public enum IdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    case userExists(String)
    case userNotFound(String)
    case invalidUserName(String)
    case weakPassword([String])
    case lastAdministrator
    case invalidText(String)
    /// Refused alike whether the person exists elsewhere or not at all.
    case notAMember(String)
    /// The grantor's role may not make this change (``AccessPolicy/decideGrant(_:replacing:organizationID:access:)``).
    case grantRefused(String)

    public var description: String {
        switch self {
        case .userExists(let name): "a user named \"\(name)\" already exists"
        case .userNotFound(let name): "no user named \"\(name)\""
        case .invalidUserName(let name):
            "\"\(name)\" is not a valid user name (1 to 64 letters, digits and . - _ @)"
        case .weakPassword(let problems): "the password " + problems.joined(separator: "; ")
        case .lastAdministrator: "this would leave the instance without an administrator"
        case .invalidText(let problem): problem
        case .notAMember(let name):
            "\"\(name)\" holds no role in this organization: add a new person below, or ask an instance administrator to give an existing account a role here"
        case .grantRefused(let reason): reason
        }
    }
}

extension UserRecord {
    func apply(_ user: StoredUser) {
        displayName = user.displayName
        passwordHash = user.passwordHash
        mustChangePassword = user.mustChangePassword
        instanceAdministrator = user.instanceAdministrator
        failedSignIns = user.failedSignIns
        lockedUntil = user.lockedUntil
        passwordChangedAt = user.passwordChangedAt
    }
}

extension StoredUser {
    init(_ record: UserRecord, grants: [RoleGrantRecord]) {
        self.init(
            id: record.id!,
            username: record.username,
            displayName: record.displayName,
            passwordHash: record.passwordHash,
            mustChangePassword: record.mustChangePassword,
            instanceAdministrator: record.instanceAdministrator,
            failedSignIns: record.failedSignIns,
            lockedUntil: record.lockedUntil,
            createdAt: record.createdAt,
            passwordChangedAt: record.passwordChangedAt,
            roles: Dictionary(
                grants.compactMap { grant in Role(rawValue: grant.role).map { (grant.organizationID, $0) } }
            ) {
                first,
                _ in first
            }
        )
    }
}

extension StoredSession {
    init(_ record: SessionRecord) {
        self.init(
            tokenHash: record.tokenHash,
            userID: record.userID,
            csrfToken: record.csrfToken,
            createdAt: record.createdAt,
            expiresAt: record.expiresAt,
            lastSeenAt: record.lastSeenAt
        )
    }
}

extension StoredUser {
    /// How the account stands, for the People page and `posture user list`.
    public var state: String {
        var parts = [mustChangePassword ? "must change password" : "active"]
        if failedSignIns > 0 {
            parts.append("\(failedSignIns) wrong password\(failedSignIns == 1 ? "" : "s") since the last sign-in")
        }
        return parts.joined(separator: ", ")
    }
}
