import FluentKit
import Foundation

/// One organization's daily snapshot; `categories` and `actions` hold the JSON breakdown.
final class SnapshotRecord: Model, @unchecked Sendable {
    static let schema = "snapshots"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    /// `yyyy-MM-dd`, so it sorts and compares as text on both databases.
    @Field(key: "day") var day: String
    @Field(key: "score") var score: Double
    @Field(key: "max_score") var maxScore: Double
    @Field(key: "verified_score") var verifiedScore: Double
    @Field(key: "categories") var categories: String
    @Field(key: "actions") var actions: String
    @Field(key: "catalog_version") var catalogVersion: String
    @Field(key: "model_version") var modelVersion: String
    @Field(key: "filled") var filled: Bool
    @OptionalField(key: "licensed_user_count") var licensedUserCount: Int?
    @OptionalField(key: "active_user_count") var activeUserCount: Int?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
