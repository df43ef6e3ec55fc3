import Foundation
import PostureAPI
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The organization pages: overview, improvement actions with their details, history, metrics and
/// settings. Handlers gather data from the services and build view models; views render them.
struct DashboardRoutes: Sendable {
    let dependencies: WebDependencies

    var service: PostureService { dependencies.service }
    var now: Date { dependencies.clock.now() }

    func register(on signedIn: any RoutesBuilder) {
        signedIn.get("switch", use: switchOrganization)
        let organization = signedIn.grouped("orgs", ":org")
        organization.get(use: overview)
        organization.get("actions", use: actions)
        organization.get("actions.csv", use: actionsCSV)
        organization.get("actions", ":action", use: actionDetail)
        organization.post("actions", ":action", "status", use: setStatus)
        organization.post("actions", ":action", "tags", use: addTag)
        organization.post("actions", ":action", "tags", "delete", use: removeTag)
        organization.get("history", use: history)
        organization.get("metrics", use: metrics)
        SettingsRoutes(dependencies: dependencies).register(on: organization)
    }

    // MARK: context

    /// The signed-in person, the organization of the path and their role in it. Organizations
    /// where the person holds no role answer 404, like the API.
    struct Context {
        var web: WebUser
        var organization: StoredOrganization
        var role: Role
        var nav: Layout.OrganizationNav

        var id: String { organization.organization.id }
        var canWrite: Bool {
            AccessPolicy.decide(.changeState, organizationID: id, access: web.user.access, scopes: [.readWrite])
                == .allowed
        }
    }

    static func context(
        _ request: Request,
        _ tab: Layout.OrganizationNav.Tab,
        service: PostureService,
        operation: AccessOperation = .read
    ) async throws -> Context {
        let web = try request.webUser
        let id = request.parameters.get("org") ?? ""
        let access = web.user.access
        switch AccessPolicy.decide(operation, organizationID: id, access: access, scopes: [.read, .readWrite]) {
        case .allowed: break
        case .notFound: throw WebError.notFound
        case .forbidden(let reason): throw WebError.forbidden(reason)
        }
        guard let organization = try await service.findOrganization(id), let role = access.role(in: id) else {
            throw WebError.notFound
        }
        // The switcher lists organizations only while there are few: a page must not read every
        // organization of a large instance.
        let visibleCount =
            access.instanceAdministrator ? try await service.organizationCount() : access.roles.count
        let many = visibleCount > Layout.OrganizationNav.switcherLimit
        let visible =
            many ? [] : try await service.organizations().filter { access.canSee($0.organization.id) }
        let nav = Layout.OrganizationNav(
            id: id,
            name: organization.organization.displayName,
            role: web.user.instanceAdministrator && web.user.roles[id] == nil
                ? "Instance administrator" : role.displayName,
            current: tab,
            others: visible.map { ($0.organization.id, $0.organization.displayName) },
            many: many
        )
        return Context(web: web, organization: organization, role: role, nav: nav)
    }

    @Sendable func switchOrganization(_ request: Request) async throws -> Response {
        let id = request.query[String.self, at: "org"] ?? ""
        let tab = Layout.OrganizationNav.Tab.allCases.first { $0.path == request.query[String.self, at: "tab"] }
        return request.redirect(to: "/orgs/\(WebPath.segment(id))\(tab?.path ?? "")")
    }

    // MARK: overview

    @Sendable func overview(_ request: Request) async throws -> Response {
        let context = try await Self.context(request, .overview, service: service)
        let id = context.id
        let report = try await service.currentReport(of: context.organization)
        let settings = try await service.settings(id)
        let zones = settings.zones
        let today = CivilDay(now)
        let interval = DayInterval(from: today.adding(days: -89), to: today)
        let comparison = try await service.comparisonTrend(
            context.organization.organization,
            interval,
            custom: .some(settings.comparison)
        )
        let projection = Projection.project(report)
        let future = projection.points.filter { $0.date > today }.prefix(12)
        var days = interval.days
        let own = comparison.seatBandPoints.map(\.percentage)
        var series: [LineChart.Series] = [
            .init(name: "Your score (%)", values: own, style: .primary),
            .init(
                name: "Organizations with \(comparison.seatBand.rawValue) seats (average %)",
                values: comparison.seatBandPoints.map(\.averagePercentage),
                style: .comparison
            ),
        ]
        if let custom = comparison.customPoints, let definition = comparison.custom {
            series.append(
                .init(
                    name: "Custom: \(definition.description) (average %)",
                    values: custom.map(\.averagePercentage),
                    style: .custom
                )
            )
        }
        if !future.isEmpty {
            days += future.map(\.date)
            for index in series.indices { series[index].values += Array(repeating: nil, count: future.count) }
            var line = Array(repeating: Double?.none, count: interval.days.count - 1) + [report.percentage]
            line += future.map { Optional($0.percentage) }
            series.append(.init(name: "Projection from planned actions (%)", values: line, style: .projection))
        }
        var notices: [String] = []
        if !comparison.seatBandPoints.contains(where: \.enoughOrganizations) {
            notices.append(
                "Seat band \(comparison.seatBand.rawValue): \(Comparisons.notEnough) (fewer than \(Comparisons.minimumCohort))."
            )
        }
        if let custom = comparison.customPoints, !custom.contains(where: \.enoughOrganizations) {
            notices.append("Custom comparison: \(Comparisons.notEnough).")
        }
        let monthAgo = now.addingTimeInterval(-30 * 86_400)
        let changes = try await service.recentChanges(id, limit: 10).filter { $0.occurredAt >= monthAgo }
        let view = OverviewView(
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
        return WebPages.html(view.render())
    }

    // MARK: improvement actions

    func listView(
        _ request: Request,
        context: Context,
        report: ScoreReport
    ) async throws
        -> (ActionsView, [ActionScore], [String: [String]])
    {
        let tags = try await service.tags(context.id)
        var selected: [ActionListQuery.Filter: String] = [:]
        for filter in ActionListQuery.Filter.allCases {
            if let value = request.query[String.self, at: filter.rawValue], !value.isEmpty { selected[filter] = value }
        }
        let search = request.query[String.self, at: "q"] ?? ""
        let query =
            try
            (try? ActionListQuery(
                search: search,
                selected: selected,
                includeHidden: request.query[String.self, at: "hidden"] == "1",
                group: ActionListQuery.Grouping(rawValue: request.query[String.self, at: "group"] ?? "")
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

    @Sendable func actions(_ request: Request) async throws -> Response {
        let context = try await Self.context(request, .actions, service: service)
        let report = try await service.currentReport(of: context.organization)
        return WebPages.html(try await listView(request, context: context, report: report).0.render())
    }

    @Sendable func actionsCSV(_ request: Request) async throws -> Response {
        let context = try await Self.context(request, .actions, service: service)
        let report = try await service.currentReport(of: context.organization)
        let (_, listed, tags) = try await listView(request, context: context, report: report)
        let csv = CSVWriter.render(
            header: [
                "rank", "id", "title", "category", "product", "status", "points", "maxScore", "lastMeasured", "tags",
            ],
            rows: listed.map { score in
                [
                    score.rank.map(String.init) ?? "", score.action.id, score.action.title,
                    score.action.category.rawValue,
                    score.action.product, score.status.rawValue, ScoreFormat.points(score.points),
                    ScoreFormat.points(score.action.maxScore),
                    score.hasData ? score.lastMeasuredAt.map { CivilDay($0).description } ?? "" : "no data",
                    (tags[score.action.id] ?? []).joined(separator: ";"),
                ]
            }
        )
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"\(context.id)-improvement-actions.csv\""
        )
        return Response(status: .ok, headers: headers, body: .init(string: csv + "\n"))
    }

    @Sendable func actionDetail(_ request: Request) async throws -> Response {
        try await renderDetail(
            request,
            message: Self.savedMessages[request.query[String.self, at: "saved"] ?? ""],
            errors: []
        )
    }

    static let savedMessages = ["status": "Status saved.", "tag": "Tag added.", "untag": "Tag removed."]

    func renderDetail(
        _ request: Request,
        message: String?,
        errors: [String],
        status: HTTPStatus = .ok
    ) async throws
        -> Response
    {
        let context = try await Self.context(request, .actions, service: service)
        let actionID = request.parameters.get("action") ?? ""
        // One score serves both the list behind the flyout and the flyout itself.
        let report = try await service.currentReport(of: context.organization)
        guard let score = report[actionID] else { throw WebError.notFound }
        var (view, _, tags) = try await listView(request, context: context, report: report)
        let action = score.action
        let measurement = try await service.measurements(context.id).first { $0.actionID == actionID }
        let today = CivilDay(now)
        let history = try await service.actionHistory(
            context.id,
            actionID: actionID,
            DayInterval(from: today.adding(days: -29), to: today)
        )
        let locked: String? =
            switch EditLock.of(score, canWrite: context.canWrite) {
            case nil: nil
            case .readOnlyRole:
                "Your role (\(context.nav.role)) is read-only here: statuses and notes cannot be changed."
            case .externallyManaged(let managedIn):
                "This action is managed in \(managedIn ?? "another product"); change its status there."
            case .completed: "Completed: the data shows every point earned, so the status is locked."
            }
        // The form starts from what a person set, never from the system's own record and note.
        let record = score.statusRecord.flatMap { $0.isSystem ? nil : $0 }
        let base = request.baseURL(dependencies.publicBaseURL)
        view.detail = ActionDetailView(
            id: action.id,
            title: action.title,
            category: action.category.rawValue,
            product: action.product,
            threats: action.threats.map(\.rawValue),
            tier: action.tier.rawValue,
            description: action.description,
            userImpact: action.userImpactDescription,
            usersAffected: action.usersAffected,
            licences: action.prerequisites.licenses,
            prerequisiteActions: action.prerequisites.actions,
            steps: action.remediation,
            learnMore: action.learnMore.map { ($0.title, $0.url) },
            manageURL: action.manageURL,
            shareURL: "\(base)/orgs/\(WebPath.segment(context.id))/actions/\(WebPath.segment(action.id))",
            points: ScoreFormat.points(score.points),
            maxScore: ScoreFormat.points(action.maxScore),
            explanation: score.explanation,
            status: score.status.rawValue,
            statusLabel: score.status.label,
            note: record?.note ?? "",
            owner: record?.owner ?? "",
            expiresAt: record?.expiresAt.map { CivilDay($0).description } ?? "",
            targetDate: record?.targetDate?.description ?? "",
            achievedEntities: measurement?.achievedEntities ?? [],
            missingEntities: measurement?.missingEntities ?? [],
            entityReport: measurement.map {
                $0.achievedEntities == nil && $0.totalEntities == nil ? .notListed : .listed
            }
                ?? .noData,
            excluded: score.excluded.map { "\($0.entity): \($0.reason)" },
            lockedReason: locked,
            canEditTags: context.canWrite,
            tags: tags[actionID] ?? [],
            statusChoices: Self.statusChoices(current: score.status),
            history: history.days.reversed().map {
                .init(day: $0.day.description, points: ScoreFormat.points($0.points), status: $0.status.label)
            },
            changes: history.changes.suffix(10).reversed().map {
                "\(CivilDay($0.occurredAt)): \($0.detail) (\($0.actor))"
            },
            message: message,
            errors: errors,
            csrfToken: context.web.session.csrfToken
        )
        return WebPages.html(view.render(), status: status)
    }

    /// The statuses a person may choose, plus `completed` when the data set it (shown, locked).
    static func statusChoices(current: ActionStatus) -> [(value: String, label: String)] {
        let people: [ActionStatus] = [
            .toAddress, .planned, .riskAccepted, .resolvedThirdParty, .resolvedAlternateMitigation,
        ]
        return (current == .completed ? [.completed] : people).map { (value: $0.rawValue, label: $0.label) }
    }

    struct StatusForm: Content {
        var status: String?
        var note: String?
        var owner: String?
        var targetDate: String?
        var expiresAt: String?
    }

    @Sendable func setStatus(_ request: Request) async throws -> Response {
        let context = try await Self.context(request, .actions, service: service, operation: .changeState)
        let actionID = request.parameters.get("action") ?? ""
        let form = (try? request.content.decode(StatusForm.self)) ?? StatusForm()
        var errors: [String] = []
        let status = form.status.flatMap(ActionStatus.init(rawValue:))
        if status == nil { errors.append("Choose a status.") }
        func trimmed(_ text: String?) -> String? {
            text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        }
        var targetDate: CivilDay?
        if let text = trimmed(form.targetDate) {
            targetDate = CivilDay(text)
            if targetDate == nil { errors.append("Target date must be a day like 2026-12-31.") }
        }
        var expiresAt: Date?
        if let text = trimmed(form.expiresAt) {
            expiresAt = CivilDay(text)?.start ?? Date(iso8601: text)
            if expiresAt == nil { errors.append("Expiry must be a day like 2026-12-31.") }
        }
        if errors.isEmpty, let status {
            let record = StatusRecord(
                actionID: actionID,
                status: status,
                note: trimmed(form.note),
                owner: trimmed(form.owner),
                expiresAt: expiresAt,
                targetDate: targetDate
            )
            do {
                try await service.setStatus(context.id, record, actor: context.web.user.username, requestID: request.id)
                return request.redirect(
                    to: "/orgs/\(WebPath.segment(context.id))/actions/\(WebPath.segment(actionID))?saved=status"
                )
            } catch ServiceError.statusRefused(let violations) {
                errors += violations.map(\.sentence)
            } catch ServiceError.actionNotFound {
                throw WebError.notFound
            }
        }
        return try await renderDetail(request, message: nil, errors: errors, status: .badRequest)
    }

    struct TagForm: Content { var tag: String? }

    @Sendable func addTag(_ request: Request) async throws -> Response {
        try await changeTag(request, add: true)
    }

    @Sendable func removeTag(_ request: Request) async throws -> Response {
        try await changeTag(request, add: false)
    }

    func changeTag(_ request: Request, add: Bool) async throws -> Response {
        let context = try await Self.context(request, .actions, service: service, operation: .changeState)
        let actionID = request.parameters.get("action") ?? ""
        let tag = ((try? request.content.decode(TagForm.self))?.tag ?? "").trimmingCharacters(in: .whitespaces)
        if let problem = TextLimits.problem(.tag, tag, required: true) {
            return try await renderDetail(request, message: nil, errors: [problem], status: .badRequest)
        }
        do {
            if add {
                _ = try await service.addTag(
                    context.id,
                    actionID: actionID,
                    tag: tag,
                    actor: context.web.user.username,
                    requestID: request.id
                )
            } else {
                _ = try await service.removeTag(
                    context.id,
                    actionID: actionID,
                    tag: tag,
                    actor: context.web.user.username,
                    requestID: request.id
                )
            }
        } catch ServiceError.actionNotFound {
            throw WebError.notFound
        }
        return request.redirect(
            to:
                "/orgs/\(WebPath.segment(context.id))/actions/\(WebPath.segment(actionID))?saved=\(add ? "tag" : "untag")"
        )
    }

    // MARK: history and metrics

    /// The page's range from `from`/`to` (default the last 90 days); an invalid one falls back to
    /// the default and says why.
    func range(_ request: Request) -> (DayInterval, String?) {
        let today = CivilDay(now)
        do {
            let interval = try DayInterval.resolve(
                from: request.query[String.self, at: "from"],
                to: request.query[String.self, at: "to"],
                today: today
            )
            return (interval, nil)
        } catch {
            let fallback = DayInterval(from: today.adding(days: -89), to: today)
            let reason =
                switch error {
                case .malformed: "Dates must look like 2026-11-28; showing the last 90 days."
                case .inverted: "From is after To; showing the last 90 days."
                case .inFuture: "To is in the future; showing the last 90 days."
                case .tooLong: "A range may span at most ten years; showing the last 90 days."
                }
            return (fallback, reason)
        }
    }

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

    @Sendable func history(_ request: Request) async throws -> Response {
        let context = try await Self.context(request, .history, service: service)
        let (interval, error) = range(request)
        let categoryName = request.query[String.self, at: "category"] ?? ""
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
        let filter = request.query[String.self, at: "cause"].flatMap(ChangeFilter.init(rawValue:)) ?? .all
        let kept = taken.reversed().filter(filter.matches)
        let page = ListPage(offset: request.query[Int.self, at: "start"] ?? 0, total: kept.count)
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
        return WebPages.html(view.render(), status: error == nil ? .ok : .badRequest)
    }

    @Sendable func metrics(_ request: Request) async throws -> Response {
        let context = try await Self.context(request, .metrics, service: service)
        let id = context.id
        let (interval, error) = range(request)
        let report = try await service.currentReport(id)
        let zones = try await service.zones(id)
        let regressions = try await service.regressionTrend(id, interval, category: nil)
        let comparison = try await service.comparisonTrend(id, interval)
        let risk = try await service.riskAcceptanceTrend(id, interval)
        let changes = try await service.scoreChanges(id, interval)
        let days = interval.days
        let lostByDay = Dictionary(regressions.days.map { ($0.day, $0.pointsLost) }, uniquingKeysWith: +)
        let riskByDay = Dictionary(risk.map { ($0.day, Double($0.actions)) }, uniquingKeysWith: { first, _ in first })
        var lines: [LineChart.Series] = [
            .init(name: "Your score (%)", values: comparison.seatBandPoints.map(\.percentage), style: .primary),
            .init(
                name: "\(comparison.seatBand.rawValue) seats (average %)",
                values: comparison.seatBandPoints.map(\.averagePercentage),
                style: .comparison
            ),
        ]
        var notices: [String] = []
        if !comparison.seatBandPoints.contains(where: \.enoughOrganizations) {
            notices.append("Seat band \(comparison.seatBand.rawValue): \(Comparisons.notEnough).")
        }
        if let custom = comparison.customPoints, let definition = comparison.custom {
            lines.append(
                .init(
                    name: "Custom: \(definition.description) (average %)",
                    values: custom.map(\.averagePercentage),
                    style: .custom
                )
            )
            if !custom.contains(where: \.enoughOrganizations) {
                notices.append("Custom comparison: \(Comparisons.notEnough).")
            }
        } else {
            notices.append("No custom comparison yet: define one in Settings.")
        }
        let regressionPage = ListPage(
            offset: request.query[Int.self, at: "start"] ?? 0,
            total: regressions.regressions.count
        )
        let view = MetricsView(
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
            zones: zones.ranges.map { ($0.zone.rawValue, Self.number($0.from), Self.number($0.to)) },
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
        return WebPages.html(view.render(), status: error == nil ? .ok : .badRequest)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// Refusals of dashboard pages, rendered as HTML by ``WebErrorMiddleware``.
enum WebError: Error {
    case notFound
    case forbidden(String)
}

/// Turns ``WebError`` into pages: a missing organization or action is a 404 page (never a 403,
/// so ids do not leak), a refused change a 403 page with the reason.
struct WebErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as WebError {
            let signedIn = (try? request.webUser)?.signedIn
            switch error {
            case .notFound:
                return WebPages.error(
                    .notFound,
                    "Not found",
                    "There is nothing here, or you hold no role in it.",
                    signedIn: signedIn
                )
            case .forbidden(let reason):
                return WebPages.error(.forbidden, "Not allowed", reason, signedIn: signedIn)
            }
        }
    }
}
