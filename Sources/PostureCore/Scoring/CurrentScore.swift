import Foundation

/// An organization's score as last computed from its stored data, in the form kept beside that
/// data. Every write stores it in the same transaction, so reads take it as it is instead of
/// scoring raw rows; it holds what a ``ScoreReport`` holds except the catalog's own action facts,
/// which are looked up again when it is read.
///
/// It stays true until ``validUntil``, the first instant at which evaluating the same data gives a
/// different answer (an exception or exclusion lapsing), or until the rules change: another
/// catalog, scoring model or ranking weights (``rulesKey``).
public struct CurrentScore: Sendable, Equatable, Codable {
    public struct Category: Sendable, Equatable, Codable {
        public var category: ActionCategory
        public var score: Double
        public var maxScore: Double
        public var verifiedScore: Double
    }

    /// One action's evaluation. Fields that are usually empty are optional so the document stays
    /// small.
    public struct Action: Sendable, Equatable, Codable {
        public var id: String
        public var points: Double
        public var measuredPoints: Double
        public var verifiedPoints: Double
        public var claimedPoints: Double
        public var status: ActionStatus
        public var statusRecord: StatusRecord?
        public var applicable: Bool
        public var hasData: Bool
        public var counted: Bool
        public var achieved: Int?
        public var total: Int?
        public var excluded: [Exclusion]?
        public var lastMeasuredAt: Date?
        public var exceptionExpired: Bool?
        public var regressed: Bool?
        public var rank: Int?
        public var priority: Double?
        /// A binary measurement's value, kept for the day's snapshot.
        public var implemented: Bool?
    }

    public var computedAt: Date
    public var validUntil: Date?
    public var rulesKey: String
    public var catalogVersion: String
    public var scoringModelVersion: String
    public var score: Double
    public var maxScore: Double
    public var verifiedScore: Double
    public var categories: [Category]
    /// In the report's order: ranked actions first.
    public var actions: [Action]

    public var percentage: Double { maxScore > 0 ? score / maxScore * 100 : 0 }

    /// What must match for a stored document to be read as it is.
    /// The catalog's content counts, not only its version label: a custom catalog edited in place
    /// keeps its label. Computed once per service, not per read.
    public static func rulesKey(catalog: Catalog, weights: RankingWeights) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for action in catalog.actions {
            // Every fact of the action: ranking reads more than its points.
            let facts = String(describing: action)
            for byte in facts.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return "\(catalog.version)|\(String(hash, radix: 16))|\(ScoringEngine.modelVersion)|\(weights.key)"
    }

    public init(report: ScoreReport, measurements: [ActionMeasurement], rulesKey: String) {
        let implemented = Dictionary(
            measurements.compactMap { measurement -> (String, Bool)? in
                if case .implemented(let done) = measurement.result { return (measurement.actionID, done) }
                return nil
            },
            uniquingKeysWith: { _, last in last }
        )
        computedAt = report.asOf
        validUntil = report.nextDataExpiry
        self.rulesKey = rulesKey
        catalogVersion = report.catalogVersion
        scoringModelVersion = report.scoringModelVersion
        score = report.currentScore
        maxScore = report.maxScore
        verifiedScore = report.verifiedScore
        categories = report.categories.map {
            Category(category: $0.category, score: $0.score, maxScore: $0.maxScore, verifiedScore: $0.verifiedScore)
        }
        actions = report.actions.map { score in
            Action(
                id: score.action.id,
                points: score.points,
                measuredPoints: score.measuredPoints,
                verifiedPoints: score.verifiedPoints,
                claimedPoints: score.claimedPoints,
                status: score.status,
                statusRecord: score.statusRecord,
                applicable: score.applicable,
                hasData: score.hasData,
                counted: score.counted,
                achieved: score.achieved,
                total: score.total,
                excluded: score.excluded.isEmpty ? nil : score.excluded,
                lastMeasuredAt: score.lastMeasuredAt,
                exceptionExpired: score.exceptionExpired ? true : nil,
                regressed: score.regressed ? true : nil,
                rank: score.rank,
                priority: score.priority,
                implemented: implemented[score.action.id]
            )
        }
    }

    /// Whether the document can be read as it is at `now` under `rulesKey`.
    public func isCurrent(at now: Date, rulesKey: String) -> Bool {
        self.rulesKey == rulesKey && validUntil.map { now < $0 } ?? true
    }

    /// The report this document holds, evaluated at `asOf` (nothing changes before
    /// ``validUntil``), or nil when an action is not in `catalog`.
    public func report(catalog: Catalog, asOf: Date) -> ScoreReport? {
        var scores: [ActionScore] = []
        scores.reserveCapacity(actions.count)
        for stored in actions {
            guard let action = catalog[stored.id] else { return nil }
            scores.append(
                ActionScore(
                    action: action,
                    points: stored.points,
                    measuredPoints: stored.measuredPoints,
                    verifiedPoints: stored.verifiedPoints,
                    claimedPoints: stored.claimedPoints,
                    status: stored.status,
                    statusRecord: stored.statusRecord,
                    applicable: stored.applicable,
                    hasData: stored.hasData,
                    counted: stored.counted,
                    achieved: stored.achieved,
                    total: stored.total,
                    excluded: stored.excluded ?? [],
                    lastMeasuredAt: stored.lastMeasuredAt,
                    exceptionExpired: stored.exceptionExpired ?? false,
                    regressed: stored.regressed ?? false,
                    rank: stored.rank,
                    priority: stored.priority
                )
            )
        }
        return ScoreReport(
            asOf: asOf,
            catalogVersion: catalogVersion,
            scoringModelVersion: scoringModelVersion,
            currentScore: score,
            maxScore: maxScore,
            verifiedScore: verifiedScore,
            categories: categories.map {
                CategoryScore(
                    category: $0.category,
                    score: $0.score,
                    maxScore: $0.maxScore,
                    verifiedScore: $0.verifiedScore
                )
            },
            actions: scores
        )
    }

    /// The day's snapshot of this state, as the daily sync would write it.
    public func snapshot(of organization: Organization, day: CivilDay, catalog: Catalog, filled: Bool) -> DailySnapshot
    {
        let kept = actions.filter {
            DailySnapshot.keeps(hasData: $0.hasData, statusSet: $0.statusRecord != nil, counted: $0.counted)
        }
        return DailySnapshot(
            organizationID: organization.id,
            day: day,
            score: score,
            maxScore: maxScore,
            verifiedScore: verifiedScore,
            categories: categories.map {
                DailySnapshot.Category(
                    category: $0.category,
                    score: $0.score,
                    maxScore: $0.maxScore,
                    verifiedScore: $0.verifiedScore
                )
            },
            actions: kept.compactMap { stored in
                guard let action = catalog[stored.id] else { return nil }
                return DailySnapshot.Action(
                    id: stored.id,
                    category: action.category,
                    points: stored.points,
                    verifiedPoints: stored.verifiedPoints,
                    maxScore: action.maxScore,
                    status: stored.status,
                    applicable: stored.applicable,
                    hasData: stored.hasData,
                    counted: stored.counted,
                    achieved: stored.achieved,
                    total: stored.total,
                    implemented: stored.implemented
                )
            }
            .sorted { $0.id < $1.id },
            catalogVersion: catalogVersion,
            scoringModelVersion: scoringModelVersion,
            filled: filled,
            licensedUserCount: organization.licensedUserCount,
            activeUserCount: organization.activeUserCount
        )
    }
}

extension ScoreReport {
    /// The first instant after `asOf` at which the same stored data scores differently: an
    /// exception or an exclusion lapses. Nil when nothing lapses. Unlike ``validUntil`` the day
    /// turning does not count: the score itself does not depend on the date.
    public var nextDataExpiry: Date? {
        var earliest: Date?
        func consider(_ date: Date?) {
            guard let date, date > asOf else { return }
            earliest = earliest.map { min($0, date) } ?? date
        }
        for action in actions {
            if action.statusRecord?.status.isException == true { consider(action.statusRecord?.expiresAt) }
            for exclusion in action.excluded { consider(exclusion.expiresAt) }
        }
        return earliest
    }
}
