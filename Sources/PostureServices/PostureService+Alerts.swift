import Foundation
import PostureCore
import PostureStore

/// Alert rules per organization and their evaluation: after a write that lost points (within
/// seconds, so a burst of writes shares one message) and on a sweep for what time brings
/// (expiring exceptions, stale connections).
extension PostureService {
    /// Seconds a mark waits before its look, so the writes of a burst share one message.
    public static let alertSettleSeconds: Double = 15
    /// Every organization is looked at least this often.
    public static let alertSweepSeconds: Double = 3_600
    /// Change-log entries read per look at most; the rest wait for the next look.
    static let alertChangesPerLook = 2_000

    public func alertRules(_ organizationID: OrganizationID) async throws -> AlertRules {
        try await checkOutboundOwner(organizationID)
        return try await store.alerts(organizationID)?.rules ?? AlertRules()
    }

    /// Changes the rules with `change` (given the rules in force) and records it in the audit log;
    /// the change throws when what it was given is wrong. Returns the rules now in force.
    @discardableResult
    public func updateAlertRules(
        _ organizationID: OrganizationID,
        actor: String,
        requestID: String? = nil,
        _ change: @escaping @Sendable (AlertRules) throws -> AlertRules
    ) async throws -> AlertRules {
        try await checkOutboundOwner(organizationID)
        let now = clock.now()
        return try await store.organizationTransaction(organizationID) { store in
            let before = try await store.alerts(organizationID)?.rules ?? AlertRules()
            let rules = try change(before)
            let problems = rules.problems
            guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
            try await store.setAlertRules(
                organizationID,
                rules,
                cursor: try await store.lastChangeSequence(organizationID)
            )
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.auditOwner,
                    action: "alerts.set",
                    before: AuditJSON.alertRules(before),
                    after: AuditJSON.alertRules(rules),
                    requestID: requestID
                )
            )
            return rules
        }
    }

    /// Looks at up to `limit` organizations that are due; returns how many deliveries were queued.
    /// Callers run it under one job lock, so one node looks at a time.
    @discardableResult
    public func evaluateDueAlerts(limit: Int = 200) async throws -> Int {
        let due = try await store.dueAlertOrganizations(
            at: clock.now(),
            settleSeconds: Self.alertSettleSeconds,
            sweepSeconds: Self.alertSweepSeconds,
            limit: limit
        )
        var queued = 0
        for organizationID in due { queued += try await lookAtAlerts(organizationID).deliveries }
        return queued
    }

    /// Evaluates one organization's alerts now and queues what they send. Returns the events.
    @discardableResult
    public func evaluateAlerts(_ organizationID: OrganizationID) async throws -> [OutboundEvent] {
        try await lookAtAlerts(organizationID).events
    }

    /// One look, in one transaction that holds the organization's lock: the events and how many
    /// deliveries they queued.
    func lookAtAlerts(_ organizationID: OrganizationID) async throws -> (events: [OutboundEvent], deliveries: Int) {
        guard let organization = try await store.organization(organizationID) else { return ([], 0) }
        let now = clock.now()
        return try await store.organizationTransaction(organizationID) { store in
            let stored = try await store.alerts(organizationID)
            let rules = stored?.rules ?? AlertRules()
            var state = stored?.state ?? AlertState()
            if stored == nil { state.changeCursor = try await store.lastChangeSequence(organizationID) }
            let input = try await alertInput(organization, cursor: state.changeCursor, store: store, at: now)
            let (next, events) = AlertEvaluation.evaluate(rules: rules, state: state, input: input, at: now)
            var deliveries = 0
            for event in events { deliveries += try await enqueue(event, for: organizationID, store: store).count }
            // The instance-wide rules look at the same input with their own memory, for the
            // instance's channels; only when there are any.
            var instanceNext: AlertState?
            // Evaluated while the instance has channels, even when all are off, so its memory of
            // open incidents stays current; only enabled channels are sent to.
            if try await !store.channels(.instance).isEmpty {
                var instanceState = stored?.instanceState ?? AlertState()
                instanceState.changeCursor = state.changeCursor
                let instanceRules = try await store.alerts(.instance)?.rules ?? AlertRules()
                let (after, instanceEvents) = AlertEvaluation.evaluate(
                    rules: instanceRules,
                    state: instanceState,
                    input: input,
                    at: now
                )
                for event in instanceEvents {
                    deliveries += try await enqueue(event, for: .instance, store: store).count
                }
                instanceNext = after
            }
            try await store.saveAlertState(organizationID, next, instanceState: instanceNext, checkedAt: now)
            return (events, deliveries)
        }
    }

    func alertInput(
        _ organization: StoredOrganization,
        cursor: Int64,
        store: PostureStore,
        at now: Date
    ) async throws -> AlertInput {
        let id = organization.id
        let changes = try await store.changePage(id, after: cursor, limit: Self.alertChangesPerLook).entries
        let report = try await storedReportIn(id, store: store, at: now)
        let today = CivilDay(now)
        var comparison: ScoreDropRule.Comparison?
        if let previous = try await store.snapshots(id, to: today.adding(days: -1), limit: 1).first {
            let before = Dictionary(
                previous.actions.filter(\.counted).map {
                    ($0.id, ScoreDropRule.Points(score: $0.points, max: $0.maxScore))
                },
                uniquingKeysWith: { first, _ in first }
            )
            let current = Dictionary(
                report.actions.filter(\.counted).map {
                    ($0.action.id, ScoreDropRule.Points(score: $0.points, max: $0.maxScore))
                },
                uniquingKeysWith: { first, _ in first }
            )
            comparison = ScoreDropRule.compare(previous: before, current: current)
        }
        let exceptions = report.actions.compactMap { score -> AlertInput.Exception? in
            guard let record = score.statusRecord, record.status.isException, let expiresAt = record.expiresAt else {
                return nil
            }
            return AlertInput.Exception(actionID: score.action.id, status: record.status, expiresAt: expiresAt)
        }
        let connection = try await store.connection(id).map { stored in
            AlertInput.Connection(
                health: stored.health(at: now),
                problem: stored.collection.lastProblem,
                lastSuccessAt: stored.collection.lastSuccessAt,
                consecutiveFailures: stored.collection.consecutiveFailures
            )
        }
        return AlertInput(
            organizationID: id,
            organizationName: organization.organization.displayName,
            changes: changes,
            comparison: comparison,
            currentPercent: report.maxScore > 0 ? report.percentage : nil,
            exceptions: exceptions,
            connection: connection,
            titles: Dictionary(report.actions.map { ($0.action.id, $0.action.title) }, uniquingKeysWith: { a, _ in a }),
            link: outbound.organizationLink(id)
        )
    }
}
