import FluentKit
import Foundation

final class OrganizationRecord: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "display_name") var displayName: String
    @OptionalField(key: "licensed_user_count") var licensedUserCount: Int?
    @OptionalField(key: "active_user_count") var activeUserCount: Int?
    @OptionalField(key: "industry") var industry: String?
    @OptionalField(key: "region") var region: String?
    /// JSON array of Graph `enabledServices` names.
    @Field(key: "enabled_services") var enabledServices: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
