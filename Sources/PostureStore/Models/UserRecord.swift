import FluentKit
import Foundation

/// A person who signs in to the dashboard.
final class UserRecord: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    /// bcrypt hash; the password itself is never stored.
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "must_change_password") var mustChangePassword: Bool
    @Field(key: "instance_admin") var instanceAdministrator: Bool
    @Field(key: "failed_sign_ins") var failedSignIns: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?

    init() {}
}

/// A person's role in one organization.
final class RoleGrantRecord: Model, @unchecked Sendable {
    static let schema = "role_grants"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "role") var role: String
    @Field(key: "granted_at") var grantedAt: Date
    @Field(key: "granted_by") var grantedBy: String

    init() {}
}

/// A signed-in browser. Only a hash of the cookie's token is stored, so a database leak does not
/// hand out sessions.
final class SessionRecord: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}
}
