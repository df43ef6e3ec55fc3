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
        detail: String
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
        actor: String
    ) -> [ChangeEntry] {
        var entries: [ChangeEntry] = []
        for action in current.actions {
            let before = previous?[action.action.id]
            let beforeStatus = before?.status ?? .toAddress
            let beforePoints = before?.points ?? 0
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
                        detail: detail
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
                        detail: "\(delta > 0 ? "+" : "")\(ScoreFormat.points(delta)) points: \(action.explanation)"
                    )
                )
            }
        }
        return entries
    }
}
