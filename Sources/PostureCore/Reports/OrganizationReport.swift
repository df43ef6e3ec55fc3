import Foundation

/// An organization's report for a period: what a security lead hands to people who never open
/// the dashboard. Every number comes from the organization's stored current score and its daily
/// snapshots, the same ones the dashboard shows. Encoded as JSON it is the report's data.
public struct OrganizationReport: Sendable, Equatable, Codable {
    public struct Score: Sendable, Equatable, Codable {
        public var points: Double
        public var maxPoints: Double
        public var percentage: Double
        public var verifiedPoints: Double
        public var claimedPoints: Double
        public var zone: ScoreZones.Zone
    }

    /// The score at the first and last day of the period, and what moved it.
    public struct Change: Sendable, Equatable, Codable {
        public var startPoints: Double
        public var endPoints: Double
        public var netChange: Double
        public var pointsGained: Double
        public var pointsRegressed: Double
        public var actionsImproved: Int
        public var actionsRegressed: Int
    }

    public struct RegressionEntry: Sendable, Equatable, Codable {
        public var day: CivilDay
        public var actionID: String
        public var title: String
        public var pointsLost: Double
        public var cause: String
    }

    /// A day of the history chart: the organization's percentage and, where the comparison rule
    /// allows it (enough organizations), the cohort's average.
    public struct HistoryPoint: Sendable, Equatable, Codable {
        public var day: CivilDay
        public var percentage: Double?
        public var cohortPercentage: Double?
    }

    public struct Category: Sendable, Equatable, Codable {
        public var name: String
        public var points: Double
        public var maxPoints: Double
        public var percentage: Double
    }

    public struct Action: Sendable, Equatable, Codable {
        public var id: String
        public var title: String
        public var category: String
        public var remainingPoints: Double
        public var effort: String
        public var rank: Int
    }

    /// The cheapest set of open actions that reaches the target (``WhatIfPlanner``).
    public struct Plan: Sendable, Equatable, Codable {
        public struct Step: Sendable, Equatable, Codable {
            public var actionID: String
            public var title: String
            public var gain: Double
        }

        public var targetPercentage: Double
        public var reachable: Bool
        public var neededPoints: Double
        public var resultingPercentage: Double
        public var steps: [Step]
    }

    public struct Planned: Sendable, Equatable, Codable {
        public var actionID: String
        public var title: String
        public var targetDate: CivilDay?
        public var owner: String?
    }

    public struct Exception: Sendable, Equatable, Codable {
        public var actionID: String
        public var title: String
        public var status: ActionStatus
        public var expiresAt: Date?
    }

    public struct Ticket: Sendable, Equatable, Codable {
        public var number: String
        public var state: String
        public var actionID: String
        public var title: String
        public var url: String

        public init(number: String, state: String, actionID: String, title: String, url: String) {
            self.number = number
            self.state = state
            self.actionID = actionID
            self.title = title
            self.url = url
        }
    }

    /// How fresh the evidence of one Microsoft 365 service is: the newest measurement among its
    /// actions, and how many of them have data at all.
    public struct Freshness: Sendable, Equatable, Codable {
        public var source: String
        public var lastMeasuredAt: Date?
        public var actionsWithData: Int
        public var actions: Int
    }

    public var organizationID: String
    public var organizationName: String
    public var from: CivilDay
    public var to: CivilDay
    public var generatedAt: Date
    public var score: Score
    public var change: Change?
    public var regressions: [RegressionEntry]
    public var history: [HistoryPoint]
    /// The comparison line's name, or why there is none.
    public var cohort: String
    public var cohortShown: Bool
    public var categories: [Category]
    public var topActions: [Action]
    public var plan: Plan
    public var planned: [Planned]
    public var exceptions: [Exception]
    public var tickets: [Ticket]
    public var freshness: [Freshness]
    /// The connection's last successful collection, when the organization has one.
    public var lastCollectedAt: Date?

    /// The longest period a report covers.
    public static let maximumDays = 732
    public static let topActionCount = 10
    public static let listLimit = 50
    public static let regressionLimit = 50

    /// Why a report cannot be made for a period and target; every path (page, API, command line,
    /// the service itself) asks here.
    public enum RequestProblem: Error, Sendable, Equatable, CustomStringConvertible {
        case periodTooLong
        case targetOutOfRange

        /// The parameter at fault.
        public var field: String {
            switch self {
            case .periodTooLong: "from"
            case .targetOutOfRange: "target"
            }
        }

        public var description: String {
            switch self {
            case .periodTooLong: "a report covers at most \(OrganizationReport.maximumDays) days (two years)"
            case .targetOutOfRange: "target must be a percentage between 0 and 100, e.g. 70"
            }
        }
    }

    /// The regressions a report keeps: the newest (the costliest first within a day), at most
    /// ``regressionLimit``. Only these need their causes from the change log.
    public static func kept(_ regressions: [Regression]) -> [Regression] {
        Array(regressions.sorted { ($0.day, $0.pointsLost) > ($1.day, $1.pointsLost) }.prefix(regressionLimit))
    }

    /// The first day of the regressions a report of these moves keeps (see ``kept(_:)``), found
    /// from the losses alone: only from there on are regressions and their causes worked out.
    public static func firstKeptDay(_ moves: PeriodMoves, from: CivilDay) -> CivilDay? {
        // Newest first, the kept ones fill whole days until the day that reaches the limit.
        var counted = 0
        var first: CivilDay?
        for day in moves.days.reversed() where day.day >= from {
            let losses = day.moves.count { $0.delta < -Trends.tolerance }
            guard losses > 0 else { continue }
            first = day.day
            counted += losses
            if counted >= regressionLimit { break }
        }
        return first
    }

    /// The first problem with a report's period and target, or nil.
    public static func problem(period: DayInterval, target: Double?) -> RequestProblem? {
        if period.days.count > maximumDays { return .periodTooLong }
        if let target, !(target.isFinite && (0...100).contains(target)) { return .targetOutOfRange }
        return nil
    }
}

extension OrganizationReport {
    /// What a report is made of: the domain values the service reads for the organization.
    public struct Input: Sendable {
        public var organizationID: String
        public var organizationName: String
        public var period: DayInterval
        public var generatedAt: Date
        public var report: ScoreReport
        public var zones: ScoreZones
        public var changes: ScoreChanges?
        public var regressions: [Regression]
        public var cohortName: String
        public var cohort: [ComparisonPoint]
        public var targetPercentage: Double
        public var weights: RankingWeights
        public var tickets: [Ticket]
        public var lastCollectedAt: Date?
        /// The plan to `targetPercentage` when the caller already has it (a server remembers
        /// plans per state); nil works it out.
        public var plan: WhatIfPlan?

        public init(
            organizationID: String,
            organizationName: String,
            period: DayInterval,
            generatedAt: Date,
            report: ScoreReport,
            zones: ScoreZones,
            changes: ScoreChanges?,
            regressions: [Regression],
            cohortName: String,
            cohort: [ComparisonPoint],
            targetPercentage: Double,
            weights: RankingWeights,
            tickets: [Ticket],
            lastCollectedAt: Date?,
            plan: WhatIfPlan? = nil
        ) {
            self.organizationID = organizationID
            self.organizationName = organizationName
            self.period = period
            self.generatedAt = generatedAt
            self.report = report
            self.zones = zones
            self.changes = changes
            self.regressions = regressions
            self.cohortName = cohortName
            self.cohort = cohort
            self.targetPercentage = targetPercentage
            self.weights = weights
            self.tickets = tickets
            self.lastCollectedAt = lastCollectedAt
            self.plan = plan
        }
    }

    /// The report of `input`: the comparison only on days with enough organizations (the privacy
    /// rule of every comparison), the ten actions worth most, the plan to the target, planned
    /// actions by date, exceptions by expiry, and each service's freshness.
    public init(_ input: Input) {
        let report = input.report
        organizationID = input.organizationID
        organizationName = input.organizationName
        from = input.period.from
        to = input.period.to
        generatedAt = input.generatedAt
        score = Score(
            points: report.currentScore,
            maxPoints: report.maxScore,
            percentage: report.percentage,
            verifiedPoints: report.verifiedScore,
            claimedPoints: report.claimedScore,
            zone: input.zones.zone(for: report.percentage)
        )
        change = input.changes.map {
            Change(
                startPoints: $0.startScore,
                endPoints: $0.endScore,
                netChange: $0.netChange,
                pointsGained: $0.pointsGained,
                pointsRegressed: $0.pointsRegressed,
                actionsImproved: $0.actionsImproved,
                actionsRegressed: $0.actionsRegressed
            )
        }
        regressions = Self.kept(input.regressions).map {
            RegressionEntry(
                day: $0.day,
                actionID: $0.actionID,
                title: $0.title,
                pointsLost: $0.pointsLost,
                cause: $0.cause.summary
            )
        }
        let cohortByDay = Dictionary(
            input.cohort.filter(\.enoughOrganizations).compactMap { point in
                point.averagePercentage.map { (point.day, $0) }
            },
            uniquingKeysWith: { first, _ in first }
        )
        // The cohort's points carry the organization's own percentage on every day it has one.
        history = input.cohort.compactMap { point in
            point.percentage.map {
                HistoryPoint(day: point.day, percentage: $0, cohortPercentage: cohortByDay[point.day])
            }
        }
        cohortShown = !cohortByDay.isEmpty
        cohort =
            cohortShown
            ? input.cohortName
            : "\(input.cohortName): \(Comparisons.notEnough) (fewer than \(Comparisons.minimumCohort))"
        categories = report.categories.map {
            Category(
                name: $0.category.rawValue,
                points: $0.score,
                maxPoints: $0.maxScore,
                percentage: $0.percentage
            )
        }
        topActions = report.rankedActions.prefix(Self.topActionCount).map {
            Action(
                id: $0.action.id,
                title: $0.action.title,
                category: $0.action.category.rawValue,
                remainingPoints: $0.remaining,
                effort: $0.action.implementationCost.rawValue,
                rank: $0.rank ?? 0
            )
        }
        let whatIf =
            input.plan
            ?? WhatIfPlanner.plan(report: report, targetPercentage: input.targetPercentage, weights: input.weights)
        plan = Plan(
            targetPercentage: whatIf.targetPercentage,
            reachable: whatIf.reachable,
            neededPoints: whatIf.neededPoints,
            resultingPercentage: whatIf.resultingPercentage,
            steps: whatIf.steps.map { Plan.Step(actionID: $0.actionID, title: $0.title, gain: $0.gain) }
        )
        planned = report.actions.filter { $0.status == .planned && $0.counted }
            .map {
                Planned(
                    actionID: $0.action.id,
                    title: $0.action.title,
                    targetDate: $0.statusRecord?.targetDate,
                    owner: $0.statusRecord?.owner
                )
            }
            .sorted { Self.laterLast($0.targetDate, $0.title) < Self.laterLast($1.targetDate, $1.title) }
            .prefix(Self.listLimit).map { $0 }
        exceptions = report.actions.filter(\.status.isException)
            .map {
                Exception(
                    actionID: $0.action.id,
                    title: $0.action.title,
                    status: $0.status,
                    expiresAt: $0.statusRecord?.expiresAt
                )
            }
            .sorted { ($0.expiresAt ?? .distantFuture, $0.title) < ($1.expiresAt ?? .distantFuture, $1.title) }
            .prefix(Self.listLimit).map { $0 }
        tickets = Array(input.tickets.prefix(Self.listLimit))
        freshness = Dictionary(grouping: report.actions.filter { !$0.action.deprecated }, by: \.action.service)
            .map { service, actions in
                Freshness(
                    source: service,
                    lastMeasuredAt: actions.compactMap(\.lastMeasuredAt).max(),
                    actionsWithData: actions.filter(\.hasData).count,
                    actions: actions.count
                )
            }
            .sorted { $0.source < $1.source }
        lastCollectedAt = input.lastCollectedAt
    }

    /// Sorts undated entries after every dated one.
    static func laterLast(_ day: CivilDay?, _ title: String) -> (Int, String) {
        (day?.daysSinceEpoch ?? Int.max, title)
    }
}
