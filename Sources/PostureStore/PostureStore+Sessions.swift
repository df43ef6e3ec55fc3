import Foundation
import PostureCore
import SQLKit

extension PostureStore {
    /// A session with its person and their roles, in one statement: every dashboard request asks
    /// this first, so it costs one round trip and no model decoding. Nil when there is no such
    /// session or its person is gone.
    public func sessionWithUser(tokenHash: String) async throws -> (session: StoredSession, user: StoredUser)? {
        let rows = try await preparedSQLRows(SessionWithUserRead(binds: [.text(tokenHash)]))
        guard let first = rows.first else { return nil }
        let userID = try first.decode(column: "user_id", as: UUID.self)
        let session = StoredSession(
            tokenHash: tokenHash,
            userID: userID,
            csrfToken: try first.decode(column: "csrf_token", as: String.self),
            createdAt: try first.decode(column: "session_created_at", as: Date.self),
            expiresAt: try first.decode(column: "expires_at", as: Date.self),
            lastSeenAt: try first.decode(column: "last_seen_at", as: Date.self),
            provider: try first.decodeIfPresent(column: "provider", as: String.self),
            directoryAccess: try first.decodeIfPresent(column: "directory_access", as: String.self).flatMap(
                Access.init(storedText:)
            )
        )
        var roles: [String: Role] = [:]
        for row in rows {
            guard let organization = try row.decodeIfPresent(column: "grant_organization_id", as: String.self),
                let role = try row.decodeIfPresent(column: "grant_role", as: String.self).flatMap(Role.init(rawValue:))
            else { continue }
            // One grant per person and organization; should two ever exist, the first read wins,
            // as in `user(id:)`.
            if roles[organization] == nil { roles[organization] = role }
        }
        let user = StoredUser(
            id: userID,
            username: try first.decode(column: "username", as: String.self),
            displayName: try first.decode(column: "display_name", as: String.self),
            passwordHash: try first.decode(column: "password_hash", as: String.self),
            mustChangePassword: try first.decode(column: "must_change_password", as: Bool.self),
            instanceAdministrator: try first.decode(column: "instance_admin", as: Bool.self),
            failedSignIns: try first.decode(column: "failed_sign_ins", as: Int.self),
            lockedUntil: try first.decodeIfPresent(column: "locked_until", as: Date.self),
            createdAt: try first.decode(column: "user_created_at", as: Date.self),
            passwordChangedAt: try first.decodeIfPresent(column: "password_changed_at", as: Date.self),
            roles: roles
        )
        return (session, user)
    }
}

/// ``PostureStore/sessionWithUser(tokenHash:)``'s query: read by every page.
struct SessionWithUserRead: PreparedRead {
    static let sql = """
        SELECT s.user_id, s.csrf_token, s.created_at AS session_created_at, s.expires_at, s.last_seen_at,
            s.provider, s.directory_access,
            u.username, u.display_name, u.password_hash, u.must_change_password, u.instance_admin,
            u.failed_sign_ins, u.locked_until, u.created_at AS user_created_at, u.password_changed_at,
            g.organization_id AS grant_organization_id, g.role AS grant_role
        FROM sessions s
        JOIN users u ON u.id = s.user_id
        LEFT JOIN role_grants g ON g.user_id = u.id
        WHERE s.token_hash = $1
        """
    var binds: [PreparedBind]
}
