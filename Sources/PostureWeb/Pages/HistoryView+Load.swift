import Foundation
import PostureCore
import PostureServices
import PostureStore

extension HistoryView {
    /// The history of the context's organization over `interval`: the score per day (or one
    /// category's points) beside Microsoft's own where imported, the reconciliation with it, and a
    /// page of the changes taken, filtered by cause. `parameters` are the page's query (`category`,
    /// `cause`, `start`); `error` says why the range asked for was not used.
    static func load(
        _ context: OrganizationContext,
        interval: DayInterval,
        error: String?,
        parameters: [String: String],
        service: PostureService
    ) async throws -> HistoryView {
        let categoryName = parameters["category"] ?? ""
        let category = ActionCategory.allCases.first { $0.rawValue == categoryName }
        let (series, taken) = try await service.history(context.id, interval, category: category)
        let byDay = Dictionary(series.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
        let labels = interval.days
        var lines: [LineChart.Series] = [
            .init(
                name: category == nil ? "Score" : "\(categoryName) points",
                values: labels.map { byDay[$0]?.score },
                style: .primary
            ),
            .init(name: "Available", values: labels.map { byDay[$0]?.maxScore }, style: .comparison),
        ]
        // Microsoft's own score, when imported, on the same axis (whole-score view only).
        let microsoftDays =
            category == nil ? try await service.microsoftHistory(context.id, in: interval, withControls: false) : []
        let microsoftByDay = Dictionary(microsoftDays.map { ($0.day, $0) }, uniquingKeysWith: { _, last in last })
        if !microsoftDays.isEmpty {
            lines.append(
                .init(
                    name: "Microsoft Secure Score",
                    values: labels.map { microsoftByDay[$0]?.currentScore },
                    style: .custom
                )
            )
        }
        let chart = LineChart(
            id: "history",
            title: category.map { "\($0.rawValue) points per day" } ?? "Score per day",
            days: labels,
            series: lines,
            maxY: max(series.map(\.maxScore).max() ?? 0, microsoftDays.map(\.currentScore).max() ?? 0, 1),
            unit: " points"
        )
        let reconciliation = category == nil ? try await service.microsoftReconciliation(context.id) : nil
        let filter = parameters["cause"].flatMap(ChangeFilter.init(rawValue:)) ?? .all
        let kept = taken.reversed().filter(filter.matches)
        let page = ListPage(offset: parameters["start"].flatMap { Int($0) } ?? 0, total: kept.count)
        var query = [
            HistoryView.QueryItem(name: "from", value: interval.from.description),
            HistoryView.QueryItem(name: "to", value: interval.to.description),
        ]
        if let category { query.append(.init(name: "category", value: category.rawValue)) }
        var view = HistoryView(
            signedIn: context.web.signedIn,
            nav: context.nav,
            range: RangeForm(
                action: "/orgs/\(WebPath.segment(context.id))/history",
                from: interval.from.description,
                to: interval.to.description,
                category: category?.rawValue,
                categories: ActionCategory.allCases.map(\.rawValue),
                error: error
            ),
            chart: chart,
            microsoft: reconciliation.map(Self.comparison),
            taken: page.slice(kept).map { entry in
                .init(
                    when: ScoreFormat.minute(entry.occurredAt),
                    actionID: entry.actionID,
                    category: entry.category.rawValue,
                    change: entry.detail,
                    resultingPoints: ScoreFormat.points(entry.pointsAfter),
                    actor: entry.actor,
                    cause: entry.cause?.summary ?? ""
                )
            }
        )
        view.filter = filter
        view.page = page
        view.query = query
        return view
    }

}

extension HistoryView {
    static func comparison(_ reconciliation: MicrosoftReconciliation) -> HistoryView.MicrosoftComparison {
        func points(_ value: Double?, _ max: Double?) -> String {
            guard let value else { return "–" }
            return ScoreFormat.points(value) + (max.map { " / " + ScoreFormat.points($0) } ?? "")
        }
        let differing = reconciliation.lines.filter { $0.reason != "same" }
        return HistoryView.MicrosoftComparison(
            day: reconciliation.microsoft.day.description,
            microsoftScore: ScoreFormat.points(reconciliation.microsoft.currentScore),
            postureScore: ScoreFormat.points(reconciliation.posture.currentScore),
            agreeing: reconciliation.lines.count - differing.count,
            rows: differing.map { line in
                .init(
                    actionID: line.actionID,
                    inCatalog: reconciliation.posture[line.actionID] != nil,
                    microsoft: points(line.microsoftPoints, line.microsoftMax),
                    posture: points(line.posturePoints, line.postureMax),
                    difference: line.difference == 0
                        ? "–" : (line.difference > 0 ? "+" : "") + ScoreFormat.points(line.difference),
                    reason: line.reason
                )
            }
        )
    }
}
