import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// An organization's Microsoft 365 connection. Read-write roles only, reading included: the
/// settings say which app reaches the tenant. The credential goes in and never comes out.
struct ConnectionRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("connection", use: get)
        organization.put("connection", use: put)
        organization.patch("connection", use: patch)
        organization.post("connection", "refresh", use: refresh)
        organization.delete("connection", use: remove)
        organization.post("connection", "rotate", use: rotate)
        organization.post("connection", "test", use: test)
    }

    struct CheckDTO: Encodable {
        struct Probe: Encodable {
            var resource: String
            var source: String
            var permission: String
            /// `granted`, `missing`, `notLicensed` or `failed`.
            var result: String
            var detail: String
        }
        var ready: Bool
        var signedIn: Bool
        var summary: String
        var missingPermissions: [String]
        var probes: [Probe]

        init(_ report: ConnectionCheckReport) {
            ready = report.isReady
            signedIn = report.signInProblem == nil
            summary = report.summary
            missingPermissions = report.missingPermissions
            probes = report.probes.map {
                Probe(
                    resource: $0.resource,
                    source: $0.sourceCode,
                    permission: $0.permission,
                    result: $0.outcome.code,
                    detail: $0.outcome.label
                )
            }
        }
    }

    /// Signs in with the stored connection and reads one item of each resource its sources need;
    /// 200 with the findings whether or not all is well (`ready` says which).
    @Sendable func test(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        // A test is up to a minute of outbound requests: it spends the caller's whole work budget,
        // so one caller cannot keep many running (429 with Retry-After meanwhile).
        _ = try await service.connection(id)  // 404 without a connection, before any budget is spent
        let budget = dependencies.workBudget
        try request.spendWork(Int(budget.capacity), budget: budget, now: dependencies.clock.now())
        return try JSONResponse.encode(CheckDTO(try await service.testConnection(id)))
    }

    struct ConnectionDTO: Encodable {
        var organizationId: String
        var tenantId: String
        var clientId: String
        var credential: String
        var cloud: String
        var sources: [String]
        var loginUrl: String
        var graphUrl: String
        var exchangeUrl: String
        /// Absent where the cloud offers no Defender for Endpoint API.
        var defenderUrl: String?
        var collectEveryMinutes: Int
        var createdAt: Date
        var createdBy: String
        var updatedAt: Date
        var credentialRotatedAt: Date
        var collection: CollectionDTO
        /// Through the instance-wide app: the address the tenant's administrator opens to grant
        /// consent, and when consent was seen (absent before).
        var consent: ConsentDTO?

        init(_ stored: StoredConnection, at now: Date, consentURL: String? = nil) {
            let settings = stored.settings
            organizationId = stored.organizationID.rawValue
            tenantId = settings.tenantID
            clientId = settings.clientID
            credential = settings.credentialKind.rawValue
            cloud = settings.cloud.rawValue
            sources = settings.sources.map(\.rawValue)
            loginUrl = settings.effectiveLoginURL
            graphUrl = settings.effectiveGraphURL
            exchangeUrl = settings.effectiveExchangeURL
            defenderUrl = settings.effectiveDefenderURL
            createdAt = stored.createdAt
            createdBy = stored.createdBy
            updatedAt = stored.updatedAt
            credentialRotatedAt = stored.credentialRotatedAt
            collectEveryMinutes = settings.schedule.intervalMinutes
            collection = CollectionDTO(stored, at: now)
            if settings.credentialKind == .instanceApp {
                consent = ConsentDTO(url: consentURL, grantedAt: stored.consentedAt)
            }
        }
    }

    struct ConsentDTO: Encodable {
        var url: String?
        var grantedAt: Date?
    }

    /// How the server's collections of the connection go. Instants never reached are absent.
    struct CollectionDTO: Encodable {
        /// `pending` (never collected), `healthy`, `failing` (retrying with back-off) or `stale`
        /// (no success for two intervals).
        var health: String
        /// A node is collecting it now.
        var running: Bool
        var nextRunAt: Date
        var lastAttemptAt: Date?
        var lastSuccessAt: Date?
        var lastFinishedAt: Date?
        var lastDurationSeconds: Double?
        var consecutiveFailures: Int
        var lastProblem: String?
        var resourcesCollected: Int?
        var resourcesFailed: [String: String]
        var measured: Int?

        init(_ stored: StoredConnection, at now: Date) {
            let state = stored.collection
            health = stored.health(at: now).rawValue
            running = state.isRunning(at: now)
            nextRunAt = state.nextRunAt
            lastAttemptAt = state.lastAttemptAt
            lastSuccessAt = state.lastSuccessAt
            lastFinishedAt = state.lastFinishedAt
            lastDurationSeconds = state.lastDuration.map { ($0 * 1000).rounded() / 1000 }
            consecutiveFailures = state.consecutiveFailures
            lastProblem = state.lastProblem
            resourcesCollected = state.resourcesCollected
            resourcesFailed = state.resourcesFailed
            measured = state.measured
        }
    }

    func document(_ stored: StoredConnection) -> ConnectionDTO {
        ConnectionDTO(stored, at: dependencies.clock.now())
    }

    /// The document with the consent address, which needs the request's public base.
    func document(_ stored: StoredConnection, _ request: Request) async throws -> ConnectionDTO {
        let url =
            stored.settings.credentialKind == .instanceApp
            ? try await service.consentURL(
                stored.organizationID,
                redirectURI: request.baseURL(dependencies.publicBaseURL) + AdminConsent.callbackPath
            ) : nil
        return ConnectionDTO(stored, at: dependencies.clock.now(), consentURL: url)
    }

    @Sendable func get(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        return try JSONResponse.encode(try await document(try await service.connection(id), request))
    }

    /// `{"tenantId", "clientId", "clientSecret" | "certificate", "cloud", "sources", "loginUrl", "graphUrl",
    /// "exchangeUrl", "defenderUrl", "collectEveryMinutes"}`; a replaced connection keeps its interval unless one is given.
    @Sendable func put(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys([
            "tenantId", "clientId", "clientSecret", "certificate", "cloud", "sources", "loginUrl", "graphUrl",
            "exchangeUrl", "defenderUrl", "collectEveryMinutes", "useInstanceApp",
        ])
        let every = reader.count("collectEveryMinutes", required: false)
        let throughApp = reader.bool("useInstanceApp", required: false) ?? false
        let tenant = reader.string("tenantId")
        let client = reader.string("clientId", required: !throughApp)
        let cloudName = reader.string("cloud", required: false)
        let sourceNames = reader.stringArray("sources", required: false)
        let loginURL = reader.string("loginUrl", required: false)
        let graphURL = reader.string("graphUrl", required: false)
        let exchangeURL = reader.string("exchangeUrl", required: false)
        let defenderURL = reader.string("defenderUrl", required: false)
        let credential: ConnectionCredential?
        if throughApp {
            for field in ["clientId", "clientSecret", "certificate"] where reader.raw(field) != nil {
                throw APIError.badRequest(
                    "\(field) belongs to the instance-wide app; leave it out with useInstanceApp",
                    target: field
                )
            }
            credential = nil
        } else {
            credential = try Self.credential(&reader)
        }
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "tenantId")
        }
        // Endpoints set apart send the credential and the server's requests wherever they point:
        // only instance administrators choose them.
        let setApart = [loginURL, graphURL, exchangeURL, defenderURL].contains { $0 != nil }
        if setApart, !(try request.principal.access.instanceAdministrator) {
            throw APIError.forbidden(Self.endpointsForbidden)
        }
        let cloud: MicrosoftCloud
        let sources: [ConnectionSource]
        do {
            cloud = try cloudName.map(MicrosoftCloud.named) ?? .commercial
            sources = try sourceNames.map(ConnectionSource.named) ?? ConnectionSource.allCases
        } catch {
            throw APIError.badRequest(error.description, target: error.field)
        }
        let interval: Int
        if let every {
            interval = every
        } else {
            interval =
                (try? await service.connection(id))?.settings.schedule.intervalMinutes
                ?? CollectionSchedule.defaultIntervalMinutes
        }
        let settings = ConnectionSettings(
            tenantID: tenant ?? "",
            clientID: client ?? "",
            credentialKind: credential?.kind ?? .instanceApp,
            cloud: cloud,
            sources: sources,
            loginURL: loginURL,
            graphURL: graphURL,
            exchangeURL: exchangeURL,
            defenderURL: defenderURL,
            schedule: CollectionSchedule(intervalMinutes: interval)
        )
        let (stored, replaced) =
            if let credential {
                try await service.setConnection(
                    id,
                    settings,
                    credential: credential,
                    actor: request.actor,
                    requestID: request.id
                )
            } else {
                try await service.connectThroughApp(
                    id,
                    settings,
                    instanceAdministrator: try request.principal.access.instanceAdministrator,
                    actor: request.actor,
                    requestID: request.id
                )
            }
        return try JSONResponse.encode(try await document(stored, request), status: replaced ? .ok : .created)
    }

    /// `{"clientSecret": "…"}` or `{"certificate": "PEM"}`: the settings stay.
    @Sendable func rotate(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["clientSecret", "certificate"])
        let credential = try Self.credential(&reader)
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "clientSecret")
        }
        let stored = try await service.rotateConnectionCredential(
            id,
            credential,
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(try await document(stored, request))
    }

    /// Any of `tenantId`, `clientId`, `cloud`, `sources`, `loginUrl`, `graphUrl`, `exchangeUrl`,
    /// `defenderUrl` (null: the cloud's) and `collectEveryMinutes`; the credential stays (rotate it on its own).
    @Sendable func patch(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let body = try request.jsonBody()
        var reader = NodeReader(file: "body", entry: nil, node: body)
        reader.rejectUnknownKeys([
            "tenantId", "clientId", "cloud", "sources", "loginUrl", "graphUrl", "exchangeUrl", "defenderUrl",
            "collectEveryMinutes",
        ])
        let tenant = reader.string("tenantId", required: false)
        let client = reader.string("clientId", required: false)
        let cloudName = reader.string("cloud", required: false)
        let sourceNames = reader.stringArray("sources", required: false)
        let every = reader.count("collectEveryMinutes", required: false)
        // An endpoint may be given (set apart) or null (back to the cloud's).
        var endpoints: [String: String?] = [:]
        for field in ["loginUrl", "graphUrl", "exchangeUrl", "defenderUrl"] {
            guard let node = body.member(field) else { continue }
            if case .null = node.value {
                endpoints[field] = .some(nil)
            } else if let url = reader.string(field, required: false) {
                endpoints[field] = url
            }
        }
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "tenantId")
        }
        if !endpoints.isEmpty, !(try request.principal.access.instanceAdministrator) {
            throw APIError.forbidden(Self.endpointsForbidden)
        }
        let cloud: MicrosoftCloud?
        let sources: [ConnectionSource]?
        do {
            cloud = try cloudName.map(MicrosoftCloud.named)
            sources = try sourceNames.map(ConnectionSource.named)
        } catch {
            throw APIError.badRequest(error.description, target: error.field)
        }
        let stored = try await service.updateConnectionSettings(
            id,
            instanceAdministrator: try request.principal.access.instanceAdministrator,
            actor: request.actor,
            requestID: request.id
        ) {
            settings in
            if let tenant { settings.tenantID = tenant }
            if let client { settings.clientID = client }
            if let cloud { settings.cloud = cloud }
            if let sources { settings.sources = sources }
            if let every { settings.schedule.intervalMinutes = every }
            if let login = endpoints["loginUrl"] { settings.loginURL = login }
            if let graph = endpoints["graphUrl"] { settings.graphURL = graph }
            if let exchange = endpoints["exchangeUrl"] { settings.exchangeURL = exchange }
            if let defender = endpoints["defenderUrl"] { settings.defenderURL = defender }
        }
        return try JSONResponse.encode(try await document(stored, request))
    }

    static let endpointsForbidden =
        "only an instance-wide token sets loginUrl, graphUrl, exchangeUrl or defenderUrl; the cloud chooses them"

    /// "Refresh now": 202, and a node collects the connection within seconds; the connection
    /// document says when it ran (`collection.lastAttemptAt`, `running`).
    @Sendable func refresh(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let stored = try await service.requestCollection(id, actor: request.actor, requestID: request.id)
        return try JSONResponse.encode(try await document(stored, request), status: .accepted)
    }

    @Sendable func remove(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        try await service.removeConnection(id, actor: request.actor, requestID: request.id)
        return Response(status: .noContent)
    }

    /// Exactly one of `clientSecret` and `certificate`.
    static func credential(_ reader: inout NodeReader) throws -> ConnectionCredential {
        let secret = reader.string("clientSecret", required: false, allowEmpty: true)
        let certificate = reader.string("certificate", required: false, allowEmpty: true)
        switch (secret, certificate) {
        case (let secret?, nil): return .secret(secret)
        case (nil, let pem?): return .certificate(pem: pem)
        default:
            throw APIError.badRequest("give exactly one of clientSecret and certificate", target: "clientSecret")
        }
    }
}
