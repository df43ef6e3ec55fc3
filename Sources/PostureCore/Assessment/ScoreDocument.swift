import Foundation

/// The JSON shape of a score, shared by `posture assess --format json` and the native API, so
/// machines see one format wherever a score comes from. Field names are part of the public
/// contract documented in the README.
public struct ScoreDocument: Codable, Sendable, Equatable {
    public struct Category: Codable, Sendable, Equatable {
        public var category: String
        public var score: Double
        public var maxScore: Double
        public var verifiedScore: Double
        public var percentage: Double
    }

    public struct Action: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var category: String
        public var service: String
        public var product: String
        public var scoringMethod: String
        public var points: Double
        public var maxScore: Double
        public var measuredPoints: Double
        public var verifiedPoints: Double
        public var claimedPoints: Double
        public var remaining: Double
        public var status: String
        /// The status a person set, when it differs from the status in force.
        public var setStatus: String?
        public var rank: Int?
        public var priority: Double?
        public var applicable: Bool
        public var hasData: Bool
        public var counted: Bool
        public var deprecated: Bool
        public var externallyManaged: Bool
        public var hiddenByDefault: Bool
        public var achieved: Int?
        public var total: Int?
        public var excluded: [Exclusion]
        public var lastMeasuredAt: String?
        public var exceptionExpired: Bool
        public var regressed: Bool
        public var note: String?
        public var owner: String?
        public var expiresAt: String?
        public var targetDate: String?
        public var explanation: String
    }

    public struct ProjectionDocument: Codable, Sendable, Equatable {
        public struct Point: Codable, Sendable, Equatable {
            public var date: String
            public var score: Double
            public var percentage: Double
            public var actions: [String]
        }
        public var plannedScore: Double
        public var plannedPercentage: Double
        public var points: [Point]
        public var overdue: [String]
        public var undated: [String]
    }

    public struct PlanDocument: Codable, Sendable, Equatable {
        public struct Step: Codable, Sendable, Equatable {
            public var id: String
            public var title: String
            public var gain: Double
            public var cost: Double
            public var rank: Int?
        }
        public var targetPercentage: Double
        public var neededPoints: Double
        public var reachable: Bool
        public var totalCost: Double
        public var resultingScore: Double
        public var resultingPercentage: Double
        public var actions: [Step]
    }

    public var organization: Organization?
    public var asOf: String
    public var catalogVersion: String
    public var scoringModelVersion: String
    public var currentScore: Double
    public var maxScore: Double
    public var percentage: Double
    public var verifiedScore: Double
    public var verifiedPercentage: Double
    public var claimedScore: Double
    public var categories: [Category]
    public var actions: [Action]
    public var projection: ProjectionDocument
    public var plan: PlanDocument?

    public init(report: ScoreReport, organization: Organization?, plan: WhatIfPlan? = nil) {
        self.organization = organization
        asOf = report.asOf.iso8601
        catalogVersion = report.catalogVersion
        scoringModelVersion = report.scoringModelVersion
        currentScore = report.currentScore
        maxScore = report.maxScore
        percentage = report.percentage
        verifiedScore = report.verifiedScore
        verifiedPercentage = report.verifiedPercentage
        claimedScore = report.claimedScore
        categories = report.categories.map {
            Category(
                category: $0.category.rawValue,
                score: $0.score,
                maxScore: $0.maxScore,
                verifiedScore: $0.verifiedScore,
                percentage: $0.percentage
            )
        }
        actions = report.actions.map(Action.init)
        let projection = Projection.project(report)
        self.projection = ProjectionDocument(
            plannedScore: projection.plannedScore,
            plannedPercentage: projection.plannedPercentage,
            points: projection.points.map {
                .init(date: $0.date.description, score: $0.score, percentage: $0.percentage, actions: $0.actionIDs)
            },
            overdue: projection.overdue,
            undated: projection.undated
        )
        self.plan = plan.map {
            PlanDocument(
                targetPercentage: $0.targetPercentage,
                neededPoints: $0.neededPoints,
                reachable: $0.reachable,
                totalCost: $0.totalCost,
                resultingScore: $0.resultingScore,
                resultingPercentage: $0.resultingPercentage,
                actions: $0.steps.map {
                    .init(id: $0.actionID, title: $0.title, gain: $0.gain, cost: $0.cost, rank: $0.rank)
                }
            )
        }
    }
}

extension ScoreDocument.Action {
    init(_ score: ActionScore) {
        // Only what a person set is shown as set: the system's `completed` and its note are not.
        let record = score.statusRecord.flatMap { $0.isSystem ? nil : $0 }
        id = score.action.id
        title = score.action.title
        category = score.action.category.rawValue
        service = score.action.service
        product = score.action.product
        scoringMethod = score.action.scoringMethod.rawValue
        points = score.points
        maxScore = score.action.maxScore
        measuredPoints = score.measuredPoints
        verifiedPoints = score.verifiedPoints
        claimedPoints = score.claimedPoints
        remaining = score.remaining
        status = score.status.rawValue
        setStatus = record.flatMap { $0.status == score.status ? nil : $0.status.rawValue }
        rank = score.rank
        priority = score.priority
        applicable = score.applicable
        hasData = score.hasData
        counted = score.counted
        deprecated = score.action.deprecated
        externallyManaged = score.action.externallyManaged
        hiddenByDefault = score.hiddenByDefault
        achieved = score.achieved
        total = score.total
        excluded = score.excluded
        lastMeasuredAt = score.lastMeasuredAt?.iso8601
        exceptionExpired = score.exceptionExpired
        regressed = score.regressed
        note = record?.note
        owner = record?.owner
        expiresAt = record?.expiresAt?.iso8601
        targetDate = record?.targetDate?.description
        explanation = score.explanation
    }
}
