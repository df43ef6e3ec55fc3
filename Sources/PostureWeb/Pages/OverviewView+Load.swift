import Foundation
import PostureCore
import PostureServices
import PostureStore

extension OverviewView {
    /// The overview of the context's organization: its current score, zone, categories, the
    /// 90-day trend against its comparisons with the projection of planned actions, the top five
    /// actions and the last month's changes.
    static func load(_ context: OrganizationContext, service: PostureService, now: Date) async throws -> OverviewView {
        let id = context.id
        let report = try await service.currentReport(of: context.organization)
        let settings = try await service.settings(id)
        let zones = settings.zones
        let today = CivilDay(now)
        let interval = DayInterval(from: today.adding(days: -89), to: today)
        let comparison = try await service.comparisonTrend(
            context.organization.organization,
            interval,
            custom: .some(settings.comparison),
            categories: false
        )
        let projection = Projection.project(report)
        let future = projection.points.filter { $0.date > today }.prefix(12)
        var days = interval.days
        var (series, notices) = ComparisonLines.of(comparison)
        if !future.isEmpty {
            days += future.map(\.date)
            for index in series.indices { series[index].values += Array(repeating: nil, count: future.count) }
            var line = Array(repeating: Double?.none, count: interval.days.count - 1) + [report.percentage]
            line += future.map { Optional($0.percentage) }
            series.append(.init(name: "Projection from planned actions (%)", values: line, style: .projection))
        }
        let monthAgo = now.addingTimeInterval(-30 * 86_400)
        let changes = try await service.recentChanges(id, limit: 10).filter { $0.occurredAt >= monthAgo }
        let connection = try await service.connectionIfAny(id)
        var view = OverviewView(
            signedIn: context.web.signedIn,
            nav: context.nav,
            score: ScoreFormat.points(report.currentScore),
            maxScore: ScoreFormat.points(report.maxScore),
            percentage: ScoreFormat.percentage(report.percentage),
            zone: zones.zone(for: report.percentage).rawValue,
            verifiedScore: ScoreFormat.points(report.verifiedScore),
            claimedScore: ScoreFormat.points(report.claimedScore),
            categories: report.categories.map {
                .init(
                    name: $0.category.rawValue,
                    score: ScoreFormat.points($0.score),
                    maxScore: ScoreFormat.points($0.maxScore),
                    percentage: $0.percentage
                )
            },
            chart: LineChart(
                id: "overview-trend",
                title: "Score over 90 days, compared",
                days: days,
                series: series,
                maxY: 100,
                unit: "%"
            ),
            comparisonNotice: notices.isEmpty ? nil : notices.joined(separator: " "),
            topActions: report.rankedActions.prefix(5).map {
                .init(
                    id: $0.action.id,
                    title: $0.action.title,
                    category: $0.action.category.rawValue,
                    remaining: ScoreFormat.points($0.remaining),
                    rank: $0.rank ?? 0
                )
            },
            changes: changes.map {
                .init(when: $0.occurredAt.iso8601, actionID: $0.actionID, detail: $0.detail, actor: $0.actor)
            }
        )
        view.tickets = try await service.tickets(of: context.organization, openOnly: true, limit: 10).map {
            TicketRow.make($0, title: service.catalog[$0.actionID]?.title ?? $0.actionID)
        }
        view.collection = connection.flatMap {
            banner(
                $0,
                at: now,
                settingsLink: context.canWrite ? "/orgs/\(WebPath.segment(id.rawValue))/settings#connection" : nil
            )
        }
        return view
    }

    /// The banner for a connection whose data is stale or whose collections fail; nil otherwise.
    static func banner(_ connection: StoredConnection, at now: Date, settingsLink: String?) -> CollectionBanner? {
        let health = connection.health(at: now)
        guard health == .stale || health == .failing else { return nil }
        let state = connection.collection
        return CollectionBanner(
            stale: health == .stale,
            lastSuccess: state.lastSuccessAt.map { "at " + ScoreFormat.minute($0) + " UTC" },
            problem: state.consecutiveFailures > 0 ? state.lastProblem : nil,
            nextRun: state.nextRunAt <= now ? "due now" : "at " + ScoreFormat.minute(state.nextRunAt) + " UTC",
            settingsLink: settingsLink
        )
    }
}
