import Foundation
import PostureCore
import PostureServices
import PostureStore

extension MetricsView {
    /// The metrics of the context's organization over `interval`: its zone, regressions per day
    /// and a page of them from `start`, the comparison trend, risk acceptance and score changes.
    static func load(
        _ context: OrganizationContext,
        interval: DayInterval,
        error: String?,
        start: Int,
        service: PostureService
    ) async throws -> MetricsView {
        let id = context.id
        let report = try await service.currentReport(id)
        let zones = try await service.zones(id)
        let regressions = try await service.regressionTrend(id, interval, category: nil)
        let comparison = try await service.comparisonTrend(id, interval)
        let risk = try await service.riskAcceptanceTrend(id, interval)
        let changes = try await service.scoreChanges(id, interval)
        let days = interval.days
        let lostByDay = Dictionary(regressions.days.map { ($0.day, $0.pointsLost) }, uniquingKeysWith: +)
        let riskByDay = Dictionary(risk.map { ($0.day, Double($0.actions)) }, uniquingKeysWith: { first, _ in first })
        let (lines, found) = ComparisonLines.of(comparison)
        var notices = found
        if comparison.custom == nil { notices.append("No custom comparison yet: define one in Settings.") }
        let regressionPage = ListPage(
            offset: start,
            total: regressions.regressions.count
        )
        return MetricsView(
            signedIn: context.web.signedIn,
            nav: context.nav,
            range: RangeForm(
                action: "/orgs/\(WebPath.segment(id))/metrics",
                from: interval.from.description,
                to: interval.to.description,
                error: error
            ),
            percentage: ScoreFormat.percentage(report.percentage),
            zone: zones.zone(for: report.percentage).rawValue,
            zones: zones.ranges.map { ($0.zone.rawValue, ScoreFormat.bound($0.from), ScoreFormat.bound($0.to)) },
            regressionChart: BarChart(
                id: "regressions",
                title: "Points regressed per day",
                labels: days.map(\.description),
                values: days.map { lostByDay[$0] ?? 0 },
                valueName: "Points lost"
            ),
            regressions: regressionPage.slice(Array(regressions.regressions.reversed())).map {
                .init(
                    day: $0.day.description,
                    actionID: $0.actionID,
                    title: $0.title,
                    pointsLost: ScoreFormat.points($0.pointsLost),
                    cause: $0.cause.summary
                )
            },
            comparisonChart: LineChart(
                id: "comparison",
                title: "Your score compared with similar organizations",
                days: days,
                series: lines,
                maxY: 100,
                unit: "%"
            ),
            comparisonNotices: notices,
            riskChart: BarChart(
                id: "risk",
                title: "Actions marked risk accepted",
                labels: days.map(\.description),
                values: days.map { riskByDay[$0] ?? 0 },
                valueName: "Risk-accepted actions"
            ),
            pointsGained: "+" + ScoreFormat.points(changes.pointsGained),
            pointsRegressed: "−" + ScoreFormat.points(changes.pointsRegressed),
            netChange: (changes.netChange >= 0 ? "+" : "−") + ScoreFormat.points(abs(changes.netChange)),
            regressionPage: regressionPage,
            query: "from=\(interval.from)&to=\(interval.to)"
        )
    }
}
