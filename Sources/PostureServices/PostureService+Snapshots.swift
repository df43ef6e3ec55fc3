import FluentKit
import Foundation
import PostureCore
import PostureStore

/// What a sync did, for logs and the CLI.
public struct SyncSummary: Sendable, Equatable {
    public var day: CivilDay
    public var organizations = 0
    public var snapshotsWritten = 0
    public var daysFilled = 0
    public var alreadyTaken = 0
    /// False when another node held the sync lock, so this one did nothing.
    public var ran = true

    public init(day: CivilDay) {
        self.day = day
    }
}

extension PostureService {
    /// Writes `day`'s snapshot for every organization, first filling the days missed since each
    /// organization's last snapshot (marked as filled). Idempotent per day, and run by one node at
    /// a time through the job lock.
    public func sync(day: CivilDay) async throws -> SyncSummary {
        try await locked(day) { summary in
            // Housekeeping that belongs to no organization: sessions that ended.
            try await store.deleteExpiredSessions(before: clock.now())
            try await fillMissedDays(through: day.adding(days: -1), into: &summary)
            for organization in try await store.organizations() {
                if try await snapshot(OrganizationID(organization.organization.id), day: day, filled: false) {
                    summary.snapshotsWritten += 1
                } else {
                    summary.alreadyTaken += 1
                }
            }
            // Yesterday is closed: seal its comparison cells now rather than at the first read.
            try await store.sealCohorts(through: day.adding(days: -1))
        }
    }

    /// Fills every organization's missing days up to and including `day`, marked as filled. Run at
    /// start-up so a server that was down leaves no holes in the history.
    public func fillMissedDays(through day: CivilDay) async throws -> SyncSummary {
        try await locked(day) { summary in try await fillMissedDays(through: day, into: &summary) }
    }

    private func locked(
        _ day: CivilDay,
        _ body: @escaping @Sendable (inout SyncSummary) async throws -> Void
    )
        async throws -> SyncSummary
    {
        let result = try await store.withJobLock("posture.sync") {
            var summary = SyncSummary(day: day)
            try await body(&summary)
            return summary
        }
        guard let result else {
            var skipped = SyncSummary(day: day)
            skipped.ran = false
            return skipped
        }
        return result
    }

    private func fillMissedDays(through day: CivilDay, into summary: inout SyncSummary) async throws {
        for organization in try await store.organizations() {
            summary.organizations += 1
            let id = organization.id
            // Only days after the last snapshot, and never before the organization existed.
            guard let latest = try await store.latestSnapshotDay(id) else { continue }
            var next = max(latest.adding(days: 1), CivilDay(organization.createdAt))
            while next <= day {
                if try await snapshot(id, day: next, filled: true) { summary.daysFilled += 1 }
                next = next.adding(days: 1)
            }
        }
    }

    /// Writes one organization's snapshot of `day` from its stored state, evaluated at the end of
    /// that day (so exceptions expiring that day have reopened). Returns false when the day exists.
    @discardableResult
    public func snapshot(_ organizationID: OrganizationID, day: CivilDay, filled: Bool) async throws -> Bool {
        _ = try await organization(organizationID)
        return try await store.transaction { store in
            try await writeSnapshot(organizationID, day: day, filled: filled, store: store)
        }
    }

    /// ``snapshot(_:day:filled:)`` inside a caller's transaction.
    func writeSnapshot(
        _ organizationID: OrganizationID,
        day: CivilDay,
        filled: Bool,
        store: PostureStore
    ) async throws -> Bool {
        guard let organization = try await store.organization(organizationID) else {
            throw ServiceError.organizationNotFound(organizationID.rawValue)
        }
        guard try await !store.hasSnapshot(organizationID, day: day) else { return false }
        let endOfDay = day.adding(days: 1).start.addingTimeInterval(-1)
        let (measurements, statuses) = try await scoringInputs(organizationID, store: store)
        let report = engine.score(measurements: measurements, statuses: statuses, asOf: min(endOfDay, clock.now()))
        // Exceptions that expired since the last snapshot reopen now: log them once, here.
        let previous = try await store.snapshots(organizationID, to: day.adding(days: -1), limit: 1).first
        try await logExpiries(organizationID, previous: previous, current: report, store: store)
        let snapshot = DailySnapshot(
            organization: organization.organization,
            day: day,
            report: report,
            measurements: measurements,
            filled: filled
        )
        guard try await store.insertSnapshot(snapshot, at: clock.now()) else { return false }
        // Today's snapshot and the current score are one state: whoever writes one writes both.
        if day == CivilDay(clock.now()) {
            try await saveCurrentScore(
                organizationID,
                CurrentScore(report: report, measurements: measurements, rulesKey: rulesKey),
                report: report,
                snapshot: snapshot,
                store: store
            )
        }
        return true
    }

    /// Today follows the current state: called in the transaction of every change to the score,
    /// it stores the organization's current score (``CurrentScore``) and rewrites today's snapshot
    /// from it, so every view (the score, Graph's newest entry, charts, metrics, score changes,
    /// lists) shows the same number at once. An exception that lapsed since the state was last
    /// stored is logged here, once. When today has no snapshot yet, it first fills the days missed
    /// since the last one, as the daily sync would. Closed days are never touched. `scored` passes
    /// what the caller already scored from the stored data. Returns the score now.
    @discardableResult
    func refreshToday(
        _ organizationID: OrganizationID,
        store: PostureStore,
        scored: (report: ScoreReport, measurements: [ActionMeasurement])? = nil
    ) async throws -> ScoreReport {
        let now = clock.now()
        let today = CivilDay(now)
        let report: ScoreReport
        let measurements: [ActionMeasurement]
        if let scored {
            (report, measurements) = scored
        } else {
            let inputs = try await scoringInputs(organizationID, store: store)
            measurements = inputs.measurements
            report = engine.score(measurements: measurements, statuses: inputs.statuses, asOf: now)
        }
        guard let organization = try await store.organization(organizationID) else { return report }
        let document = CurrentScore(report: report, measurements: measurements, rulesKey: rulesKey)
        // Built only where it is used: the first write of a day builds its own in `writeSnapshot`.
        func todays() -> DailySnapshot {
            document.snapshot(of: organization.organization, day: today, catalog: catalog, filled: false)
        }
        let snapshot: DailySnapshot
        let latest = try await store.latestSnapshotDay(organizationID)
        if let latest, latest >= today {
            snapshot = todays()
            // A snapshot dated after today (a clock set back) is left alone.
            if latest == today {
                let stored = try await storedDocument(organizationID, store: store)
                let previous: DailySnapshot? =
                    if let stored {
                        stored.snapshot(of: organization.organization, day: today, catalog: catalog, filled: false)
                    } else {
                        try await store.snapshot(organizationID, day: today)
                    }
                try await logExpiries(organizationID, previous: previous, current: report, store: store)
                try await store.replaceNewestSnapshot(snapshot, at: now)
            }
        } else {
            if let latest {
                var next = max(latest.adding(days: 1), CivilDay(organization.createdAt))
                while next < today {
                    _ = try await writeSnapshot(organizationID, day: next, filled: true, store: store)
                    next = next.adding(days: 1)
                }
            }
            // Stores the current score with the snapshot.
            if try await writeSnapshot(organizationID, day: today, filled: false, store: store) { return report }
            snapshot = todays()
        }
        try await saveCurrentScore(organizationID, document, report: report, snapshot: snapshot, store: store)
        return report
    }

    /// Logs the exceptions that lapsed between `previous` and `current`, and ends each one's status
    /// history with the system reopening the action.
    func logExpiries(
        _ organizationID: OrganizationID,
        previous: DailySnapshot?,
        current: ScoreReport,
        store: PostureStore
    ) async throws {
        let expiries = ChangeDetector.expiries(
            organizationID: organizationID.rawValue,
            previous: previous,
            current: current
        )
        try await store.appendChanges(organizationID, expiries)
        try await store.appendStatusHistory(
            organizationID,
            expiries.map {
                StatusRecord(
                    actionID: $0.actionID,
                    status: .toAddress,
                    setBy: StatusRecord.system,
                    setAt: $0.occurredAt
                )
            }
        )
    }
}
