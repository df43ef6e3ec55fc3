import FluentKit
import Foundation

/// An organization's own settings: score zones and its custom comparison (JSON, nil = default/none).
final class SettingsRecord: Model, @unchecked Sendable {
    static let schema = "organization_settings"

    @ID(custom: "organization_id", generatedBy: .user) var id: String?
    @OptionalField(key: "zones") var zones: String?
    @OptionalField(key: "comparison") var comparison: String?
    @OptionalField(key: "zone_okay_from") var zoneOkayFrom: Double?
    @OptionalField(key: "zone_good_from") var zoneGoodFrom: Double?
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: String

    init() {}
}
