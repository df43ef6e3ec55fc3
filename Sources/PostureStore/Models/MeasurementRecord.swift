import FluentKit
import Foundation

/// The latest measurement of one action in one organization.
final class MeasurementRecord: Model, @unchecked Sendable {
    static let schema = "measurements"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "action_id") var actionID: String
    @OptionalField(key: "implemented") var implemented: Bool?
    @OptionalField(key: "achieved") var achieved: Int?
    @OptionalField(key: "total") var total: Int?
    @OptionalField(key: "observed_at") var observedAt: Date?
    /// JSON arrays of entity ids, when the source reported them.
    @OptionalField(key: "achieved_entities") var achievedEntities: String?
    @OptionalField(key: "total_entities") var totalEntities: String?
    /// JSON array of exclusions.
    @Field(key: "excluded") var excluded: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: String

    init() {}
}
