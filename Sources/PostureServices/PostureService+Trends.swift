import Foundation
import PostureCore
import PostureStore

/// The comparison trend of one organization: against its seat band and its custom comparison.
public struct ComparisonTrend: Sendable, Equatable {
    public var seatBand: SeatBand
    public var seatBandPoints: [ComparisonPoint]
    public var custom: CustomComparison?
    public var customPoints: [ComparisonPoint]?
}

/// One action's history: its points and status on each day, and its change-log entries.
public struct ActionHistory: Sendable, Equatable {
    public struct Day: Sendable, Equatable {
        public var day: CivilDay
        public var points: Double
        public var maxScore: Double
        public var status: ActionStatus
        public var achieved: Int?
        public var total: Int?
    }

    public var days: [Day]
    public var changes: [ChangeEntry]
}

extension PostureService {
    /// Snapshots of `interval`, oldest first; with `baseline`, also the last one before it, so
    /// changes on the first day have something to compare with.
    func snapshots(
        _ organizationID: OrganizationID,
        _ interval: DayInterval,
        baseline: Bool = false
    ) async throws
        -> [DailySnapshot]
    {
        _ = try await organization(organizationID)
        var snapshots = Array(
            try await store.snapshots(organizationID, from: interval.from, to: interval.to).reversed()
        )
        if baseline,
            let before = try await store.snapshots(organizationID, to: interval.from.adding(days: -1), limit: 1).first
        {
            snapshots.insert(before, at: 0)
        }
        return snapshots
    }

    /// The daily score series and the actions taken in the interval, optionally for one category.
    public func history(
        _ organizationID: OrganizationID,
        _ interval: DayInterval,
        category: ActionCategory?
    ) async throws
        -> (series: [SeriesPoint], actionsTaken: [ChangeEntry])
    {
        _ = try await organization(organizationID)
        let series = Trends.series(
            try await store.snapshotSummaries(organizationID, from: interval.from, to: interval.to),
            category: category
        )
        let changes = try await store.changes(
            organizationID,
            from: interval.from.start,
            to: interval.to.adding(days: 1).start
        )
        return (series, changes.filter { entry in category.map { entry.category == $0 } ?? true })
    }

    public func actionHistory(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        _ interval: DayInterval
    ) async throws
        -> ActionHistory
    {
        guard let action = catalog[actionID] else { throw ServiceError.actionNotFound(actionID.rawValue) }
        let days = try await snapshots(organizationID, interval).map { snapshot in
            let entry = snapshot.actions.first { $0.id == actionID.rawValue }
            return ActionHistory.Day(
                day: snapshot.day,
                points: entry?.points ?? 0,
                maxScore: entry?.maxScore ?? action.maxScore,
                status: entry?.status ?? .toAddress,
                achieved: entry?.achieved,
                total: entry?.total
            )
        }
        let changes = try await store.changes(
            organizationID,
            actionID: actionID,
            from: interval.from.start,
            to: interval.to.adding(days: 1).start
        )
        return ActionHistory(days: days, changes: changes)
    }

    public func regressionTrend(
        _ organizationID: OrganizationID,
        _ interval: DayInterval,
        category: ActionCategory?
    )
        async throws -> RegressionTrend
    {
        let snapshots = try await snapshots(organizationID, interval, baseline: true)
        let changes = try await store.changes(
            organizationID,
            from: interval.from.start,
            to: interval.to.adding(days: 1).start
        )
        var trend = Trends.regressions(snapshots, changes: changes, catalog: catalog, category: category)
        // The baseline day only anchors the comparison.
        trend.days = trend.days.filter { $0.day >= interval.from }
        trend.regressions = trend.regressions.filter { $0.day >= interval.from }
        trend.totalPointsLost = trend.days.reduce(0) { $0 + $1.pointsLost }
        return trend
    }

    public func riskAcceptanceTrend(
        _ organizationID: OrganizationID,
        _ interval: DayInterval
    ) async throws
        -> [RiskAcceptancePoint]
    {
        Trends.riskAcceptance(try await snapshots(organizationID, interval))
    }

    public func scoreChanges(_ organizationID: OrganizationID, _ interval: DayInterval) async throws -> ScoreChanges {
        var changes = Trends.scoreChanges(try await snapshots(organizationID, interval, baseline: true))
        changes.from = max(changes.from ?? interval.from, interval.from)
        return changes
    }

    /// The cohort's average on each day of `[from, to]`. Closed days come from their sealed cells
    /// (sealed here first when the scheduler has not yet done it); today, still open, shows the
    /// last sealed day's figures, so nothing can be learned by watching a cohort within a day.
    public func cohortDays(
        _ filter: CustomComparison,
        from: CivilDay,
        to: CivilDay,
        categories: Bool = true
    ) async throws -> [CohortDay] {
        let today = CivilDay(clock.now())
        let yesterday = today.adding(days: -1)
        // How far cells are sealed only moves forward: this process having seen it up to
        // yesterday spares the query.
        var sealed = memo.cohortsSealedThrough
        if sealed.map({ $0 < yesterday }) ?? true { sealed = try await store.cohortSealedThrough() }
        if sealed.map({ $0 < yesterday }) ?? true {
            try await store.sealCohorts(through: yesterday)
            sealed = try await store.cohortSealedThrough()
        }
        guard let sealed else { return [] }
        memo.keepSealed(through: sealed)
        guard from <= to else { return [] }
        let key = DerivedMemo.CohortKey(
            filter: filter,
            from: min(from, sealed),
            to: min(to, sealed),
            categories: categories
        )
        var days: [CohortDay]
        if let held = memo.cohortDays(key) {
            days = held
        } else {
            days = try await store.sealedCohortDays(filter, from: key.from, to: key.to, categories: categories)
            memo.keep(key, days)
        }
        if let last = days.last, last.day == sealed {
            var day = max(from, sealed.adding(days: 1))
            while day <= min(to, today) {
                var open = last
                open.day = day
                days.append(open)
                day = day.adding(days: 1)
            }
        }
        return days.filter { $0.day >= from }
    }

    /// The organization's percentage beside its seat band's average and its custom comparison's,
    /// day by day. The band is the one of the organization's current seats.
    public func comparisonTrend(
        _ organizationID: OrganizationID,
        _ interval: DayInterval
    ) async throws -> ComparisonTrend {
        try await comparisonTrend(organization(organizationID).organization, interval, custom: nil)
    }

    /// The same for an organization already read, with its custom comparison and its own
    /// percentages over `interval` when the caller has them.
    public func comparisonTrend(
        _ stored: Organization,
        _ interval: DayInterval,
        custom known: CustomComparison??,
        categories: Bool = true,
        own knownPercentages: [CivilDay: Double]? = nil
    ) async throws -> ComparisonTrend {
        let organizationID = OrganizationID(stored.id)
        let own: [CivilDay: Double]
        if let knownPercentages {
            own = knownPercentages
        } else {
            own = try await store.percentages(organizationID, from: interval.from, to: interval.to)
        }
        let band = SeatBand.band(
            forSeats: SeatBand.seats(licensed: stored.licensedUserCount, active: stored.activeUserCount)
        )
        let bandDays = try await cohortDays(
            band.comparison,
            from: interval.from,
            to: interval.to,
            categories: categories
        )
        var trend = ComparisonTrend(
            seatBand: band,
            seatBandPoints: Comparisons.trend(own: own, cohort: bandDays, days: interval.days)
        )
        let custom: CustomComparison?
        if let known { custom = known } else { custom = try await store.customComparison(organizationID) }
        if let custom {
            let customDays = try await cohortDays(custom, from: interval.from, to: interval.to, categories: categories)
            trend.custom = custom
            trend.customPoints = Comparisons.trend(own: own, cohort: customDays, days: interval.days)
        }
        return trend
    }

    // MARK: settings

    public func zones(_ organizationID: OrganizationID) async throws -> ScoreZones {
        _ = try await organization(organizationID)
        return try await store.zones(organizationID)
    }

    /// Replaces the score zones (nil: back to the defaults), audited.
    public func setZones(
        _ organizationID: OrganizationID,
        _ zones: ScoreZones?,
        actor: String,
        requestID: String? = nil
    )
        async throws
    {
        _ = try await organization(organizationID)
        let now = clock.now()
        try await store.transaction { store in
            let before = try await store.zones(organizationID)
            try await store.setZones(organizationID, zones, by: actor, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "zones.set",
                    before: StoredJSON.encode(before.ranges),
                    after: StoredJSON.encode((zones ?? .default).ranges),
                    requestID: requestID
                )
            )
        }
    }

    public func customComparison(_ organizationID: OrganizationID) async throws -> CustomComparison? {
        _ = try await organization(organizationID)
        return try await store.customComparison(organizationID)
    }

    /// Replaces the custom comparison (nil: removes it), audited.
    public func setCustomComparison(
        _ organizationID: OrganizationID,
        _ comparison: CustomComparison?,
        actor: String,
        requestID: String? = nil
    ) async throws {
        _ = try await organization(organizationID)
        let now = clock.now()
        try await store.transaction { store in
            let before = try await store.customComparison(organizationID)
            try await store.setCustomComparison(organizationID, comparison, by: actor, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "comparison.set",
                    before: before.map(StoredJSON.encode),
                    after: comparison.map(StoredJSON.encode),
                    requestID: requestID
                )
            )
        }
    }

    // MARK: recompute

    /// Re-scores the stored snapshots from `from` on under the current catalog and model and
    /// returns every snapshot's result. With `apply`, changed snapshots are replaced (audited);
    /// without it, nothing is written.
    public func recompute(
        _ organizationID: OrganizationID,
        from: CivilDay,
        apply: Bool,
        actor: String,
        requestID: String? = nil
    ) async throws -> [Recompute.Result] {
        let organization = try await organization(organizationID).organization
        let stored = Array(try await store.snapshots(organizationID, from: from).reversed())
        let results = stored.map { Recompute.rescore($0, organization: organization, engine: engine) }
        let changed = results.filter(\.changed)
        guard apply, !changed.isEmpty else { return results }
        let now = clock.now()
        try await store.transaction { store in
            for result in changed { try await store.replaceSnapshot(result.recomputed, at: now) }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "history.recompute",
                    target: "\(changed.count) snapshot(s) from \(from)",
                    before: JSONValue.array(
                        changed.map {
                            .object(["day": .string($0.stored.day.description), "score": .double($0.stored.score)])
                        }
                    ).jsonText,
                    after: JSONValue.array(
                        changed.map {
                            .object([
                                "day": .string($0.recomputed.day.description), "score": .double($0.recomputed.score),
                            ])
                        }
                    ).jsonText,
                    requestID: requestID
                )
            )
        }
        return results
    }
}
