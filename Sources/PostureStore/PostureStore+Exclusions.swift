import FluentKit
import Foundation
import PostureCore

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
        var query = ExclusionRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
        if let actionID { query = query.filter(\.$actionID == actionID.rawValue) }
        return try await query.sort(\.$actionID).sort(\.$entity).all().map { record in
            StoredExclusion(
                actionID: record.actionID,
                exclusion: Exclusion(
                    entity: record.entity,
                    reason: record.reason,
                    owner: record.owner,
                    expiresAt: record.expiresAt
                ),
                createdAt: record.createdAt,
                createdBy: record.createdBy
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
