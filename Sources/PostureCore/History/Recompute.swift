import Foundation

/// Re-scores a stored snapshot from the data it recorded under the current catalog and model.
public enum Recompute {
    /// One action whose points differ under the current rules.
    public struct ActionDifference: Sendable, Equatable, Codable {
        public var actionID: String
        public var storedPoints: Double
        public var recomputedPoints: Double
        public var storedMaxScore: Double
        public var recomputedMaxScore: Double
    }

    public struct Result: Sendable, Equatable {
        public var stored: DailySnapshot
        public var recomputed: DailySnapshot
        public var differences: [ActionDifference]
        public var changed: Bool {
            !differences.isEmpty || abs(stored.score - recomputed.score) > 1e-9
                || abs(stored.maxScore - recomputed.maxScore) > 1e-9
        }
    }

    /// The measurements and statuses a snapshot recorded: counts or settings per action, and the
    /// statuses people set (the system's `completed` and `toAddress` are derived again).
    public static func inputs(
        of snapshot: DailySnapshot
    ) -> (measurements: [ActionMeasurement], statuses: [StatusRecord]) {
        var measurements: [ActionMeasurement] = []
        var statuses: [StatusRecord] = []
        for action in snapshot.actions {
            if action.hasData {
                if let implemented = action.implemented {
                    measurements.append(ActionMeasurement(actionID: action.id, result: .implemented(implemented)))
                } else if let achieved = action.achieved, let total = action.total {
                    measurements.append(
                        ActionMeasurement(actionID: action.id, result: .counted(achieved: achieved, total: total))
                    )
                } else if !action.applicable {
                    measurements.append(ActionMeasurement(actionID: action.id, result: .counted(achieved: 0, total: 0)))
                }
            }
            if action.status != .completed, action.status != .toAddress {
                statuses.append(StatusRecord(actionID: action.id, status: action.status))
            }
        }
        return (measurements, statuses)
    }

    public static func rescore(
        _ snapshot: DailySnapshot,
        organization: Organization,
        engine: ScoringEngine
    ) -> Result {
        let (measurements, statuses) = inputs(of: snapshot)
        let endOfDay = snapshot.day.adding(days: 1).start.addingTimeInterval(-1)
        let report = engine.score(measurements: measurements, statuses: statuses, asOf: endOfDay)
        var recomputed = DailySnapshot(
            organization: organization,
            day: snapshot.day,
            report: report,
            measurements: measurements,
            filled: snapshot.filled
        )
        // The seats of that day, not today's.
        recomputed.licensedUserCount = snapshot.licensedUserCount
        recomputed.activeUserCount = snapshot.activeUserCount
        let stored = Dictionary(snapshot.actions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let fresh = Dictionary(recomputed.actions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var differences: [ActionDifference] = []
        for id in Set(stored.keys).union(fresh.keys).sorted() {
            let old = stored[id]
            let new = fresh[id]
            let oldPoints = old?.counted == false ? 0 : old?.points ?? 0
            let newPoints = new?.counted == false ? 0 : new?.points ?? 0
            if abs(oldPoints - newPoints) > 1e-9 || (old?.maxScore ?? 0) != (new?.maxScore ?? 0) {
                differences.append(
                    ActionDifference(
                        actionID: id,
                        storedPoints: oldPoints,
                        recomputedPoints: newPoints,
                        storedMaxScore: old?.maxScore ?? 0,
                        recomputedMaxScore: new?.maxScore ?? 0
                    )
                )
            }
        }
        return Result(stored: snapshot, recomputed: recomputed, differences: differences)
    }
}
