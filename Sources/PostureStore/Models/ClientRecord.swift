import FluentKit
import Foundation

final class ClientRecord: Model, @unchecked Sendable {
    static let schema = "api_clients"

    @ID(key: .id) var id: UUID?
    @Field(key: "client_id") var clientID: String
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "name") var name: String
    @Field(key: "secret_hash") var secretHash: String
    /// Space-separated scopes the client may ask for.
    @Field(key: "scopes") var scopes: String
    /// The ``Role`` the client acts with in its organization.
    @Field(key: "role") var role: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}
