import FluentKit
import Foundation

/// One status as it was set. The `current` table holds the latest per action; the `history`
/// table keeps every change, append-only.
final class StatusRow: Model, @unchecked Sendable {
    static let schema = "action_statuses"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "action_id") var actionID: String
    @Field(key: "status") var status: String
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "owner") var owner: String?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "target_date") var targetDate: String?
    @Field(key: "set_by") var setBy: String
    @Field(key: "set_at") var setAt: Date
    @OptionalField(key: "client_state") var clientState: String?

    init() {}
}

final class StatusHistoryRow: Model, @unchecked Sendable {
    static let schema = "status_history"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: String
    @Field(key: "action_id") var actionID: String
    @Field(key: "status") var status: String
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "owner") var owner: String?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "target_date") var targetDate: String?
    @Field(key: "set_by") var setBy: String
    @Field(key: "set_at") var setAt: Date
    @OptionalField(key: "client_state") var clientState: String?
    /// Orders changes made within the same instant.
    @Field(key: "sequence") var sequence: Int

    init() {}
}
