import Foundation
import PostureCore
import PostureServices
import PostureStore

extension ActionsView {
    /// The query parameters the list reads: its search, filters, grouping and hidden actions.
    static let parameterNames = ["q", "hidden", "group"] + ActionListQuery.Filter.allCases.map(\.rawValue)

    /// The improvement actions list of the context's organization for the query in `parameters`
    /// (``ActionListQuery``, shared with the CSV export and the API), with the listed actions and
    /// the tags it read.
    static func load(
        _ context: OrganizationContext,
        parameters: [String: String],
        report: ScoreReport,
        service: PostureService
    ) async throws -> (view: ActionsView, listed: [ActionScore], tags: [String: [String]]) {
        let tags = try await service.tags(context.id)
        var selected: [ActionListQuery.Filter: String] = [:]
        for filter in ActionListQuery.Filter.allCases {
            if let value = parameters[filter.rawValue], !value.isEmpty { selected[filter] = value }
        }
        let search = parameters["q"] ?? ""
        let query =
            try
            (try? ActionListQuery(
                search: search,
                selected: selected,
                includeHidden: parameters["hidden"] == "1",
                group: ActionListQuery.Grouping(rawValue: parameters["group"] ?? "")
            ))
            ?? (try ActionListQuery(selected: selected))
        let all = report.actions.filter { !$0.action.deprecated }
        let listed = query.apply(report.actions, tags: tags)
        func row(_ score: ActionScore) -> ActionsView.Row {
            ActionsView.Row(
                id: score.action.id,
                title: score.action.title,
                points: ScoreFormat.points(score.points),
                maxScore: ScoreFormat.points(score.action.maxScore),
                status: score.status.label,
                category: score.action.category.rawValue,
                product: score.action.product,
                rank: score.rank,
                lastMeasured: score.hasData
                    ? (score.lastMeasuredAt.map { CivilDay($0).description } ?? "measured") : "no data",
                tags: tags[score.action.id] ?? []
            )
        }
        let groups = query.grouped(listed, tags: tags).map {
            ActionsView.Group(name: $0.name, rows: $0.actions.map(row))
        }
        let choices: [(name: String, label: String, options: [String])] = [
            ("category", "Category", ActionCategory.allCases.map(\.rawValue)),
            ("product", "Product", Array(Set(all.map(\.action.product))).sorted()),
            ("status", "Status", ActionStatus.allCases.map(\.label)),
            ("tier", "Tier", ActionTier.allCases.map(\.rawValue)),
            ("cost", "Implementation cost", EffortLevel.allCases.map(\.rawValue)),
            ("impact", "User impact", EffortLevel.allCases.map(\.rawValue)),
            ("threat", "Threat", Threat.allCases.map(\.rawValue)),
            ("tag", "Tag", Array(Set(tags.values.flatMap { $0 })).sorted()),
        ]
        let filters = ActionsView.Filters(
            query: query.search,
            selected: Dictionary(uniqueKeysWithValues: query.selected.map { ($0.key.rawValue, $0.value) }),
            choices: choices,
            group: query.group?.rawValue ?? "",
            includeHidden: query.includeHidden
        )
        var view = ActionsView(
            signedIn: context.web.signedIn,
            nav: context.nav,
            filters: filters,
            groups: groups,
            total: listed.count,
            csvURL: "",
            detail: nil
        )
        view.csvURL = "/orgs/\(WebPath.segment(context.id))/actions.csv" + view.detailQuery
        return (view, listed, tags)
    }
}
