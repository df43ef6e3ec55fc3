import FluentKit
import Foundation

/// A row of the hash-chained audit log. Rows are only ever inserted.
final class AuditRecord: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "sequence") var sequence: Int
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "actor") var actor: String
    @OptionalField(key: "organization_id") var organizationID: String?
    @Field(key: "action") var action: String
    @OptionalField(key: "target") var target: String?
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?
    @OptionalField(key: "request_id") var requestID: String?
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
