import FluentKit
import Foundation

/// A row of the append-only change log.
final class ChangeRecord: Model, @unchecked Sendable {
    static let schema = "changes"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "action_id") var actionID: String
    @Field(key: "category") var category: String
    @Field(key: "kind") var kind: String
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "from_status") var fromStatus: String?
    @OptionalField(key: "to_status") var toStatus: String?
    @Field(key: "points_before") var pointsBefore: Double
    @Field(key: "points_after") var pointsAfter: Double
    @Field(key: "max_score") var maxScore: Double
    @Field(key: "actor") var actor: String
    @Field(key: "detail") var detail: String
    @Field(key: "sequence") var sequence: Int
    /// JSON of the ``ChangeCause`` (migration 006); nil for older entries.
    @OptionalField(key: "cause") var cause: String?

    init() {}
}
