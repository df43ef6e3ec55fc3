import FluentKit
import Foundation

final class IssuedTokenRecord: Model, @unchecked Sendable {
    static let schema = "issued_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_id") var tokenID: String
    @Field(key: "subject") var subject: String
    @Field(key: "organization_id") var organizationID: String
    @OptionalField(key: "role") var role: String?
    @Field(key: "scopes") var scopes: String
    @Field(key: "issued_at") var issuedAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "issued_by") var issuedBy: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}
