import FluentKit
import Foundation

/// One day of Microsoft's Secure Score for an organization; `controls` is the day's control
/// scores as JSON.
final class MicrosoftScoreRecord: Model, @unchecked Sendable {
    static let schema = "microsoft_scores"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "day") var day: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "current_score") var currentScore: Double
    @Field(key: "max_score") var maxScore: Double
    @OptionalField(key: "licensed_user_count") var licensedUserCount: Int?
    @OptionalField(key: "active_user_count") var activeUserCount: Int?
    @Field(key: "controls") var controls: String
    @Field(key: "imported_at") var importedAt: Date

    init() {}
}

/// Microsoft's profile of one control for an organization, with its latest state.
final class MicrosoftProfileRecord: Model, @unchecked Sendable {
    static let schema = "microsoft_control_profiles"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "control_id") var controlID: String
    @Field(key: "title") var title: String
    @Field(key: "max_score") var maxScore: Double
    @OptionalField(key: "category") var category: String?
    @Field(key: "deprecated") var deprecated: Bool
    @OptionalField(key: "state") var state: String?
    @OptionalField(key: "state_updated_by") var stateUpdatedBy: String?
    @OptionalField(key: "state_updated_at") var stateUpdatedAt: Date?
    @Field(key: "imported_at") var importedAt: Date

    init() {}
}
