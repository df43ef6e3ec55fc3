import FluentKit
import Foundation

/// An entity an organization leaves out of one action's count.
final class ExclusionRecord: Model, @unchecked Sendable {
    static let schema = "entity_exclusions"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "action_id") var actionID: String
    @Field(key: "entity") var entity: String
    @Field(key: "reason") var reason: String
    @OptionalField(key: "owner") var owner: String?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}
}
