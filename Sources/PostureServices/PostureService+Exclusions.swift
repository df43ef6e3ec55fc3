import Foundation
import PostureCore
import PostureStore

extension PostureService {
    public func exclusions(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil
    ) async throws -> [StoredExclusion] {
        _ = try await organization(organizationID)
        return try await store.exclusions(organizationID, actionID: actionID)
    }

    /// Adds or replaces an entity's exclusion from an action, audited; the score moves in the
    /// same transaction and the change log records what moved. Returns the new score.
    @discardableResult
    public func setExclusion(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        _ exclusion: Exclusion,
        actor: String,
        requestID: String? = nil
    ) async throws -> ScoreReport {
        guard catalog[actionID] != nil else { throw ServiceError.actionNotFound(actionID.rawValue) }
        if let problem = exclusion.problems.first { throw ServiceError.invalidExclusion(problem) }
        return try await changeExclusions(organizationID, actionID: actionID, actor: actor, requestID: requestID) {
            store,
            now in
            let previous = try await store.exclusions(organizationID, actionID: actionID).first {
                $0.exclusion.entity == exclusion.entity
            }
            try await store.setExclusion(organizationID, actionID: actionID, exclusion, by: actor, at: now)
            return ("exclusion.set", previous.map { AuditJSON.exclusion($0.exclusion) }, AuditJSON.exclusion(exclusion))
        }
    }

    /// Removes an exclusion, audited; false when there was none.
    @discardableResult
    public func removeExclusion(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        entity: String,
        actor: String,
        requestID: String? = nil
    ) async throws -> Bool {
        guard catalog[actionID] != nil else { throw ServiceError.actionNotFound(actionID.rawValue) }
        guard
            try await store.exclusions(organizationID, actionID: actionID).contains(where: {
                $0.exclusion.entity == entity
            })
        else {
            _ = try await organization(organizationID)
            return false
        }
        try await changeExclusions(organizationID, actionID: actionID, actor: actor, requestID: requestID) { store, _ in
            let previous = try await store.exclusions(organizationID, actionID: actionID).first {
                $0.exclusion.entity == entity
            }
            _ = try await store.removeExclusion(organizationID, actionID: actionID, entity: entity)
            return ("exclusion.remove", previous.map { AuditJSON.exclusion($0.exclusion) }, nil)
        }
        return true
    }

    @discardableResult
    private func changeExclusions(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        actor: String,
        requestID: String?,
        _ change: @escaping @Sendable (PostureStore, Date) async throws -> (String, String?, String?)
    ) async throws -> ScoreReport {
        _ = try await organization(organizationID)
        let now = clock.now()
        return try await store.organizationTransaction(organizationID) { store in
            let before = try await reportBefore(organizationID, store: store, at: now)
            let (action, old, new) = try await change(store, now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: action,
                    target: actionID.rawValue,
                    before: old,
                    after: new,
                    requestID: requestID
                )
            )
            let (measurements, statuses) = try await scoringInputs(organizationID, store: store)
            var after = engine.score(measurements: measurements, statuses: statuses, asOf: now)
            if try await persistSystemStatuses(organizationID, before: before, after: after, store: store, at: now) {
                after = engine.score(
                    measurements: measurements,
                    statuses: try await store.statuses(organizationID),
                    asOf: now
                )
            }
            try await store.appendChanges(
                organizationID,
                ChangeDetector.changes(
                    organizationID: organizationID.rawValue,
                    from: before,
                    to: after,
                    at: now,
                    actor: actor
                )
            )
            return try await refreshToday(organizationID, store: store, scored: (after, measurements))
        }
    }
}
