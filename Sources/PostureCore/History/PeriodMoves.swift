/// What moved from one stored day to the next: every action whose points differ, with both days'
/// versions of it (nil where the action is absent that day), and the days' catalog and scoring
/// model versions. Gains, losses and regressions over a period are counted from these, so a
/// year's figures need what changed, not every day's full actions.
public struct DayMoves: Sendable, Equatable {
    public struct Move: Sendable, Equatable {
        public var old: DailySnapshot.Action?
        public var new: DailySnapshot.Action?

        public init(old: DailySnapshot.Action?, new: DailySnapshot.Action?) {
            self.old = old
            self.new = new
        }

        public var delta: Double { (new?.points ?? 0) - (old?.points ?? 0) }
    }

    public struct Versions: Sendable, Equatable {
        public var catalog: String
        public var scoringModel: String

        public init(catalog: String, scoringModel: String) {
            self.catalog = catalog
            self.scoringModel = scoringModel
        }
    }

    public var day: CivilDay
    public var score: Double
    public var versions: Versions
    public var previousVersions: Versions
    /// Actions present that day in its order, then those gone since the day before in that day's.
    public var moves: [Move]

    public init(day: CivilDay, score: Double, versions: Versions, previousVersions: Versions, moves: [Move]) {
        self.day = day
        self.score = score
        self.versions = versions
        self.previousVersions = previousVersions
        self.moves = moves
    }

    /// The moves between two days' actions: those whose points differ by more than a rounding
    /// error, in `new`'s order, then the actions of `old` that are gone and had points.
    public static func moves(from old: [DailySnapshot.Action], to new: [DailySnapshot.Action]) -> [Move] {
        let before = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var moves: [Move] = []
        var present = Set<String>()
        for action in new {
            present.insert(action.id)
            let move = Move(old: before[action.id], new: action)
            if abs(move.delta) > Trends.tolerance { moves.append(move) }
        }
        for action in old where !present.contains(action.id) && action.points > Trends.tolerance {
            moves.append(Move(old: action, new: nil))
        }
        return moves
    }
}

/// A period's moves: its first day (the baseline, with its score) and every later stored day's
/// moves against the day before, oldest first.
public struct PeriodMoves: Sendable, Equatable {
    public var firstDay: CivilDay?
    public var firstScore: Double
    public var days: [DayMoves]

    public init(firstDay: CivilDay?, firstScore: Double, days: [DayMoves]) {
        self.firstDay = firstDay
        self.firstScore = firstScore
        self.days = days
    }

    /// The moves of consecutive snapshots, oldest first.
    public init(_ snapshots: [DailySnapshot]) {
        firstDay = snapshots.first?.day
        firstScore = snapshots.first?.score ?? 0
        days = zip(snapshots, snapshots.dropFirst()).map { previous, current in
            DayMoves(
                day: current.day,
                score: current.score,
                versions: .init(catalog: current.catalogVersion, scoringModel: current.scoringModelVersion),
                previousVersions: .init(catalog: previous.catalogVersion, scoringModel: previous.scoringModelVersion),
                moves: DayMoves.moves(from: previous.actions, to: current.actions)
            )
        }
    }
}
