import FluentKit
import Foundation
import PostureCore
import PostureStore

/// The use cases shared by the API, the CLI and the scheduler: read and change an organization's
/// state so that its score, change log and snapshots stay consistent. Rules come from PostureCore;
/// this type only sequences them around storage, each change in one transaction.
public struct PostureService: Sendable {
    let store: PostureStore
    public let catalog: Catalog
    public let weights: RankingWeights
    public let clock: PostureClock
    /// Decoded current scores of this process, by organization and revision.
    let currentScores: CurrentScoreCache
    /// Renderings of current scores this process has read, by organization, revision and day.
    let renderings: RenderingCache
    /// Plans and period work of this process, under everything they were worked out from.
    let memo: DerivedMemo
    /// What a stored current score must have been computed under to be read as it is.
    let rulesKey: String
    /// Signs in to a tenant to test a connection; nil where nothing may leave this machine.
    let connectionTester: (any ConnectionTesting)?
    /// Where outbound messages may go (private targets only when the operator allows them).
    public let outbound: OutboundPolicy

    public init(
        store: PostureStore,
        catalog: Catalog,
        weights: RankingWeights = .default,
        clock: PostureClock,
        currentScores: CurrentScoreCache = CurrentScoreCache(),
        renderings: RenderingCache = RenderingCache(),
        memo: DerivedMemo = DerivedMemo(),
        connectionTester: (any ConnectionTesting)? = nil,
        outbound: OutboundPolicy = OutboundPolicy()
    ) {
        self.store = store
        self.catalog = catalog
        self.weights = weights
        self.clock = clock
        self.currentScores = currentScores
        self.renderings = renderings
        self.memo = memo
        self.connectionTester = connectionTester
        self.outbound = outbound
        rulesKey = CurrentScore.rulesKey(catalog: catalog, weights: weights)
    }

    var engine: ScoringEngine { ScoringEngine(catalog: catalog, weights: weights) }

    /// The cheapest set of `organizationID`'s open actions that lifts `report` to
    /// `targetPercentage` (see ``WhatIfPlanner``), worked out once per state and target.
    public func whatIfPlan(
        _ organizationID: OrganizationID,
        report: ScoreReport,
        targetPercentage: Double
    ) -> WhatIfPlan {
        memo.plan(organizationID, report: report, targetPercentage: targetPercentage, weights: weights)
    }

    public func organization(_ id: OrganizationID) async throws -> StoredOrganization {
        guard let organization = try await store.organization(id) else {
            throw ServiceError.organizationNotFound(id.rawValue)
        }
        return organization
    }

    /// The score of an organization already read (no second lookup).
    public func currentReport(of organization: StoredOrganization) async throws -> ScoreReport {
        try await storedReport(OrganizationID(organization.organization.id))
    }

    /// The organization's score now: its stored current score (see ``storedReport(_:)``).
    public func currentReport(_ organizationID: OrganizationID) async throws -> ScoreReport {
        _ = try await organization(organizationID)
        return try await storedReport(organizationID)
    }

    func report(_ organizationID: OrganizationID, store: PostureStore, asOf: Date) async throws -> ScoreReport {
        let (measurements, statuses) = try await scoringInputs(organizationID, store: store)
        return engine.score(measurements: measurements, statuses: statuses, asOf: asOf)
    }

    /// What scoring reads: the latest measurements with the organization's own exclusions applied,
    /// and the statuses people set.
    func scoringInputs(
        _ organizationID: OrganizationID,
        store: PostureStore
    ) async throws
        -> (measurements: [ActionMeasurement], statuses: [StatusRecord])
    {
        let measurements = ActionMeasurement.applying(
            try await store.exclusionsByAction(organizationID),
            to: try await store.measurements(organizationID)
        )
        return (measurements, try await store.statuses(organizationID))
    }

    /// Stores a batch of measurements and logs every status and points change it causes.
    /// Returns the new score (the same request sees the change).
    @discardableResult
    public func recordMeasurements(
        _ organizationID: OrganizationID,
        _ measurements: [ActionMeasurement],
        actor: String,
        requestID: String? = nil
    ) async throws -> ScoreReport {
        try await recordObservations(organizationID, measurements, actor: actor, requestID: requestID).report
    }

    /// Stores the measurements that are newer than what is stored for their action
    /// (``ObservationOrder``) and logs every status and points change they cause. Returns the new
    /// score and the measurements left out as older. Reads the stored data once and scores it once
    /// (twice when the change completes an action, whose system status then joins the inputs).
    public func recordObservations(
        _ organizationID: OrganizationID,
        _ measurements: [ActionMeasurement],
        actor: String,
        requestID: String? = nil
    ) async throws -> (report: ScoreReport, older: [OlderObservation]) {
        _ = try await organization(organizationID)
        let now = clock.now()
        return try await store.organizationTransaction(organizationID) { store in
            let touched = Set(measurements.map(\.actionID))
            let (newer, older) = ObservationOrder.newest(
                measurements,
                stored: try await store.observationTimes(organizationID, Array(touched)),
                now: now
            )
            guard !newer.isEmpty else {
                return (try await storedReportIn(organizationID, store: store, at: now), older)
            }
            let stored = try await store.measurements(organizationID)
            let exclusions = try await store.exclusionsByAction(organizationID)
            var statuses = try await store.statuses(organizationID)
            let before =
                try await documentReport(organizationID, store: store, at: now)
                ?? engine.score(
                    measurements: ActionMeasurement.applying(exclusions, to: stored),
                    statuses: statuses,
                    asOf: now
                )
            let previous = stored.filter { touched.contains($0.actionID) }
            try await store.upsertMeasurements(organizationID, newer, by: actor, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "measurements.upsert",
                    target: newer.count == 1 ? newer[0].actionID : counted(newer.count, "action"),
                    before: AuditJSON.measurements(previous),
                    after: AuditJSON.measurements(newer),
                    requestID: requestID
                )
            )
            let replaced = Dictionary(newer.map { ($0.actionID, $0) }, uniquingKeysWith: { _, last in last })
            var current = stored.map { replaced[$0.actionID] ?? $0 }
            let storedIDs = Set(stored.map(\.actionID))
            current += newer.filter { !storedIDs.contains($0.actionID) }
            let applied = ActionMeasurement.applying(exclusions, to: current)
            var after = engine.score(measurements: applied, statuses: statuses, asOf: now)
            if try await persistSystemStatuses(organizationID, before: before, after: after, store: store, at: now) {
                statuses = try await store.statuses(organizationID)
                after = engine.score(measurements: applied, statuses: statuses, asOf: now)
            }
            try await store.appendChanges(
                organizationID,
                ChangeDetector.changes(
                    organizationID: organizationID.rawValue,
                    from: before,
                    to: after,
                    at: now,
                    actor: actor,
                    previousMeasurements: previous,
                    currentMeasurements: newer
                )
            )
            return (try await refreshToday(organizationID, store: store, scored: (after, applied)), older)
        }
    }

    /// Sets a status a person chose, after the rules of ``StatusRecord/violations(in:asOf:)``.
    @discardableResult
    public func setStatus(
        _ organizationID: OrganizationID,
        _ record: StatusRecord,
        actor: String,
        requestID: String? = nil
    )
        async throws -> ScoreReport
    {
        _ = try await organization(organizationID)
        let now = clock.now()
        let violations = record.violations(in: catalog, asOf: now)
        guard violations.isEmpty else { throw ServiceError.statusRefused(violations) }
        var stored = record
        stored.setBy = actor
        stored.setAt = now
        let finalRecord = stored
        return try await store.organizationTransaction(organizationID) { store in
            let (measurements, statuses) = try await scoringInputs(organizationID, store: store)
            let before =
                try await documentReport(organizationID, store: store, at: now)
                ?? engine.score(measurements: measurements, statuses: statuses, asOf: now)
            if before[record.actionID]?.status == .completed {
                throw ServiceError.statusRefused([.actionCompleted(actionID: record.actionID)])
            }
            let previous = statuses.first { $0.actionID == record.actionID }
            try await store.setStatus(organizationID, finalRecord)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "status.set",
                    target: record.actionID,
                    before: AuditJSON.status(previous),
                    after: AuditJSON.status(finalRecord),
                    requestID: requestID
                )
            )
            let after = engine.score(
                measurements: measurements,
                statuses: statuses.filter { $0.actionID != record.actionID } + [finalRecord],
                asOf: now
            )
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

    /// `completed` is the system's status: record it when the data earns every point, so a later
    /// shortfall reads as a regression rather than as an open action that never moved. A
    /// regression is recorded in the status history as the system's `toAddress`, without a note,
    /// so Graph's `controlStateUpdates` end with the state in force. Returns whether it set a
    /// current status (the score then reads it).
    @discardableResult
    func persistSystemStatuses(
        _ organizationID: OrganizationID,
        before: ScoreReport,
        after: ScoreReport,
        store: PostureStore,
        at now: Date
    ) async throws -> Bool {
        let completed = after.actions.filter {
            $0.status == .completed && before[$0.action.id]?.status != .completed
        }
        try await store.setStatuses(
            organizationID,
            completed.map {
                StatusRecord(
                    actionID: $0.action.id,
                    status: .completed,
                    note: "Data shows every point earned",
                    setBy: StatusRecord.system,
                    setAt: now
                )
            }
        )
        try await store.appendStatusHistory(
            organizationID,
            after.actions.filter { $0.regressed && before[$0.action.id]?.regressed != true }.map {
                StatusRecord(actionID: $0.action.id, status: .toAddress, setBy: StatusRecord.system, setAt: now)
            }
        )
        return !completed.isEmpty
    }
}

extension ServiceError {
    /// Refuses `text` when ``TextLimits`` does.
    static func check(_ field: TextLimits.Field, _ text: String?, required: Bool = false) throws(ServiceError) {
        if let problem = TextLimits.problem(field, text, required: required) {
            throw .invalidText(field: field.rawValue, problem: problem)
        }
    }
}

/// Why a use case was refused; the API maps each case to one HTTP status.
public enum ServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    case organizationNotFound(String)
    case actionNotFound(String)
    case statusRefused([StatusRuleViolation])
    case invalidExclusion(String)
    /// Free text over a limit of ``TextLimits``: the field and the message.
    case invalidText(field: String, problem: String)
    /// A connection's settings or credential are unacceptable; every problem names its field.
    case invalidConnection([ConnectionProblem])
    /// The organization has no connection.
    case connectionNotFound(String)
    /// This server was built without a way to reach a tenant.
    case connectionTestUnavailable
    /// A node is collecting the organization's connection right now.
    case collectionRunning(String)
    /// No instance-wide app is set up.
    case connectionAppNotFound
    /// The instance-wide app cannot be removed while connections sign in with it.
    case connectionAppInUse(Int)
    /// Only instance administrators may do this (the message says what).
    case instanceAdministratorOnly(String)
    case channelNotFound(String)
    case tooManyChannels(Int)
    case reportScheduleNotFound(String)
    case tooManyReportSchedules(Int)
    case reportAlreadyQueued(String)
    /// A report asked for a period or target it cannot take.
    case invalidReport(OrganizationReport.RequestProblem)

    public var description: String {
        switch self {
        case .organizationNotFound(let id): "no organization with id \"\(id)\""
        case .actionNotFound(let id): "no improvement action with id \"\(id)\""
        case .statusRefused(let violations): violations.map(\.description).joined(separator: "; ")
        case .invalidExclusion(let problem): "the exclusion is invalid: \(problem)"
        case .invalidText(_, let problem): problem
        case .invalidConnection(let problems): problems.map(\.description).joined(separator: "; ")
        case .connectionNotFound(let id): "organization \"\(id)\" has no connection"
        case .connectionTestUnavailable: "this server cannot test connections"
        case .collectionRunning(let id):
            "a node is collecting the connection of \"\(id)\" now; try again when it is done"
        case .connectionAppNotFound:
            "no instance-wide app is set up (posture connection app set, or PUT /api/v1/connection-app)"
        case .instanceAdministratorOnly(let what): "only instance administrators \(what)"
        case .channelNotFound(let id): "no channel with id \"\(id)\""
        case .tooManyChannels(let limit): "an organization has at most \(limit) channels; remove one first"
        case .reportScheduleNotFound(let id): "no scheduled report with id \"\(id)\""
        case .reportAlreadyQueued(let id):
            "the report of \"\(id)\" is already on its way; the delivery log shows how it goes"
        case .tooManyReportSchedules(let limit):
            "an organization has at most \(limit) scheduled reports; remove one first"
        case .invalidReport(let problem): problem.description
        case .connectionAppInUse(let count):
            "\(counted(count, "connection")) \(count == 1 ? "signs" : "sign") in with the instance-wide app; connect "
                + "\(count == 1 ? "it" : "them") otherwise or remove \(count == 1 ? "it" : "them") first"
        }
    }
}
