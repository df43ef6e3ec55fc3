import Foundation
import PostureCore
import SQLKit

/// Scheduled collection: which connections are due, which node holds each, how attempts ended.
/// A node takes a connection by writing its lease into the row with a conditional UPDATE, so of
/// several nodes exactly one gets it on either database, and a lease nobody renews expires.
extension PostureStore {
    /// Takes up to `limit` due connections that no live lease holds, for `holder` until
    /// `leaseUntil`, oldest due first; returns the ones taken.
    public func claimDueCollections(
        at now: Date,
        holder: String,
        leaseUntil: Date,
        limit: Int
    ) async throws -> [OrganizationID] {
        guard limit > 0 else { return [] }
        let instant = now.timeIntervalSince1970
        // The outer conditions repeat the inner ones: on PostgreSQL a row another node took
        // meanwhile is re-checked after its lock is released and then no longer matches.
        return try await sql.raw(
            """
            UPDATE connections SET lease_holder = \(bind: holder),
                lease_expires_at = \(bind: leaseUntil.timeIntervalSince1970), last_attempt_at = \(bind: instant)
            WHERE organization_id IN (
                SELECT organization_id FROM connections
                WHERE next_run_at <= \(bind: instant)
                    AND (lease_expires_at IS NULL OR lease_expires_at <= \(bind: instant))
                ORDER BY next_run_at, organization_id LIMIT \(bind: limit))
            AND next_run_at <= \(bind: instant) AND (lease_expires_at IS NULL OR lease_expires_at <= \(bind: instant))
            RETURNING organization_id
            """
        ).all().map { OrganizationID(try $0.decode(column: "organization_id", as: String.self)) }
    }

    /// Takes one connection for `holder` whether or not it is due (a collection someone runs by
    /// hand); false when a live lease holds it or it does not exist.
    public func claimCollection(
        _ organizationID: OrganizationID,
        at now: Date,
        holder: String,
        leaseUntil: Date
    ) async throws -> Bool {
        let instant = now.timeIntervalSince1970
        return try await !sql.raw(
            """
            UPDATE connections SET lease_holder = \(bind: holder),
                lease_expires_at = \(bind: leaseUntil.timeIntervalSince1970), last_attempt_at = \(bind: instant)
            WHERE organization_id = \(bind: organizationID.rawValue)
                AND (lease_expires_at IS NULL OR lease_expires_at <= \(bind: instant))
            RETURNING organization_id
            """
        ).all().isEmpty
    }

    /// Extends `holder`'s lease; false when it no longer holds the connection (it expired and
    /// another node took it, or the connection was removed).
    public func renewCollectionLease(
        _ organizationID: OrganizationID,
        holder: String,
        until: Date
    ) async throws -> Bool {
        try await !sql.raw(
            """
            UPDATE connections SET lease_expires_at = \(bind: until.timeIntervalSince1970)
            WHERE organization_id = \(bind: organizationID.rawValue) AND lease_holder = \(bind: holder)
            RETURNING organization_id
            """
        ).all().isEmpty
    }

    /// Records how `holder`'s attempt ended, when to run next, and lets go of the lease. A
    /// "Refresh now" that arrived during the attempt (a next run set after it started) stands.
    /// False when `holder` had lost the connection: the record is then the new holder's to write.
    public func finishCollection(
        _ organizationID: OrganizationID,
        holder: String,
        outcome: CollectionOutcome,
        consecutiveFailures: Int,
        nextRunAt: Date
    ) async throws -> Bool {
        let failed = outcome.resourcesFailed.isEmpty ? nil : StoredJSON.encode(outcome.resourcesFailed)
        let success = outcome.succeeded ? outcome.finishedAt.timeIntervalSince1970 : nil
        let updated = try await sql.raw(
            """
            UPDATE connections SET lease_holder = NULL, lease_expires_at = NULL,
                next_run_at = CASE WHEN next_run_at > last_attempt_at THEN next_run_at
                    ELSE \(bind: nextRunAt.timeIntervalSince1970) END,
                last_finished_at = \(bind: outcome.finishedAt.timeIntervalSince1970),
                last_duration = \(bind: outcome.duration),
                last_success_at = COALESCE(\(bind: success), last_success_at),
                consecutive_failures = \(bind: consecutiveFailures), last_problem = \(bind: outcome.problem),
                resources_collected = \(bind: outcome.resourcesCollected), resources_failed = \(bind: failed),
                last_measured = \(bind: outcome.measured)
            WHERE organization_id = \(bind: organizationID.rawValue) AND lease_holder = \(bind: holder)
            RETURNING organization_id
            """
        ).all()
        guard !updated.isEmpty else { return false }
        try await announceChange(organizationID)
        return true
    }

    /// Makes the connection due now ("Refresh now"); false when the organization has none.
    public func requestCollection(_ organizationID: OrganizationID, at now: Date) async throws -> Bool {
        let updated = try await sql.raw(
            """
            UPDATE connections SET next_run_at = \(bind: now.timeIntervalSince1970)
            WHERE organization_id = \(bind: organizationID.rawValue)
            RETURNING organization_id
            """
        ).all()
        guard !updated.isEmpty else { return false }
        try await announceChange(organizationID)
        return true
    }

    /// Lets go of every lease `holder` has, without recording an attempt: a node that stops
    /// in an orderly way hands its collections to the next node at once instead of at expiry.
    @discardableResult
    public func releaseCollectionLeases(holder: String) async throws -> Int {
        try await sql.raw(
            """
            UPDATE connections SET lease_holder = NULL, lease_expires_at = NULL
            WHERE lease_holder = \(bind: holder)
            RETURNING organization_id
            """
        ).all().count
    }

}
