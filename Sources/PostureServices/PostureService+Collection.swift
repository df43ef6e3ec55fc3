import Foundation
import PostureCore
import PostureStore

/// Reads a tenant's configuration with a connection's settings and credential and assesses it.
/// The server's is the Graph collector's; it stores nothing itself.
public protocol ConnectionCollecting: Sendable {
    func collect(_ settings: ConnectionSettings, _ credential: ConnectionCredential) async -> CollectionHarvest
}

/// Scheduled collection: a node takes due connections under a lease, collects each, stores what
/// it read through the same writes as a push (newest data wins), and records the attempt.
extension PostureService {
    /// The actor of the measurements and imports a collection writes, in the audit log and the
    /// change log.
    public static let collectionActor = "collection"

    /// Takes up to `limit` due connections for `holder`, each for `leaseSeconds`.
    public func claimDueCollections(holder: String, leaseSeconds: Double, limit: Int) async throws -> [OrganizationID] {
        let now = clock.now()
        return try await store.claimDueCollections(
            at: now,
            holder: holder,
            leaseUntil: now.addingTimeInterval(leaseSeconds),
            limit: limit
        )
    }

    /// Collects one connection now, in this process, under a lease like the scheduler's (so it
    /// never overlaps a node collecting the same organization); `posture connection collect`.
    public func collectNow(
        _ organizationID: OrganizationID,
        holder: String,
        leaseSeconds: Double,
        using collector: any ConnectionCollecting
    ) async throws -> CollectionOutcome {
        _ = try await connection(organizationID)
        let now = clock.now()
        guard
            try await store.claimCollection(
                organizationID,
                at: now,
                holder: holder,
                leaseUntil: now.addingTimeInterval(leaseSeconds)
            )
        else { throw ServiceError.collectionRunning(organizationID.rawValue) }
        guard
            let outcome = await runCollection(
                organizationID,
                holder: holder,
                leaseSeconds: leaseSeconds,
                using: collector
            )
        else { throw ServiceError.connectionNotFound(organizationID.rawValue) }
        return outcome
    }

    /// Lets go of every lease of `holder` (a node shutting down).
    public func releaseCollectionLeases(holder: String) async throws {
        try await store.releaseCollectionLeases(holder: holder)
    }

    /// Collects one connection that `holder` has claimed, renewing the lease every third of its
    /// length while it runs, and records the outcome. Never throws: whatever goes wrong is this
    /// organization's failed attempt, retried with back-off, and no other organization's. Nil when
    /// there was nothing to record: the connection is gone, or the node is stopping.
    @discardableResult
    public func runCollection(
        _ organizationID: OrganizationID,
        holder: String,
        leaseSeconds: Double,
        using collector: any ConnectionCollecting,
        jitter: Double = Double.random(in: 0..<1)
    ) async -> CollectionOutcome? {
        let started = clock.now()
        var outcome = CollectionOutcome(startedAt: started, finishedAt: started)
        // Removed meanwhile: nothing to collect or record.
        guard let stored = try? await store.connection(organizationID) else { return nil }
        let connection: StoredConnection
        let credential: ConnectionCredential
        do {
            (connection, credential) = try await connectionSignIn(organizationID)
        } catch {
            // Its credential cannot be opened (the connection key lost or replaced), or the
            // instance-wide app is gone: a failed attempt like any other, shown and retried.
            outcome.problem = "cannot sign in: \(error)"
            outcome.finishedAt = clock.now()
            await finish(stored, holder: holder, outcome: outcome, jitter: jitter)
            return outcome
        }
        let harvest = await withLeaseRenewed(organizationID, holder: holder, leaseSeconds: leaseSeconds) {
            await collector.collect(connection.settings, credential)
        }
        // Cut short by a shutdown: not this connection's failure. The node lets go of the lease
        // and the next one collects it afresh.
        if Task.isCancelled { return nil }
        outcome.resourcesCollected = harvest.resourcesCollected
        outcome.resourcesFailed = harvest.resourcesFailed
        outcome.problem = harvest.problem
        outcome.retryAfter = harvest.retryAfter
        outcome.graphRequests = harvest.graphRequests
        outcome.throttled = harvest.throttled
        if harvest.problem == nil {
            do {
                // Signed in through the instance-wide app: the tenant's consent has landed.
                try await noteConsent(connection, makeDue: false)
                outcome.measured = try await store(
                    harvest,
                    for: organizationID,
                    holder: holder,
                    leaseSeconds: leaseSeconds
                )
            } catch {
                outcome.problem = "storing the collection failed: \(error)"
            }
        }
        outcome.finishedAt = clock.now()
        await finish(connection, holder: holder, outcome: outcome, jitter: jitter)
        return outcome
    }

    /// Records the attempt and when to run next, and lets go of the lease.
    private func finish(
        _ connection: StoredConnection,
        holder: String,
        outcome: CollectionOutcome,
        jitter: Double
    ) async {
        let failures = outcome.succeeded ? 0 : connection.collection.consecutiveFailures + 1
        let next = connection.settings.schedule.nextRun(
            after: outcome.finishedAt,
            consecutiveFailures: failures,
            retryAfter: outcome.retryAfter,
            jitter: jitter
        )
        _ = try? await store.finishCollection(
            connection.organizationID,
            holder: holder,
            outcome: outcome,
            consecutiveFailures: failures,
            nextRunAt: next
        )
        // A failure (or a recovery) is news for the connection alert: looked at within seconds.
        if !outcome.succeeded || connection.collection.consecutiveFailures > 0 {
            try? await store.markAlertsPending(connection.organizationID, at: outcome.finishedAt)
        }
    }

    /// Stores a successful harvest while `holder` still holds the connection; returns how many
    /// measurements were newer than the stored ones.
    private func store(
        _ harvest: CollectionHarvest,
        for organizationID: OrganizationID,
        holder: String,
        leaseSeconds: Double
    ) async throws -> Int {
        // A node that stalled past its lease lets the new holder's collection stand.
        guard
            try await store.renewCollectionLease(
                organizationID,
                holder: holder,
                until: clock.now().addingTimeInterval(leaseSeconds)
            )
        else { throw CollectionLeaseLost() }
        var measured = 0
        if !harvest.measurements.isEmpty {
            let older = try await recordObservations(organizationID, harvest.measurements, actor: Self.collectionActor)
                .older
            measured = harvest.measurements.count - older.count
        }
        if let scores = harvest.microsoftScores {
            _ = try await importMicrosoftSecureScore(
                organizationID,
                scores: scores,
                profiles: harvest.microsoftProfiles,
                actor: Self.collectionActor
            )
        }
        return measured
    }

    /// Runs `body` while a child task renews the lease every third of its length.
    private func withLeaseRenewed<T: Sendable>(
        _ organizationID: OrganizationID,
        holder: String,
        leaseSeconds: Double,
        _ body: @escaping @Sendable () async -> T
    ) async -> T {
        let store = store
        let clock = clock
        return await withTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .seconds(leaseSeconds / 3)) } catch { return nil }
                    let until = clock.now().addingTimeInterval(leaseSeconds)
                    let held = try? await store.renewCollectionLease(organizationID, holder: holder, until: until)
                    if held == false { return nil }
                }
                return nil
            }
            group.addTask { await body() }
            var result: T?
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            // The body's task always returns a value.
            return result!
        }
    }

    /// "Refresh now": the connection is due at once; a node collects it within seconds.
    @discardableResult
    public func requestCollection(
        _ organizationID: OrganizationID,
        actor: String,
        requestID: String? = nil
    ) async throws -> StoredConnection {
        _ = try await connection(organizationID)
        // Audited without the settings, which a refresh leaves as they were.
        return try await changeConnection(
            organizationID,
            "connection.refresh",
            before: nil,
            actor: actor,
            requestID: requestID
        ) { store, now in try await store.requestCollection(organizationID, at: now) }
    }
}

/// The lease ran out while the collection ran and another node holds the connection now.
struct CollectionLeaseLost: Error, CustomStringConvertible {
    var description: String { "another node took the connection over while this one collected" }
}
