import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// History, metrics and trends of one organization, and the settings they use (score zones, the
/// custom comparison). Every range is `from`/`to` (inclusive days, default the last 90 days).
struct TrendRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("history", use: history)
        organization.post("history", "recompute", use: recompute)
        organization.get("actions", ":action", "history", use: actionHistory)
        let metrics = organization.grouped("metrics")
        metrics.get("regressions", use: regressions)
        metrics.get("comparison", use: comparison)
        metrics.get("risk-acceptance", use: riskAcceptance)
        metrics.get("score-changes", use: scoreChanges)
        metrics.get("zone", use: zone)
        organization.get("zones", use: zones)
        organization.put("zones", use: setZones)
        organization.delete("zones", use: resetZones)
        organization.get("comparison", use: customComparison)
        organization.put("comparison", use: setCustomComparison)
        organization.delete("comparison", use: removeCustomComparison)
    }

    /// The request's day range; each day read is paid from the caller's work budget.
    func interval(_ request: Request) throws -> DayInterval {
        let interval = try DayRange.interval(request, now: dependencies.clock.now())
        try request.spendWork(interval.days.count, budget: dependencies.workBudget, now: dependencies.clock.now())
        return interval
    }

    func category(_ request: Request) throws -> ActionCategory? {
        guard let name = request.queryValue("category") else { return nil }
        guard let match = ActionCategory.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw APIError.badRequest(
                "category must be one of \(NodeReader.choices(ActionCategory.self)), not \"\(name)\"",
                target: "category"
            )
        }
        return match
    }

    // MARK: history

    struct HistoryResponse: Encodable {
        var from: CivilDay
        var to: CivilDay
        var category: String?
        var series: [SeriesPoint]
        var actionsTaken: [ChangeDTO]
    }

    @Sendable func history(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let interval = try interval(request)
        let category = try category(request)
        let (series, taken) = try await service.history(id, interval, category: category)
        return try JSONResponse.encode(
            HistoryResponse(
                from: interval.from,
                to: interval.to,
                category: category?.rawValue,
                series: series,
                actionsTaken: taken.map(ChangeDTO.init)
            )
        )
    }

    struct ActionHistoryResponse: Encodable {
        struct Day: Encodable {
            var day: CivilDay
            var points: Double
            var maxScore: Double
            var status: String
            var achieved: Int?
            var total: Int?
        }

        var actionId: String
        var from: CivilDay
        var to: CivilDay
        var days: [Day]
        var changes: [ChangeDTO]
    }

    @Sendable func actionHistory(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let actionID = ActionID(request.parameters.get("action") ?? "")
        let interval = try interval(request)
        let history = try await service.actionHistory(id, actionID: actionID, interval)
        return try JSONResponse.encode(
            ActionHistoryResponse(
                actionId: actionID.rawValue,
                from: interval.from,
                to: interval.to,
                days: history.days.map {
                    .init(
                        day: $0.day,
                        points: $0.points,
                        maxScore: $0.maxScore,
                        status: $0.status.rawValue,
                        achieved: $0.achieved,
                        total: $0.total
                    )
                },
                changes: history.changes.map(ChangeDTO.init)
            )
        )
    }

    // MARK: metrics

    struct RegressionResponse: Encodable {
        var from: CivilDay
        var to: CivilDay
        var totalPointsLost: Double
        var days: [RegressionTrend.Day]
        var regressions: [Regression]
    }

    @Sendable func regressions(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let interval = try interval(request)
        let trend = try await service.regressionTrend(id, interval, category: try category(request))
        return try JSONResponse.encode(
            RegressionResponse(
                from: interval.from,
                to: interval.to,
                totalPointsLost: trend.totalPointsLost,
                days: trend.days,
                regressions: trend.regressions
            )
        )
    }

    struct ComparisonResponse: Encodable {
        struct Cohort: Encodable {
            var name: String
            var description: String
            var minimumOrganizations: Int
            var notice: String
            var points: [ComparisonPoint]
        }

        var from: CivilDay
        var to: CivilDay
        var seatBand: Cohort
        var custom: Cohort?
    }

    @Sendable func comparison(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let interval = try interval(request)
        let trend = try await service.comparisonTrend(id, interval)
        let notice =
            "only seat-band, industry and region groups of at least \(Comparisons.minimumCell) organizations count; "
            + "days without one show no average: \(Comparisons.notEnough)"
        return try JSONResponse.encode(
            ComparisonResponse(
                from: interval.from,
                to: interval.to,
                seatBand: .init(
                    name: trend.seatBand.rawValue,
                    description: "organizations with \(trend.seatBand.rawValue) seats",
                    minimumOrganizations: Comparisons.minimumCohort,
                    notice: notice,
                    points: trend.seatBandPoints
                ),
                custom: trend.custom.map { custom in
                    .init(
                        name: "custom",
                        description: custom.description,
                        minimumOrganizations: Comparisons.minimumCohort,
                        notice: notice,
                        points: trend.customPoints ?? []
                    )
                }
            )
        )
    }

    struct RiskAcceptanceResponse: Encodable {
        var from: CivilDay
        var to: CivilDay
        var points: [RiskAcceptancePoint]
    }

    @Sendable func riskAcceptance(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let interval = try interval(request)
        let points = try await service.riskAcceptanceTrend(id, interval)
        return try JSONResponse.encode(RiskAcceptanceResponse(from: interval.from, to: interval.to, points: points))
    }

    @Sendable func scoreChanges(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        return try JSONResponse.encode(try await service.scoreChanges(id, try interval(request)))
    }

    struct ZoneResponse: Encodable {
        var percentage: Double
        var zone: String
        var zones: [ScoreZones.Range]
    }

    @Sendable func zone(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let report = try await service.currentReport(id)
        let zones = try await service.zones(id)
        return try JSONResponse.encode(
            ZoneResponse(
                percentage: report.percentage,
                zone: zones.zone(for: report.percentage).rawValue,
                zones: zones.ranges
            )
        )
    }

    // MARK: settings

    struct ZonesBody: Encodable { var zones: [ScoreZones.Range] }

    @Sendable func zones(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        return try JSONResponse.encode(ZonesBody(zones: try await service.zones(id).ranges))
    }

    @Sendable func setZones(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let zones = try Self.decodeZones(try request.jsonBody())
        try await service.setZones(id, zones, actor: request.actor, requestID: request.id)
        return try JSONResponse.encode(ZonesBody(zones: zones.ranges))
    }

    @Sendable func resetZones(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        try await service.setZones(id, nil, actor: request.actor, requestID: request.id)
        return try JSONResponse.encode(ZonesBody(zones: ScoreZones.default.ranges))
    }

    /// `{"zones": [{"zone": "bad", "from": 0, "to": 40}, …]}`, checked by ``ScoreZones``.
    static func decodeZones(_ body: SourceNode) throws -> ScoreZones {
        var reader = NodeReader(file: "body", entry: nil, node: body)
        reader.rejectUnknownKeys(["zones"])
        var ranges: [ScoreZones.Range] = []
        for (index, node) in (reader.array("zones", nonEmpty: true) ?? []).enumerated() {
            var item = NodeReader(file: "body", entry: nil, node: node, fieldPrefix: "zones[\(index)].")
            item.rejectUnknownKeys(["zone", "from", "to"])
            let zone = item.enumeration("zone", ScoreZones.Zone.self)
            let from = item.number("from")
            let to = item.number("to")
            if let zone, let from, let to { ranges.append(.init(zone: zone, from: from, to: to)) }
            reader.absorb(item.collected)
        }
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "zones")
        }
        do {
            return try ScoreZones(ranges: ranges)
        } catch {
            throw APIError.badRequest("zones: \(error.description)", target: "zones")
        }
    }

    struct ComparisonBody: Encodable {
        var comparison: CustomComparison?
        var description: String?
    }

    @Sendable func customComparison(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let comparison = try await service.customComparison(id)
        return try JSONResponse.encode(ComparisonBody(comparison: comparison, description: comparison?.description))
    }

    @Sendable func setCustomComparison(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["industry", "region", "minSeats", "maxSeats"])
        let comparison = CustomComparison(
            industry: reader.string("industry", required: false),
            region: reader.string("region", required: false),
            minSeats: reader.count("minSeats", required: false),
            maxSeats: reader.count("maxSeats", required: false)
        )
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "comparison")
        }
        if let problem = comparison.problems.first { throw APIError.badRequest(problem, target: "comparison") }
        try await service.setCustomComparison(id, comparison, actor: request.actor, requestID: request.id)
        return try JSONResponse.encode(ComparisonBody(comparison: comparison, description: comparison.description))
    }

    @Sendable func removeCustomComparison(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        try await service.setCustomComparison(id, nil, actor: request.actor, requestID: request.id)
        return Response(status: .noContent)
    }

    // MARK: recompute

    struct RecomputeResponse: Encodable {
        struct Day: Encodable {
            var day: CivilDay
            var storedScore: Double
            var recomputedScore: Double
            var storedMaxScore: Double
            var recomputedMaxScore: Double
            var storedVersions: String
            var differences: [Recompute.ActionDifference]
        }

        var applied: Bool
        var snapshots: Int
        var changed: Int
        var catalogVersion: String
        var scoringModelVersion: String
        var days: [Day]
    }

    /// `{"from": "2026-01-01", "apply": false}`: a dry run for readers; `apply` needs a Global
    /// administrator, since it rewrites stored history.
    @Sendable func recompute(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["from", "apply"])
        let fromText = reader.string("from")
        let apply = reader.bool("apply", required: false) ?? false
        if apply { try request.authorize(.rewriteHistory, organizationID: id) }
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "from")
        }
        guard let fromText, let from = CivilDay(fromText) else {
            throw APIError.badRequest("from must be a day like 2026-01-01", target: "from")
        }
        let results = try await service.recompute(
            id,
            from: from,
            apply: apply,
            actor: request.actor,
            requestID: request.id
        )
        let changed = results.filter(\.changed)
        return try JSONResponse.encode(
            RecomputeResponse(
                applied: apply && !changed.isEmpty,
                snapshots: results.count,
                changed: changed.count,
                catalogVersion: service.catalog.version,
                scoringModelVersion: ScoringEngine.modelVersion,
                days: changed.map {
                    .init(
                        day: $0.stored.day,
                        storedScore: $0.stored.score,
                        recomputedScore: $0.recomputed.score,
                        storedMaxScore: $0.stored.maxScore,
                        recomputedMaxScore: $0.recomputed.maxScore,
                        storedVersions: "\($0.stored.catalogVersion)/\($0.stored.scoringModelVersion)",
                        differences: $0.differences
                    )
                }
            )
        )
    }
}
