/// Where the score goes if planned actions are done by their target dates.
public struct Projection: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var date: CivilDay
        public var score: Double
        public var percentage: Double
        /// Actions whose target date is this day.
        public var actionIDs: [String]
    }

    /// Today's score, then one point per distinct target date from today on.
    public var points: [Point]
    /// Score if every planned action (dated or not, overdue or not) were done.
    public var plannedScore: Double
    public var plannedPercentage: Double
    /// Planned actions whose target date has passed.
    public var overdue: [String]
    /// Planned actions without a target date.
    public var undated: [String]

    public static func project(_ report: ScoreReport) -> Projection {
        let today = CivilDay(report.asOf)
        let planned = report.actions.filter { $0.counted && $0.status == .planned }
        func percentage(_ score: Double) -> Double { report.maxScore > 0 ? score / report.maxScore * 100 : 0 }

        var byDay: [CivilDay: [ActionScore]] = [:]
        var overdue: [String] = []
        var undated: [String] = []
        for action in planned {
            guard let day = action.statusRecord?.targetDate else {
                undated.append(action.action.id)
                continue
            }
            if day < today { overdue.append(action.action.id) } else { byDay[day, default: []].append(action) }
        }
        var points = [
            Point(date: today, score: report.currentScore, percentage: percentage(report.currentScore), actionIDs: [])
        ]
        var running = report.currentScore
        for day in byDay.keys.sorted() {
            let actions = byDay[day]!.sorted { $0.action.id < $1.action.id }
            running += actions.reduce(0) { $0 + $1.remaining }
            if day == today {
                points[0].score = running
                points[0].percentage = percentage(running)
                points[0].actionIDs = actions.map(\.action.id)
            } else {
                points.append(
                    Point(
                        date: day,
                        score: running,
                        percentage: percentage(running),
                        actionIDs: actions.map(\.action.id)
                    )
                )
            }
        }
        let plannedScore = report.currentScore + planned.reduce(0) { $0 + $1.remaining }
        return Projection(
            points: points,
            plannedScore: plannedScore,
            plannedPercentage: percentage(plannedScore),
            overdue: overdue.sorted(),
            undated: undated.sorted()
        )
    }
}
