import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The native API under `/api/v1`: everything Graph does not cover. Described by
/// `/api/v1/openapi.json`; keep ``OpenAPIDocument`` in step with the routes registered here.
struct NativeRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on routes: any RoutesBuilder) {
        BulkStatusRoutes(dependencies: dependencies).register(on: routes)
        ConnectionAppRoutes(dependencies: dependencies).register(on: routes)
        ReportRoutes(dependencies: dependencies).registerInstance(on: routes)
        let instance = routes.grouped("instance")
        ChannelRoutes(dependencies: dependencies, instance: true).register(on: instance)
        AlertRoutes(dependencies: dependencies, instance: true).register(on: instance)
        let organizations = routes.grouped("organizations")
        organizations.get(use: listOrganizations)
        organizations.post(use: createOrganization)
        let organization = organizations.grouped(":org")
        organization.get(use: getOrganization)
        organization.patch(use: updateOrganization)
        organization.delete(use: deleteOrganization)
        organization.get("score", use: score)
        organization.get("actions", use: actions)
        organization.get("actions", ":action", use: action)
        organization.put("actions", ":action", "status", use: setStatus)
        organization.put("actions", ":action", "tags", ":tag", use: addTag)
        organization.delete("actions", ":action", "tags", ":tag", use: removeTag)
        organization.get("measurements", use: measurements)
        organization.put("measurements", use: putMeasurements)
        organization.get("plan", use: plan)
        organization.get("changes", use: changes)
        organization.get("snapshots", use: snapshots)
        organization.get("audit", use: audit)
        TrendRoutes(dependencies: dependencies).register(on: organization)
        ExclusionRoutes(dependencies: dependencies).register(on: organization)
        ConnectionRoutes(dependencies: dependencies).register(on: organization)
        ChannelRoutes(dependencies: dependencies).register(on: organization)
        AlertRoutes(dependencies: dependencies).register(on: organization)
        ShareRoutes(dependencies: dependencies).register(on: organization)
        TicketRoutes(dependencies: dependencies).register(on: organization)
        ReportRoutes(dependencies: dependencies).register(on: organization)
        ReportScheduleRoutes(dependencies: dependencies).register(on: organization)
        EvidenceRoutes(dependencies: dependencies).register(on: organization)
        MicrosoftScoreRoutes(dependencies: dependencies).register(on: organization)
    }

    // MARK: organizations

    /// A page of the organizations the caller may read, with their stored scores: searched
    /// (`search`), ordered (`sort`, `order`) and paged (`limit`, then `nextLink` with an opaque
    /// `after` cursor) in SQL, so a page costs the same whatever the number of organizations.
    @Sendable func listOrganizations(_ request: Request) async throws -> Response {
        let principal = try request.principal
        let query = try OrganizationListParameters.parse(request)
        let access = principal.access
        let visible: [String]? =
            access.instanceAdministrator
            ? (principal.decide(.read, in: "") == .allowed ? nil : [])
            : access.roles.keys.filter { principal.decide(.read, in: OrganizationID($0)) == .allowed }.sorted()
        let page = try await service.organizationPage(query, visible: visible)
        var next: String?
        if let cursor = page.next {
            var components = URLComponents()
            components.path = request.url.path
            components.queryItems = [
                URLQueryItem(name: "search", value: query.search.isEmpty ? nil : query.search),
                URLQueryItem(name: "connection", value: query.connection?.rawValue),
                URLQueryItem(name: "sort", value: query.sort.rawValue),
                URLQueryItem(name: "order", value: query.descending ? "desc" : "asc"),
                URLQueryItem(name: "limit", value: String(query.limit)),
                URLQueryItem(name: "after", value: cursor.token),
            ].filter { $0.value != nil }
            next = components.string
        }
        return try JSONResponse.encode(
            OrganizationList(value: page.rows.map(OrganizationDTO.init(listed:)), total: page.total, nextLink: next)
        )
    }

    @Sendable func createOrganization(_ request: Request) async throws -> Response {
        let principal = try request.principal
        if case .forbidden(let reason) = AccessPolicy.decideCreate(access: principal.access, scopes: principal.scopes) {
            throw APIError.forbidden(reason)
        }
        let (organization, services) = try OrganizationDTO.decode(try request.jsonBody(), pathID: nil)
        try await service.createOrganization(
            organization,
            enabledServices: services ?? [],
            actor: request.actor,
            requestID: request.id
        )
        let stored = try await service.organization(OrganizationID(organization.id))
        return try JSONResponse.encode(OrganizationDTO(stored), status: .created)
    }

    @Sendable func getOrganization(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        return try JSONResponse.encode(OrganizationDTO(try await service.organization(id)))
    }

    @Sendable func updateOrganization(_ request: Request) async throws -> Response {
        let id = try request.authorize(.updateOrganization)
        let existing = try await service.organization(id)
        let (organization, services) = try OrganizationDTO.decode(
            try request.jsonBody(),
            pathID: id.rawValue,
            existing: existing.organization
        )
        try await service.updateOrganization(
            organization,
            enabledServices: services ?? existing.enabledServices,
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(OrganizationDTO(try await service.organization(id)))
    }

    @Sendable func deleteOrganization(_ request: Request) async throws -> Response {
        let id = try request.authorize(.deleteOrganization)
        guard try await service.deleteOrganization(id, actor: request.actor, requestID: request.id) else {
            throw ServiceError.organizationNotFound(id.rawValue)
        }
        return Response(status: .noContent)
    }

    // MARK: scores and actions

    @Sendable func score(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let (json, validUntil) = try await service.currentScoreJSON(id)
        request.cacheable(until: validUntil)
        return JSONResponse.parts(json)
    }

    @Sendable func actions(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let report = try await service.currentReport(id)
        request.cacheable(until: report.validUntil)
        let tags = try await service.tags(id)
        var selected: [ActionListQuery.Filter: String] = [:]
        for filter in ActionListQuery.Filter.allCases {
            if let value = request.queryValue(filter.rawValue) { selected[filter] = value }
        }
        if let name = selected[.category],
            !ActionCategory.allCases.contains(where: { $0.rawValue.lowercased() == name.lowercased() })
        {
            throw APIError.badRequest(
                "category must be one of \(NodeReader.choices(ActionCategory.self)), not \"\(name.prefix(64))\"",
                target: "category"
            )
        }
        let query: ActionListQuery
        do {
            query = try ActionListQuery(
                search: request.queryValue("search") ?? "",
                selected: selected,
                includeHidden: request.queryValue("includeHidden").map { $0.lowercased() == "true" } ?? false
            )
        } catch {
            throw APIError.badRequest(error.description, target: "search")
        }
        // The same actions the dashboard lists for the same question, in the report's order.
        let ids = Set(query.apply(report.actions, tags: tags).map(\.action.id))
        let document = ScoreDocument(report: report, organization: nil)
        let listed = document.actions.filter { ids.contains($0.id) }
        return try JSONResponse.encode(
            ActionList(
                asOf: document.asOf,
                value: listed.map { ActionWithTags(action: $0, tags: tags[$0.id] ?? []) }
            )
        )
    }

    @Sendable func action(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let actionID = try knownAction(request)
        let report = try await service.currentReport(id)
        request.cacheable(until: report.validUntil)
        let document = ScoreDocument(report: report, organization: nil)
        guard let action = document.actions.first(where: { $0.id == actionID.rawValue }) else {
            throw ServiceError.actionNotFound(actionID.rawValue)
        }
        let history = try await service.statusHistory(id, actionID: actionID)
        let changes = try await service.changes(id, actionID: actionID)
        let tags = try await service.tags(id)[actionID.rawValue] ?? []
        return try JSONResponse.encode(
            ActionDetail(
                action: action,
                tags: tags,
                statusHistory: history.map(StatusDTO.init),
                changes: changes.map(ChangeDTO.init)
            )
        )
    }

    func knownAction(_ request: Request) throws -> ActionID {
        let actionID = request.parameters.get("action") ?? ""
        guard service.catalog.contains(actionID) else { throw ServiceError.actionNotFound(actionID) }
        return ActionID(actionID)
    }

    @Sendable func setStatus(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let actionID = try knownAction(request)
        let body = try request.jsonBody()
        guard case .object(var members) = body.value else {
            throw APIError.badRequest("the body must be a JSON object")
        }
        if let given = members.first(where: { $0.key == "actionId" })?.node.value, given != .string(actionID.rawValue) {
            throw APIError.badRequest("actionId in the body must match the path", target: "actionId")
        }
        members.removeAll { $0.key == "actionId" }
        members.append((key: "actionId", node: SourceNode(.string(actionID.rawValue), line: body.line)))
        var reader = NodeReader(file: "body", entry: nil, node: SourceNode(.object(members), line: body.line))
        guard
            let record = AssessmentDecoder.decodeStatus(
                &reader,
                catalog: service.catalog,
                asOf: dependencies.clock.now()
            )
        else { throw DiagnosticList(reader.collected) }
        let report = try await service.setStatus(id, record, actor: request.actor, requestID: request.id)
        let document = ScoreDocument(report: report, organization: nil)
        return try JSONResponse.encode(ScoreSummary(document, actionID: actionID.rawValue))
    }

    @Sendable func addTag(_ request: Request) async throws -> Response {
        let (id, actionID, tag) = try tagTarget(request)
        let added = try await service.addTag(
            id,
            actionID: actionID,
            tag: tag,
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(
            TagList(actionId: actionID.rawValue, tags: try await service.tags(id)[actionID.rawValue] ?? []),
            status: added ? .created : .ok
        )
    }

    @Sendable func removeTag(_ request: Request) async throws -> Response {
        let (id, actionID, tag) = try tagTarget(request)
        guard try await service.removeTag(id, actionID: actionID, tag: tag, actor: request.actor, requestID: request.id)
        else {
            throw APIError.notFound("\(actionID) has no tag \"\(tag)\"")
        }
        return Response(status: .noContent)
    }

    func tagTarget(_ request: Request) throws -> (OrganizationID, ActionID, String) {
        let id = try request.authorize(.changeState)
        let actionID = try knownAction(request)
        let tag = (request.parameters.get("tag") ?? "").trimmingCharacters(in: .whitespaces)
        if let problem = TextLimits.problem(.tag, tag, required: true) {
            throw APIError.badRequest(problem, target: "tag")
        }
        return (id, actionID, tag)
    }

    // MARK: measurements

    @Sendable func measurements(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        _ = try await service.organization(id)
        return try JSONResponse.encode(
            MeasurementList(value: try await service.measurements(id).map(MeasurementDTO.init))
        )
    }

    /// Batch upsert: the `measurements` array of `posture assess`. Idempotent; all or nothing;
    /// a measurement older than the stored one of its action is listed as ignored.
    @Sendable func putMeasurements(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        _ = try await service.organization(id)
        let measurements = try MeasurementDTO.decodeBatch(try request.jsonBody(), catalog: service.catalog)
        let (report, older) = try await service.recordObservations(
            id,
            measurements,
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(
            MeasurementsResult(report, ignored: older)
        )
    }

    // MARK: planning and history

    @Sendable func plan(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        guard let text = request.queryValue("target"), let target = Double(text), target.isFinite, target >= 0,
            target <= 100
        else {
            throw APIError.badRequest(
                "target must be a percentage between 0 and 100, e.g. ?target=60",
                target: "target"
            )
        }
        let report = try await service.currentReport(id)
        request.cacheable(until: report.validUntil)
        let plan = service.whatIfPlan(id, report: report, targetPercentage: target)
        let document = ScoreDocument(report: report, organization: nil, plan: plan)
        return try JSONResponse.encode(PlanResponse(document))
    }

    @Sendable func changes(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        _ = try await service.organization(id)
        let range = try DayRange.parse(request, now: dependencies.clock.now())
        var filter = ChangeFilter.all
        if let text = request.queryValue("cause") {
            guard let chosen = ChangeFilter(rawValue: text) else {
                throw APIError.badRequest(
                    "cause must be one of \(ChangeFilter.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"",
                    target: "cause"
                )
            }
            filter = chosen
        }
        let actionID = request.queryValue("actionId").map(ActionID.init(rawValue:))
        let from = range.from?.start
        let to = range.to?.adding(days: 1).start
        // Without `limit` or `after` the whole list, as before; with them a page, oldest first,
        // read from the cursor on. `after` is the sequence of the last entry of the previous page:
        // the log only grows at its end, so it is a stable cursor.
        guard request.queryValue("limit") != nil || request.queryValue("after") != nil else {
            let entries = try await service.changes(id, actionID: actionID, from: from, to: to).filter(filter.matches)
            return try JSONResponse.encode(ChangeList(value: entries.map(ChangeDTO.init)))
        }
        let after = try PageParameter.parse(request, "after", default: 0, maximum: Int(Int32.max))
        let limit = try PageParameter.limit(request)
        let page = try await service.changePage(
            id,
            actionID: actionID,
            from: from,
            to: to,
            after: Int64(after),
            limit: limit,
            matching: filter.matches
        )
        var next: String?
        if page.more, let last = page.entries.last {
            var items = ["from", "to", "actionId", "cause"].compactMap { name in
                request.queryValue(name).map { URLQueryItem(name: name, value: $0) }
            }
            items += [
                URLQueryItem(name: "after", value: String(last.sequence)),
                URLQueryItem(name: "limit", value: String(limit)),
            ]
            var components = URLComponents()
            components.path = request.url.path
            components.queryItems = items
            next = components.string
        }
        return try JSONResponse.encode(ChangeList(value: page.entries.map { ChangeDTO($0.entry) }, nextLink: next))
    }

    @Sendable func snapshots(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        _ = try await service.organization(id)
        let range = try DayRange.parse(request, now: dependencies.clock.now())
        // With `limit` or `after` a page, newest first: `after` is the last day of the previous
        // page, and the next page holds the days before it.
        if request.queryValue("limit") != nil || request.queryValue("after") != nil {
            let limit = try PageParameter.limit(request)
            var to = range.to
            if let text = request.queryValue("after") {
                guard let after = CivilDay(text) else {
                    throw APIError.badRequest(
                        "after must be a day like 2026-11-28, as nextLink gives it",
                        target: "after"
                    )
                }
                to = min(to ?? after, after.adding(days: -1))
            }
            try request.spendWork(limit, budget: dependencies.workBudget, now: dependencies.clock.now())
            let page = try await service.snapshots(id, from: range.from, to: to, limit: limit + 1)
            var next: String?
            if page.count > limit, let last = page.prefix(limit).last {
                var items = ["from", "to"].compactMap { name in
                    request.queryValue(name).map { URLQueryItem(name: name, value: $0) }
                }
                items += [
                    URLQueryItem(name: "limit", value: String(limit)),
                    URLQueryItem(name: "after", value: last.day.description),
                ]
                var components = URLComponents()
                components.path = request.url.path
                components.queryItems = items
                next = components.string
            }
            let shown = page.prefix(limit).map(SnapshotDTO.init)
            return try JSONResponse.encode(SnapshotList(value: Array(shown), nextLink: next))
        }
        let days =
            if let from = range.from, let to = range.to {
                to.daysSinceEpoch - from.daysSinceEpoch + 1
            } else {
                try await service.snapshotCount(id)
            }
        try request.spendWork(days, budget: dependencies.workBudget, now: dependencies.clock.now())
        let snapshots = try await service.snapshots(id, from: range.from, to: range.to)
        return try JSONResponse.encode(SnapshotList(value: snapshots.map(SnapshotDTO.init)))
    }
}

extension NativeRoutes {
    /// The organization's audit entries, oldest first, a page at a time (readers of the
    /// organization may see them): `?after=SEQUENCE&limit=N`, with `nextLink` while more remain.
    @Sendable func audit(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        _ = try await service.organization(id)
        let after = try PageParameter.parse(request, "after", default: 0, maximum: Int(Int32.max))
        let limit = try PageParameter.parse(
            request,
            "limit",
            default: AuditList.defaultLimit,
            minimum: 1,
            maximum: AuditList.maximumLimit
        )
        let page = try await service.auditPage(organizationID: id, after: after, limit: limit)
        let next =
            page.count == limit ? page.last.map { "\(request.url.path)?after=\($0.sequence)&limit=\(limit)" } : nil
        return try JSONResponse.encode(AuditList(value: page, nextLink: next))
    }
}

struct AuditList: Encodable {
    static let defaultLimit = 500
    static let maximumLimit = 1_000

    var value: [AuditEntry]
    /// A relative link to the next page, absent on the last one.
    var nextLink: String?
}

/// The organization list's query parameters, each refused with a message naming it.
enum OrganizationListParameters {
    static let defaultLimit = 100

    static func parse(_ request: Request) throws -> OrganizationListQuery {
        let sortText = request.queryValue("sort") ?? OrganizationListQuery.Sort.name.rawValue
        guard let sort = OrganizationListQuery.Sort(rawValue: sortText) else {
            throw APIError.badRequest(
                "sort must be one of \(OrganizationListQuery.Sort.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(sortText.prefix(64))\"",
                target: "sort"
            )
        }
        let order = request.queryValue("order") ?? "asc"
        guard order == "asc" || order == "desc" else {
            throw APIError.badRequest("order must be asc or desc, not \"\(order.prefix(64))\"", target: "order")
        }
        let limit = try PageParameter.parse(
            request,
            "limit",
            default: defaultLimit,
            minimum: 1,
            maximum: ListPage.maximumSize
        )
        var connection: OrganizationListQuery.ConnectionFilter?
        if let text = request.queryValue("connection") {
            guard let filter = OrganizationListQuery.ConnectionFilter(rawValue: text) else {
                throw APIError.badRequest(
                    "connection must be failing or stale, not \"\(text.prefix(64))\"",
                    target: "connection"
                )
            }
            connection = filter
        }
        var after: OrganizationListCursor?
        if let token = request.queryValue("after") {
            guard let cursor = OrganizationListCursor(token: token) else {
                throw APIError.badRequest("after is not a cursor from this list's nextLink", target: "after")
            }
            after = cursor
        }
        do {
            return try OrganizationListQuery(
                search: request.queryValue("search") ?? "",
                sort: sort,
                descending: order == "desc",
                limit: limit,
                after: after,
                connection: connection
            )
        } catch {
            let target =
                switch error {
                case .searchTooLong, .searchHasControlCharacters: "search"
                case .limitOutOfRange: "limit"
                case .cursorForAnotherOrder: "after"
                }
            throw APIError.badRequest(error.description, target: target)
        }
    }
}

/// A whole-number query parameter with a default and a maximum, refused with a message naming it.
enum PageParameter {
    /// `limit` of a list read a page at a time: 1 to ``ListPage/maximumSize``, by default
    /// ``ListPage/defaultSize``.
    static func limit(_ request: Request) throws -> Int {
        try parse(request, "limit", default: ListPage.defaultSize, minimum: 1, maximum: ListPage.maximumSize)
    }

    static func parse(
        _ request: Request,
        _ name: String,
        default value: Int,
        minimum: Int = 0,
        maximum: Int
    ) throws -> Int {
        guard let text = request.queryValue(name) else { return value }
        guard text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), !text.isEmpty,
            let number = Int(text), number >= minimum, number <= maximum
        else {
            throw APIError.badRequest(
                "\(name) must be a whole number between \(minimum) and \(maximum)",
                target: name
            )
        }
        return number
    }
}

/// `from` / `to` query parameters (inclusive days); refused when malformed, inverted, in the
/// future or longer than ten years.
struct DayRange {
    var from: CivilDay?
    var to: CivilDay?

    /// The bounds a request gave, each optional, checked by ``DayInterval``'s rules.
    static func parse(_ request: Request, now: Date) throws -> DayRange {
        do {
            let from = try DayInterval.day(request.queryValue("from"), field: "from")
            let to = try DayInterval.day(request.queryValue("to"), field: "to")
            try DayInterval.check(from: from, to: to, today: CivilDay(now))
            return DayRange(from: from, to: to)
        } catch {
            throw Self.refusal(error)
        }
    }

    /// A complete range: `to` defaults to today and `from` to `defaultDays` days ending at `to`.
    static func interval(_ request: Request, now: Date, defaultDays: Int = 90) throws -> DayInterval {
        do {
            return try DayInterval.resolve(
                from: request.queryValue("from"),
                to: request.queryValue("to"),
                today: CivilDay(now),
                defaultDays: defaultDays
            )
        } catch {
            throw Self.refusal(error)
        }
    }

    static func refusal(_ problem: DayInterval.Problem) -> APIError {
        let message =
            switch problem {
            case .malformed(let field, let text): "\(field) must be a day like 2026-11-28, not \"\(text.prefix(64))\""
            case .inverted(let from, let to): "from (\(from)) is after to (\(to))"
            case .inFuture(let to, let today): "to (\(to)) is in the future; the latest day is \(today)"
            case .tooLong: "the range may span at most ten years"
            }
        return APIError.badRequest(message, target: problem.field)
    }
}
