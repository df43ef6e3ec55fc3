import Foundation
import PostureCore
import SQLKit

/// A sign-in under way at a provider: what the browser's return must match. Only hashes of the
/// `state` and of the browser's cookie are stored.
public struct StoredSignInAttempt: Sendable, Equatable {
    public var stateHash: String
    public var browserHash: String
    /// Who started it, for the cap per client (``ClientAddress/limitKey(_:)``).
    public var clientKey: String
    /// The issuer as configured, naming the provider.
    public var issuer: String
    public var nonce: String
    public var codeVerifier: String
    /// The local path to open after signing in.
    public var next: String
    public var expiresAt: Date

    public init(
        stateHash: String,
        browserHash: String,
        clientKey: String,
        issuer: String,
        nonce: String,
        codeVerifier: String,
        next: String,
        expiresAt: Date
    ) {
        self.stateHash = stateHash
        self.browserHash = browserHash
        self.clientKey = clientKey
        self.issuer = issuer
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.next = next
        self.expiresAt = expiresAt
    }
}

/// A provider account a person signs in with.
public struct StoredIdentity: Sendable, Equatable {
    /// The token's `iss` (a multi-tenant issuer's, with the tenant).
    public var issuer: String
    public var subject: String
    public var userID: UUID
    /// The provider's name on the sign-in page.
    public var provider: String
    /// The roles the provider's claims gave at the last sign-in.
    public var directoryAccess: Access?
    public var lastSignInAt: Date

    public init(
        issuer: String,
        subject: String,
        userID: UUID,
        provider: String,
        directoryAccess: Access?,
        lastSignInAt: Date
    ) {
        self.issuer = issuer
        self.subject = subject
        self.userID = userID
        self.provider = provider
        self.directoryAccess = directoryAccess
        self.lastSignInAt = lastSignInAt
    }
}

extension PostureStore {
    /// Records a sign-in under way, after dropping expired ones; false (nothing stored) when
    /// `limit` sign-ins are under way on the instance or `perClient` from the attempt's client, so
    /// anonymous requests can neither fill the table nor, from a few addresses, keep others out.
    public func saveSignInAttempt(
        _ attempt: StoredSignInAttempt,
        now: Date,
        limit: Int,
        perClient: Int
    ) async throws -> Bool {
        try await sql.raw(
            "DELETE FROM sign_in_attempts WHERE expires_at < \(bind: now.timeIntervalSince1970)"
        ).run()
        let counts = try await sql.raw(
            """
            SELECT COUNT(*) AS n, SUM(CASE WHEN client_key = \(bind: attempt.clientKey) THEN 1 ELSE 0 END) AS mine
            FROM sign_in_attempts
            """
        ).first()
        let total = try counts?.decode(column: "n", as: Int.self) ?? 0
        let mine = try counts?.decodeIfPresent(column: "mine", as: Int.self) ?? 0
        guard total < limit, mine < perClient else { return false }
        try await sql.raw(
            """
            INSERT INTO sign_in_attempts (state_hash, browser_hash, client_key, issuer, nonce, code_verifier,
                next_path, expires_at)
            VALUES (\(bind: attempt.stateHash), \(bind: attempt.browserHash), \(bind: attempt.clientKey),
                \(bind: attempt.issuer),
                \(bind: attempt.nonce), \(bind: attempt.codeVerifier), \(bind: attempt.next),
                \(bind: attempt.expiresAt.timeIntervalSince1970))
            """
        ).run()
        return true
    }

    /// Takes the sign-in of this `state` out of the table: one statement, so a state is used once
    /// even when two returns race. Nil when there is none (unknown, used, or dropped).
    public func takeSignInAttempt(stateHash: String) async throws -> StoredSignInAttempt? {
        guard
            let row = try await sql.raw(
                """
                DELETE FROM sign_in_attempts WHERE state_hash = \(bind: stateHash)
                RETURNING state_hash, browser_hash, client_key, issuer, nonce, code_verifier, next_path, expires_at
                """
            ).first()
        else { return nil }
        return StoredSignInAttempt(
            stateHash: try row.decode(column: "state_hash", as: String.self),
            browserHash: try row.decode(column: "browser_hash", as: String.self),
            clientKey: try row.decode(column: "client_key", as: String.self),
            issuer: try row.decode(column: "issuer", as: String.self),
            nonce: try row.decode(column: "nonce", as: String.self),
            codeVerifier: try row.decode(column: "code_verifier", as: String.self),
            next: try row.decode(column: "next_path", as: String.self),
            expiresAt: Date(timeIntervalSince1970: try row.decode(column: "expires_at", as: Double.self))
        )
    }

    public func identity(issuer: String, subject: String) async throws -> StoredIdentity? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.identityColumns) FROM user_identities
            WHERE issuer = \(bind: issuer) AND subject = \(bind: subject)
            """
        ).first().map(StoredIdentity.init(row:))
    }

    /// Every provider account, for the People page.
    public func identities() async throws -> [StoredIdentity] {
        try await sql.raw(
            "SELECT \(unsafeRaw: Self.identityColumns) FROM user_identities ORDER BY provider, subject"
        ).all().map(StoredIdentity.init(row:))
    }

    /// Links the account to its person, or records its latest sign-in.
    public func saveIdentity(_ identity: StoredIdentity) async throws {
        try await sql.raw(
            """
            INSERT INTO user_identities (issuer, subject, user_id, provider, directory_access, last_sign_in_at)
            VALUES (\(bind: identity.issuer), \(bind: identity.subject), \(bind: identity.userID.uuidString),
                \(bind: identity.provider), \(bind: identity.directoryAccess.map(Access.storedText)),
                \(bind: identity.lastSignInAt.timeIntervalSince1970))
            ON CONFLICT (issuer, subject) DO UPDATE SET provider = excluded.provider,
                directory_access = excluded.directory_access, last_sign_in_at = excluded.last_sign_in_at
            """
        ).run()
    }

    static let identityColumns = "issuer, subject, user_id, provider, directory_access, last_sign_in_at"
}

extension StoredIdentity {
    init(row: any SQLRow) throws {
        let user = try row.decode(column: "user_id", as: String.self)
        guard let userID = UUID(uuidString: user) else { throw IdentityError.userNotFound(user) }
        self.init(
            issuer: try row.decode(column: "issuer", as: String.self),
            subject: try row.decode(column: "subject", as: String.self),
            userID: userID,
            provider: try row.decode(column: "provider", as: String.self),
            directoryAccess: try row.decodeIfPresent(column: "directory_access", as: String.self).flatMap(
                Access.init(storedText:)
            ),
            lastSignInAt: Date(timeIntervalSince1970: try row.decode(column: "last_sign_in_at", as: Double.self))
        )
    }
}

extension Access {
    /// The stored form: the Codable JSON.
    static func storedText(_ access: Access) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(access)) ?? Data("{}".utf8), as: UTF8.self)
    }

    init?(storedText: String) {
        guard let access = try? JSONDecoder().decode(Access.self, from: Data(storedText.utf8)) else { return nil }
        self = access
    }
}
