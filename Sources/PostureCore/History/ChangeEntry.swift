import Foundation

/// One line of the change log: a status change or a gain or loss of points on one action.
public struct ChangeEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case statusChanged
        case pointsGained
        case pointsLost
    }

    public var organizationID: String
    public var actionID: String
    public var category: ActionCategory
    public var kind: Kind
    public var occurredAt: Date
    public var fromStatus: ActionStatus?
    public var toStatus: ActionStatus?
    public var pointsBefore: Double
    public var pointsAfter: Double
    public var maxScore: Double
    /// Who or what caused it: a person, a sensor, `system` (data, expiry) or `sync`.
    public var actor: String
    public var detail: String
    /// Why it happened; nil for entries written before causes were recorded.
    public var cause: ChangeCause?

    public var delta: Double { pointsAfter - pointsBefore }

    public init(
        organizationID: String,
        actionID: String,
        category: ActionCategory,
        kind: Kind,
        occurredAt: Date,
        fromStatus: ActionStatus?,
        toStatus: ActionStatus?,
        pointsBefore: Double,
        pointsAfter: Double,
        maxScore: Double,
        actor: String,
        detail: String,
        cause: ChangeCause? = nil
    ) {
        self.organizationID = organizationID
        self.actionID = actionID
        self.category = category
        self.kind = kind
        self.occurredAt = occurredAt
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.pointsBefore = pointsBefore
        self.pointsAfter = pointsAfter
        self.maxScore = maxScore
        self.actor = actor
        self.detail = detail
        self.cause = cause
    }
}

/// Compares two scores of one organization and names every action whose status or points moved.
public enum ChangeDetector {
    /// Differences below this many points are rounding noise, not changes.
    static let tolerance = 1e-9

    public static func changes(
        organizationID: String,
        from previous: ScoreReport?,
        to current: ScoreReport,
        at instant: Date,
        actor: String,
        previousMeasurements: [ActionMeasurement] = [],
        currentMeasurements: [ActionMeasurement] = []
    ) -> [ChangeEntry] {
        let earlier = Dictionary(previousMeasurements.map { ($0.actionID, $0) }, uniquingKeysWith: { _, last in last })
        let later = Dictionary(currentMeasurements.map { ($0.actionID, $0) }, uniquingKeysWith: { _, last in last })
        var entries: [ChangeEntry] = []
        for action in current.actions {
            let before = previous?[action.action.id]
            let beforeStatus = before?.status ?? .toAddress
            let beforePoints = before?.points ?? 0
            let cause = ChangeCause.explain(
                action: action.action,
                fromStatus: beforeStatus,
                toStatus: action.status,
                exceptionExpired: action.exceptionExpired && before?.exceptionExpired != true,
                previous: earlier[action.action.id],
                current: later[action.action.id]
            )
            if beforeStatus != action.status {
                var detail = "\(beforeStatus.label) → \(action.status.label)"
                if action.exceptionExpired { detail += " (exception expired)" }
                if action.regressed { detail += " (data no longer shows every point)" }
                entries.append(
                    ChangeEntry(
                        organizationID: organizationID,
                        actionID: action.action.id,
                        category: action.action.category,
                        kind: .statusChanged,
                        occurredAt: instant,
                        fromStatus: beforeStatus,
                        toStatus: action.status,
                        pointsBefore: beforePoints,
                        pointsAfter: action.points,
                        maxScore: action.action.maxScore,
                        actor: action.status == .completed || action.exceptionExpired || action.regressed
                            ? "system" : actor,
                        detail: detail,
                        cause: cause.kind == .statusChange || cause.kind == .exceptionExpired ? cause : nil
                    )
                )
            }
            let delta = action.points - beforePoints
            if abs(delta) > tolerance {
                entries.append(
                    ChangeEntry(
                        organizationID: organizationID,
                        actionID: action.action.id,
                        category: action.action.category,
                        kind: delta > 0 ? .pointsGained : .pointsLost,
                        occurredAt: instant,
                        fromStatus: beforeStatus,
                        toStatus: action.status,
                        pointsBefore: beforePoints,
                        pointsAfter: action.points,
                        maxScore: action.action.maxScore,
                        actor: actor,
                        detail: "\(delta > 0 ? "+" : "")\(ScoreFormat.points(delta)) points: \(action.explanation)",
                        cause: cause
                    )
                )
            }
        }
        return entries
    }
}

extension ChangeDetector {
    /// Exceptions that reached their expiry between the previous snapshot and this day's score:
    /// one status change (and the points lost with it) per reopened action, caused by `system`.
    public static func expiries(
        organizationID: String,
        previous: DailySnapshot?,
        current: ScoreReport
    ) -> [ChangeEntry] {
        guard let previous else { return [] }
        let before = Dictionary(previous.actions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var entries: [ChangeEntry] = []
        for action in current.actions where action.exceptionExpired {
            guard let old = before[action.action.id], old.status.isException, old.status != action.status else {
                continue
            }
            let at = action.statusRecord?.expiresAt ?? current.asOf
            let cause = ChangeCause(
                kind: .exceptionExpired,
                summary: "the \(old.status.label.lowercased()) exception expired"
            )
            entries.append(
                ChangeEntry(
                    organizationID: organizationID,
                    actionID: action.action.id,
                    category: action.action.category,
                    kind: .statusChanged,
                    occurredAt: at,
                    fromStatus: old.status,
                    toStatus: action.status,
                    pointsBefore: old.points,
                    pointsAfter: action.points,
                    maxScore: action.action.maxScore,
                    actor: "system",
                    detail: "\(old.status.label) → \(action.status.label) (exception expired)",
                    cause: cause
                )
            )
            if action.points < old.points - tolerance {
                entries.append(
                    ChangeEntry(
                        organizationID: organizationID,
                        actionID: action.action.id,
                        category: action.action.category,
                        kind: .pointsLost,
                        occurredAt: at,
                        fromStatus: old.status,
                        toStatus: action.status,
                        pointsBefore: old.points,
                        pointsAfter: action.points,
                        maxScore: action.action.maxScore,
                        actor: "system",
                        detail: "\(ScoreFormat.points(action.points - old.points)) points: \(action.explanation)",
                        cause: cause
                    )
                )
            }
        }
        return entries
    }
}
