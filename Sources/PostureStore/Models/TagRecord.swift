import FluentKit
import Foundation

final class TagRecord: Model, @unchecked Sendable {
    static let schema = "action_tags"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "action_id") var actionID: String
    @Field(key: "tag") var tag: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
