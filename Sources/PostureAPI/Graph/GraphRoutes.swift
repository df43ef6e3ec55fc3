import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The Graph-compatible secure-score API under `/v1.0/security` and `/beta/security`. The caller's
/// token names the organization, as a Graph token names its tenant.
struct GraphRoutes {
    let dependencies: APIDependencies
    let version: String

    var service: PostureService { dependencies.service }

    func register(on routes: any RoutesBuilder) {
        let security = routes.grouped("security")
        let scores = security.grouped("secureScores")
        scores.get(use: listSecureScores)
        scores.get("$count", use: countSecureScores)
        scores.get(":id", use: getSecureScore)
        let profiles = security.grouped("secureScoreControlProfiles")
        profiles.get(use: listProfiles)
        profiles.get("$count", use: countProfiles)
        profiles.get(":id", use: getProfile)
        profiles.patch(":id", use: patchProfile)

        // Graph documents no other methods on these resources.
        func refuse(allowing allowed: [HTTPMethod]) -> @Sendable (Request) async throws -> Response {
            { request in
                throw APIError.methodNotAllowed(
                    "\(request.method.rawValue) is not supported on this resource",
                    allow: allowed
                )
            }
        }
        for method in [HTTPMethod.POST, .PUT, .DELETE, .PATCH] {
            scores.on(method, use: refuse(allowing: [.GET]))
            scores.on(method, ":id", use: refuse(allowing: [.GET]))
            profiles.on(method, use: refuse(allowing: [.GET]))
        }
        for method in [HTTPMethod.POST, .PUT, .DELETE] {
            profiles.on(method, ":id", use: refuse(allowing: [.GET, .PATCH]))
        }
    }

    /// Graph tokens name one tenant. A caller with roles in several organizations picks one with
    /// `?organization=` (also accepted from others); an organization it has no role in answers 404.
    func organizationID(_ request: Request, for operation: AccessOperation = .read) throws -> OrganizationID {
        let principal = try request.principal
        let text: String
        if let chosen = request.queryValue("organization"), !chosen.isEmpty {
            text = chosen
        } else if let only = principal.onlyOrganization {
            text = only
        } else {
            throw APIError.badRequest(
                "this token covers several organizations; name one with ?organization=ID",
                target: "organization"
            )
        }
        let id = OrganizationID(text)
        try request.authorize(operation, organizationID: id)
        return id
    }

    func context(_ request: Request, _ entitySet: String) -> String {
        "\(request.baseURL(dependencies.publicBaseURL))/\(version)/$metadata#security/\(entitySet)"
    }

    // MARK: secureScores

    @Sendable func listSecureScores(_ request: Request) async throws -> Response {
        if let response = try await newestSecureScore(request) { return response }
        let (page, query, organizationID) = try await secureScorePage(request)
        request.cacheable(until: dependencies.endOfToday)
        return collection(request, "secureScores", page: page, query: query, extra: organizationID.rawValue)
    }

    @Sendable func countSecureScores(_ request: Request) async throws -> Response {
        let (page, _, _) = try await secureScorePage(request, countOnly: true)
        request.cacheable(until: dependencies.endOfToday)
        return JSONResponse.text(String(page.totalCount))
    }

    /// `$top=1` alone (with `$select` or not): the newest entry, the read dashboards and scripts
    /// make most, from the stored state in one query with today's `controlScores` as rendered
    /// when the state was stored. Nil when the query asks for more or the stored state cannot
    /// answer alone; the general path then gives the same entry.
    func newestSecureScore(_ request: Request) async throws -> Response? {
        let organizationID = try organizationID(request)
        let query = try ODataQuery.parse(request.queryParameters, schema: GraphEntities.secureScoreSchema)
        guard query.top == 1, query.skip == 0, query.filter == nil, query.orderBy.isEmpty, !query.count,
            let newest = try await service.newestSecureScore(organizationID)
        else { return nil }
        func average(_ filter: CustomComparison) async throws -> CohortDay? {
            let days = try await service.cohortDays(filter, from: newest.day, to: newest.day)
            return days.first { $0.day == newest.day }
        }
        let band = GraphEntities.band(licensed: newest.licensedUserCount, active: newest.activeUserCount)
        let entity = GraphEntities.secureScore(
            .init(newest),
            organization: newest.organization,
            enabledServices: newest.enabledServices,
            cohorts: GraphEntities.cohorts(
                all: try await average(CustomComparison()),
                band: band,
                bandDay: try await average(band.comparison)
            ),
            controlScores: .rendered(newest.controlScores)
        )
        request.cacheable(until: dependencies.endOfToday)
        let page = ODataPage(items: [select(entity, query)], totalCount: 1, nextSkip: nil, nextTop: nil)
        return collection(request, "secureScores", page: page, query: query, extra: organizationID.rawValue)
    }

    /// Plain newest-first paging runs in the database; `$filter` and `$orderby` need every
    /// snapshot built and are applied in memory.
    func secureScorePage(
        _ request: Request,
        countOnly: Bool = false
    ) async throws -> (ODataPage, ODataQuery, OrganizationID) {
        let organizationID = try organizationID(request)
        let organization = try await service.organization(organizationID)
        let query = try ODataQuery.parse(request.queryParameters, schema: GraphEntities.secureScoreSchema)
        if query.filter == nil && query.orderBy.isEmpty {
            let total = try await service.snapshotCount(organizationID)
            if countOnly {
                return (ODataPage(items: [], totalCount: total, nextSkip: nil, nextTop: nil), query, organizationID)
            }
            let wanted = min(query.top ?? Int.max, dependencies.graphPageSize)
            let snapshots = try await service.snapshotPage(organization, offset: query.skip, limit: wanted)
            let items = try await entities(snapshots, organization: organization).map { select($0, query) }
            let end = query.skip + items.count
            let limit = query.top.map { min(total, query.skip + $0) } ?? total
            let more = end < limit
            let page = ODataPage(
                items: items,
                totalCount: total,
                nextSkip: more ? end : nil,
                nextTop: more ? query.top.map { $0 - items.count } : nil
            )
            return (page, query, organizationID)
        }
        // Every day is built to filter or sort: the caller pays for each.
        try request.spendWork(
            try await service.snapshotCount(organizationID),
            budget: dependencies.workBudget,
            now: dependencies.clock.now()
        )
        let snapshots = try await service.snapshots(organizationID)
        let all = try await entities(snapshots, organization: organization)
        return (query.apply(to: all, pageSize: dependencies.graphPageSize), query, organizationID)
    }

    func select(_ object: JSONObject, _ query: ODataQuery) -> JSONObject {
        guard let select = query.select else { return object }
        return object.selecting(["id"] + select)
    }

    func entities(_ snapshots: [DailySnapshot], organization: StoredOrganization) async throws -> [JSONObject] {
        guard let first = snapshots.map(\.day).min(), let last = snapshots.map(\.day).max() else { return [] }
        func byDay(_ filter: CustomComparison) async throws -> [CivilDay: CohortDay] {
            let days = try await service.cohortDays(filter, from: first, to: last)
            return Dictionary(days.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let all = try await byDay(CustomComparison())
        var bands: [SeatBand: [CivilDay: CohortDay]] = [:]
        for snapshot in snapshots {
            let band = SeatBand.band(
                forSeats: SeatBand.seats(licensed: snapshot.licensedUserCount, active: snapshot.activeUserCount)
            )
            if bands[band] == nil { bands[band] = try await byDay(band.comparison) }
        }
        return snapshots.map { snapshot in
            GraphEntities.secureScore(
                snapshot,
                organization: organization,
                catalog: service.catalog,
                cohorts: GraphEntities.cohorts(for: snapshot, all: all, bands: bands)
            )
        }
    }

    @Sendable func getSecureScore(_ request: Request) async throws -> Response {
        let organizationID = try organizationID(request)
        let id = request.parameters.get("id") ?? ""
        let query = try ODataQuery.parse(request.queryParameters, schema: GraphEntities.secureScoreSchema)
        guard let parsed = GraphEntities.parseSecureScoreID(id), parsed.organizationID == organizationID.rawValue,
            let snapshot = try await service.snapshot(organizationID, day: parsed.day)
        else { throw APIError.notFound("no secureScore with id \"\(id)\"") }
        let organization = try await service.organization(organizationID)
        let object = select(try await entities([snapshot], organization: organization)[0], query)
        request.cacheable(until: dependencies.endOfToday)
        return JSONResponse.make(.object(withContext(object, context(request, "secureScores/$entity"))))
    }

    // MARK: secureScoreControlProfiles

    func profiles(_ organizationID: OrganizationID, _ request: Request) async throws -> [JSONObject] {
        let report = try await service.currentReport(organizationID)
        request.cacheable(until: report.validUntil)
        let history = Dictionary(grouping: try await service.statusHistory(organizationID), by: \.actionID)
        return service.catalog.actions.compactMap { action in
            report[action.id].map {
                GraphEntities.controlProfile(
                    $0,
                    organizationID: organizationID.rawValue,
                    history: history[action.id] ?? []
                )
            }
        }
    }

    @Sendable func listProfiles(_ request: Request) async throws -> Response {
        let organizationID = try organizationID(request)
        let query = try ODataQuery.parse(request.queryParameters, schema: GraphEntities.profileSchema)
        let page = query.apply(
            to: try await profiles(organizationID, request),
            pageSize: max(dependencies.graphPageSize, 200)
        )
        return collection(
            request,
            "secureScoreControlProfiles",
            page: page,
            query: query,
            extra: organizationID.rawValue
        )
    }

    @Sendable func countProfiles(_ request: Request) async throws -> Response {
        let organizationID = try organizationID(request)
        let query = try ODataQuery.parse(request.queryParameters, schema: GraphEntities.profileSchema)
        return JSONResponse.text(
            String(query.apply(to: try await profiles(organizationID, request), pageSize: 1).totalCount)
        )
    }

    @Sendable func getProfile(_ request: Request) async throws -> Response {
        let organizationID = try organizationID(request)
        let query = try ODataQuery.parse(request.queryParameters, schema: GraphEntities.profileSchema)
        return JSONResponse.make(
            .object(try await profileEntity(request, organizationID: organizationID, query: query))
        )
    }

    func profileEntity(
        _ request: Request,
        organizationID: OrganizationID,
        query: ODataQuery?
    ) async throws -> JSONObject {
        let id = request.parameters.get("id") ?? ""
        guard let action = service.catalog[id] else {
            throw APIError.notFound("no secureScoreControlProfile with id \"\(id)\"")
        }
        let report = try await service.currentReport(organizationID)
        request.cacheable(until: report.validUntil)
        let history = try await service.statusHistory(organizationID, actionID: ActionID(action.id))
        var object = GraphEntities.controlProfile(
            report[action.id]!,
            organizationID: organizationID.rawValue,
            history: history
        )
        if let query { object = select(object, query) }
        return withContext(object, context(request, "secureScoreControlProfiles/$entity"))
    }

    @Sendable func patchProfile(_ request: Request) async throws -> Response {
        let organizationID = try organizationID(request, for: .changeState)
        let id = request.parameters.get("id") ?? ""
        guard let action = service.catalog[id] else {
            throw APIError.notFound("no secureScoreControlProfile with id \"\(id)\"")
        }
        let body = try request.jsonBody()
        let current = try await service.statuses(organizationID).first { $0.actionID == action.id }
        let record = try GraphStatePatch.decode(body, actionID: action.id, current: current)
        try await service.setStatus(organizationID, record, actor: request.actor, requestID: request.id)
        let prefer = request.headers[.init("Prefer")].joined(separator: ",").lowercased()
        guard prefer.contains("return=representation") else { return Response(status: .noContent) }
        let object = try await profileEntity(request, organizationID: organizationID, query: nil)
        return JSONResponse.make(.object(object))
    }

    // MARK: collections

    /// Entities carry their `@odata.context` first, as Graph sends it.
    func withContext(_ object: JSONObject, _ context: String) -> JSONObject {
        JSONObject([("@odata.context", JSONValue.string(context))] + object.pairs.map { ($0.key, $0.value) })
    }

    func collection(
        _ request: Request,
        _ entitySet: String,
        page: ODataPage,
        query: ODataQuery,
        extra organizationID: String
    )
        -> Response
    {
        var envelope = JSONObject([("@odata.context", .string(context(request, entitySet)))])
        if query.count { envelope["@odata.count"] = .int(page.totalCount) }
        if let parameters = query.nextLinkParameters(for: page) {
            var all = parameters
            if (try? request.principal.onlyOrganization) == nil { all.append(("organization", organizationID)) }
            let encoded = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            envelope["@odata.nextLink"] = .string(
                "\(request.baseURL(dependencies.publicBaseURL))/\(version)/security/\(entitySet)?\(encoded)"
            )
        }
        envelope["value"] = .array(page.items.map(JSONValue.object))
        return JSONResponse.make(.object(envelope))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
