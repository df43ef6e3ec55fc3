import FluentKit
import Foundation
import PostureCore
import SQLKit

/// One stored exclusion with the action it belongs to and who made it.
public struct StoredExclusion: Sendable, Equatable {
    public var actionID: String
    public var exclusion: Exclusion
    public var createdAt: Date
    public var createdBy: String
}

extension PostureStore {
    /// The organization's exclusions, by action id then entity.
    public func exclusions(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil
    ) async throws -> [StoredExclusion] {
        // SQL, not the model: every measurement write reads them, and the model's reflection cost
        // more than the statement.
        var query = sql.select()
            .columns("action_id", "entity", "reason", "owner", "expires_at", "created_at", "created_by")
            .from(ExclusionRecord.schema)
            .where("organization_id", .equal, organizationID.rawValue)
        if let actionID { query = query.where("action_id", .equal, actionID.rawValue) }
        return try await query.orderBy("action_id").orderBy("entity").all().map { row in
            StoredExclusion(
                actionID: try row.decode(column: "action_id", as: String.self),
                exclusion: Exclusion(
                    entity: try row.decode(column: "entity", as: String.self),
                    reason: try row.decode(column: "reason", as: String.self),
                    owner: try row.decode(column: "owner", as: String?.self),
                    expiresAt: try row.decode(column: "expires_at", as: Date?.self)
                ),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                createdBy: try row.decode(column: "created_by", as: String.self)
            )
        }
    }

    /// The exclusions grouped by action, as scoring applies them.
    package func exclusionsByAction(_ organizationID: OrganizationID) async throws -> [String: [Exclusion]] {
        Dictionary(grouping: try await exclusions(organizationID), by: \.actionID).mapValues { $0.map(\.exclusion) }
    }

    /// Adds or replaces the exclusion of one entity from one action.
    public func setExclusion(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        _ exclusion: Exclusion,
        by actor: String,
        at instant: Date
    ) async throws {
        let record =
            try await ExclusionRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$actionID == actionID.rawValue).filter(\.$entity == exclusion.entity).first() ?? ExclusionRecord()
        record.organizationID = organizationID.rawValue
        record.actionID = actionID.rawValue
        record.entity = exclusion.entity
        record.reason = exclusion.reason
        record.owner = exclusion.owner
        record.expiresAt = exclusion.expiresAt
        record.createdAt = instant
        record.createdBy = actor
        try await record.save(on: database)
        try await announceChange(organizationID)
    }

    /// Removes one exclusion; false when there was none.
    public func removeExclusion(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        entity: String
    ) async throws -> Bool {
        guard
            let record = try await ExclusionRecord.query(on: database).filter(
                \.$organizationID == organizationID.rawValue
            )
            .filter(\.$actionID == actionID.rawValue).filter(\.$entity == entity).first()
        else { return false }
        try await record.delete(on: database)
        try await announceChange(organizationID)
        return true
    }
}
