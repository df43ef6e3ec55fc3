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
        organization.post("actions", ":action", "share", use: share)
        organization.post("actions", ":action", "tags", use: addTag)
        organization.post("actions", ":action", "tags", "delete", use: removeTag)
        organization.get("history", use: history)
        organization.get("metrics", use: metrics)
        ReportRoutes(dependencies: dependencies).register(on: organization)
        SettingsRoutes(dependencies: dependencies).register(on: organization)
    }

    @Sendable func switchOrganization(_ request: Request) async throws -> Response {
        let id = request.query[String.self, at: "org"] ?? ""
        let tab = Layout.OrganizationNav.Tab.allCases.first { $0.path == request.query[String.self, at: "tab"] }
        return request.redirect(to: "/orgs/\(WebPath.segment(id))\(tab?.path ?? "")")
    }

    // MARK: overview

    @Sendable func overview(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .overview, service: service)
        return WebPages.html(try await OverviewView.load(context, service: service, now: now).render())
    }

    // MARK: improvement actions

    /// The list for the request's query (the page, its CSV and the list behind a flyout).
    func listView(
        _ request: Request,
        context: OrganizationContext,
        report: ScoreReport
    ) async throws -> (view: ActionsView, listed: [ActionScore], tags: [String: [String]]) {
        try await ActionsView.load(
            context,
            parameters: Self.parameters(request, ActionsView.parameterNames),
            report: report,
            service: service
        )
    }

    @Sendable func actions(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .actions, service: service)
        let report = try await service.currentReport(of: context.organization)
        return WebPages.html(try await listView(request, context: context, report: report).0.render())
    }

    @Sendable func actionsCSV(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .actions, service: service)
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

    static let savedMessages = [
        "status": "Status saved.", "tag": "Tag added.", "untag": "Tag removed.",
        "shared": "Shared: it leaves within a second; the list below shows how it went.",
    ]

    func renderDetail(
        _ request: Request,
        message: String?,
        errors: [String],
        status: HTTPStatus = .ok
    ) async throws
        -> Response
    {
        let context = try await OrganizationContext.resolve(request, .actions, service: service)
        let actionID = request.parameters.get("action") ?? ""
        // One score serves both the list behind the flyout and the flyout itself.
        let report = try await service.currentReport(of: context.organization)
        guard let score = report[actionID] else { throw WebError.notFound }
        var (view, _, tags) = try await listView(request, context: context, report: report)
        view.detail = try await ActionDetailView.load(
            context,
            score: score,
            tags: tags,
            base: request.baseURL(dependencies.publicBaseURL),
            message: message,
            errors: errors,
            service: service,
            now: now
        )
        return WebPages.html(view.render(), status: status)
    }

    struct StatusForm: Content {
        var status: String?
        var note: String?
        var owner: String?
        var targetDate: String?
        var expiresAt: String?
    }

    @Sendable func setStatus(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .actions,
            service: service,
            operation: .changeState
        )
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
        let context = try await OrganizationContext.resolve(
            request,
            .actions,
            service: service,
            operation: .changeState
        )
        let actionID = request.parameters.get("action") ?? ""
        let tag = ((try? request.content.decode(TagForm.self))?.tag ?? "").trimmingCharacters(in: .whitespaces)
        if let problem = TextLimits.problem(.tag, tag, required: true) {
            return try await renderDetail(request, message: nil, errors: [problem], status: .badRequest)
        }
        do {
            if add {
                _ = try await service.addTag(
                    context.id,
                    actionID: ActionID(actionID),
                    tag: tag,
                    actor: context.web.user.username,
                    requestID: request.id
                )
            } else {
                _ = try await service.removeTag(
                    context.id,
                    actionID: ActionID(actionID),
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

    @Sendable func history(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .history, service: service)
        let (interval, error) = range(request)
        let view = try await HistoryView.load(
            context,
            interval: interval,
            error: error,
            parameters: Self.parameters(request, ["category", "cause", "start"]),
            service: service
        )
        return WebPages.html(view.render(), status: error == nil ? .ok : .badRequest)
    }

    @Sendable func metrics(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .metrics, service: service)
        let (interval, error) = range(request)
        let view = try await MetricsView.load(
            context,
            interval: interval,
            error: error,
            start: request.query[Int.self, at: "start"] ?? 0,
            service: service
        )
        return WebPages.html(view.render(), status: error == nil ? .ok : .badRequest)
    }

    /// The named query parameters that are present.
    static func parameters(_ request: Request, _ names: [String]) -> [String: String] {
        names.reduce(into: [:]) { result, name in result[name] = request.query[String.self, at: name] }
    }
}

/// Refusals of dashboard pages, rendered as HTML by ``WebErrorMiddleware``.
enum WebError: Error {
    case notFound
    case forbidden(String)
    /// A request the page cannot take, with what to change.
    case badRequest(String)
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
            case .badRequest(let reason):
                return WebPages.error(.badRequest, "Cannot show that", reason, signedIn: signedIn)
            }
        }
    }
}
