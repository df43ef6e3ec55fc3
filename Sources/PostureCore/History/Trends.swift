import Foundation

/// One day of an organization's score series.
public struct SeriesPoint: Sendable, Equatable, Codable {
    public var day: CivilDay
    public var score: Double
    public var maxScore: Double
    public var verifiedScore: Double
    public var percentage: Double
    public var filled: Bool
    public var categories: [DailySnapshot.Category]
}

/// One point loss on one action on one day, with its cause.
public struct Regression: Sendable, Equatable, Codable {
    public var day: CivilDay
    public var actionID: String
    public var title: String
    public var category: ActionCategory
    public var pointsBefore: Double
    public var pointsAfter: Double
    public var pointsLost: Double
    public var cause: ChangeCause
    /// Who or what the change log names, when it recorded the loss.
    public var actor: String?
}

/// The regression trend: per day, the points lost and how many actions lost them; and every loss.
public struct RegressionTrend: Sendable, Equatable, Codable {
    public struct Day: Sendable, Equatable, Codable {
        public var day: CivilDay
        public var pointsLost: Double
        public var actions: Int
    }

    public var days: [Day]
    public var regressions: [Regression]
    public var totalPointsLost: Double
}

/// Actions in `riskAccepted` on one day: how many, and the points given up by accepting them.
public struct RiskAcceptancePoint: Sendable, Equatable, Codable {
    public var day: CivilDay
    public var actions: Int
    public var pointsAccepted: Double
    public var actionIDs: [String]
}

/// Points gained and lost over a range; `netChange` is the score's change from the first day to
/// the last, and equals `pointsGained - pointsRegressed`.
public struct ScoreChanges: Sendable, Equatable, Codable {
    public var from: CivilDay?
    public var to: CivilDay?
    public var startScore: Double
    public var endScore: Double
    public var pointsGained: Double
    public var pointsRegressed: Double
    public var netChange: Double
    public var actionsImproved: Int
    public var actionsRegressed: Int
}

/// Metrics computed from stored snapshots and the change log. Inputs are one organization's
/// snapshots, oldest first; every function is pure.
public enum Trends {
    public static let tolerance = 1e-9

    public static func series(_ snapshots: [DailySnapshot], category: ActionCategory? = nil) -> [SeriesPoint] {
        snapshots.map { snapshot in
            if let category, let part = snapshot.categories.first(where: { $0.category == category }) {
                return SeriesPoint(
                    day: snapshot.day,
                    score: part.score,
                    maxScore: part.maxScore,
                    verifiedScore: part.verifiedScore,
                    percentage: part.maxScore > 0 ? part.score / part.maxScore * 100 : 0,
                    filled: snapshot.filled,
                    categories: [part]
                )
            }
            return SeriesPoint(
                day: snapshot.day,
                score: snapshot.score,
                maxScore: snapshot.maxScore,
                verifiedScore: snapshot.verifiedScore,
                percentage: snapshot.percentage,
                filled: snapshot.filled,
                categories: snapshot.categories
            )
        }
    }

    /// Every point loss between consecutive snapshots. The cause comes from the change log entry
    /// that recorded the loss that day when there is one (it names the entities); otherwise from
    /// the snapshots: a new catalog or model version, a status change, a setting (binary actions)
    /// or a change in counts (partial actions).
    public static func regressions(
        _ snapshots: [DailySnapshot],
        changes: [ChangeEntry],
        catalog: Catalog,
        category: ActionCategory? = nil
    ) -> RegressionTrend {
        regressions(PeriodMoves(snapshots), changes: changes, catalog: catalog, category: category)
    }

    /// The same from a period's moves.
    public static func regressions(
        _ period: PeriodMoves,
        changes: [ChangeEntry],
        catalog: Catalog,
        category: ActionCategory? = nil
    ) -> RegressionTrend {
        var losses: [String: [ChangeEntry]] = [:]
        for entry in changes where entry.kind == .pointsLost {
            losses["\(CivilDay(entry.occurredAt))|\(entry.actionID)", default: []].append(entry)
        }
        var days: [RegressionTrend.Day] = []
        var regressions: [Regression] = []
        for current in period.days {
            var lostToday = 0.0
            var actionsToday = 0
            let versionsChanged = current.versions != current.previousVersions
            for move in current.moves where move.delta < -tolerance {
                guard let action = move.new ?? move.old, category.map({ action.category == $0 }) ?? true else {
                    continue
                }
                let cause: ChangeCause
                var actor: String?
                if let new = move.new {
                    let recorded = losses["\(current.day)|\(new.id)"]?.last
                    cause =
                        recorded?.cause
                        ?? snapshotCause(old: move.old, new: new, moves: current, catalog: catalog)
                    actor = recorded?.actor
                } else {
                    // An action that left the snapshot entirely lost all its points.
                    cause = ChangeCause(
                        kind: versionsChanged ? .catalogOrModelChange : .userOrDeviceChange,
                        summary: "no longer measured"
                    )
                }
                regressions.append(
                    Regression(
                        day: current.day,
                        actionID: action.id,
                        title: catalog[action.id]?.title ?? action.id,
                        category: action.category,
                        pointsBefore: move.old?.points ?? 0,
                        pointsAfter: move.new?.points ?? 0,
                        pointsLost: -move.delta,
                        cause: cause,
                        actor: actor
                    )
                )
                lostToday -= move.delta
                actionsToday += 1
            }
            days.append(RegressionTrend.Day(day: current.day, pointsLost: lostToday, actions: actionsToday))
        }
        return RegressionTrend(
            days: days,
            regressions: regressions,
            totalPointsLost: days.reduce(0) { $0 + $1.pointsLost }
        )
    }

    static func snapshotCause(
        old: DailySnapshot.Action?,
        new: DailySnapshot.Action,
        moves day: DayMoves,
        catalog: Catalog
    ) -> ChangeCause {
        let sameData = old?.achieved == new.achieved && old?.total == new.total && old?.implemented == new.implemented
        let (previous, current) = (day.previousVersions, day.versions)
        if sameData, previous != current {
            return ChangeCause(
                kind: .catalogOrModelChange,
                summary:
                    "catalog \(previous.catalog) → \(current.catalog), model \(previous.scoringModel) → \(current.scoringModel)"
            )
        }
        if let oldStatus = old?.status, oldStatus != new.status, oldStatus.isException || new.status.isException {
            return ChangeCause(
                kind: oldStatus.isException && !new.status.isException ? .exceptionExpired : .statusChange,
                summary: "status \(oldStatus.label) → \(new.status.label)"
            )
        }
        if let was = old?.implemented, let now = new.implemented, was != now {
            return ChangeCause(
                kind: .configurationChange,
                summary: now ? "configuration change: now implemented" : "configuration change: no longer implemented"
            )
        }
        let noun = (catalog[new.id]?.entityType ?? .user).noun(count: new.total ?? 2)
        let from = old.map { "\($0.achieved.map(String.init) ?? "?")/\($0.total.map(String.init) ?? "?")" } ?? "none"
        let to = "\(new.achieved.map(String.init) ?? "?")/\(new.total.map(String.init) ?? "?")"
        return ChangeCause(kind: .userOrDeviceChange, summary: "\(from) → \(to) \(noun)")
    }

    public static func riskAcceptance(_ snapshots: [DailySnapshot]) -> [RiskAcceptancePoint] {
        snapshots.map { snapshot in
            let accepted = snapshot.actions.filter { $0.status == .riskAccepted }
            return RiskAcceptancePoint(
                day: snapshot.day,
                actions: accepted.count,
                pointsAccepted: accepted.reduce(0) { $0 + max(0, $1.maxScore - $1.points) },
                actionIDs: accepted.map(\.id)
            )
        }
    }

    /// Gains and losses between consecutive snapshots, summed over the range.
    public static func scoreChanges(_ snapshots: [DailySnapshot]) -> ScoreChanges {
        scoreChanges(PeriodMoves(snapshots))
    }

    /// The same from a period's moves.
    public static func scoreChanges(_ period: PeriodMoves) -> ScoreChanges {
        var gained = 0.0
        var regressed = 0.0
        var improved: Set<String> = []
        var worsened: Set<String> = []
        // By index: a year holds thousands of moves, and each copied out would retain all of
        // both versions' text.
        for day in period.days.indices {
            for index in period.days[day].moves.indices {
                let delta = period.days[day].moves[index].delta
                guard abs(delta) > tolerance,
                    let id = period.days[day].moves[index].new?.id ?? period.days[day].moves[index].old?.id
                else { continue }
                if delta > 0 {
                    gained += delta
                    improved.insert(id)
                } else {
                    regressed -= delta
                    worsened.insert(id)
                }
            }
        }
        let start = period.firstScore
        let end = period.days.last?.score ?? start
        return ScoreChanges(
            from: period.firstDay,
            to: period.days.last?.day ?? period.firstDay,
            startScore: start,
            endScore: end,
            pointsGained: gained,
            pointsRegressed: regressed,
            netChange: end - start,
            actionsImproved: improved.count,
            actionsRegressed: worsened.count
        )
    }
}
