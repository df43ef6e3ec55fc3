import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Everything the routes need, passed in by the composition root. No globals.
public struct APIDependencies: Sendable {
    public var service: PostureService
    public var tokens: TokenService
    /// External OpenID Connect issuers whose tokens are accepted too.
    public var externalIssuers: [ExternalIssuer]
    public var clock: PostureClock
    /// Largest page of a Graph collection; longer results continue through `@odata.nextLink`.
    public var graphPageSize: Int
    /// Absolute base URL for links: the configured public URL, else an allowed `Host`.
    public var publicBaseURL: PublicBaseURL
    /// Reverse proxies whose `X-Forwarded-For` is believed for rate limits.
    public var trustedProxies: Set<String>
    /// Largest request body accepted, in bytes.
    public var maxBodySize: Int
    /// Largest evidence snapshot accepted by `POST …/evidence/microsoft365`, in bytes: a tenant
    /// with 100,000 users is about 90 MB of Graph JSON.
    public var maxEvidenceSize: Int
    /// Where large uploads are written while they arrive (``BodySpool``).
    public var spoolDirectory: URL
    /// Tells when stored data changed; nil turns the response cache off.
    public var dataStamp: DataStamp?
    /// Work each caller may spend on expensive reads; see ``WorkBudget``.
    public var workBudget: WorkBudget
    /// This node's collection counters, for `/metrics`.
    public var collectionMetrics: CollectionMetrics
    /// Renders reports as HTML; nil: reports are offered as JSON and CSV only.
    public var reportRenderer: (any ReportRendering)?
    /// Makes PDFs of reports; nil: no PDFs (501).
    public var pdfConverter: (any PDFConverting)?

    public init(
        service: PostureService,
        tokens: TokenService,
        externalIssuers: [ExternalIssuer] = [],
        clock: PostureClock,
        graphPageSize: Int = 100,
        publicBaseURL: PublicBaseURL = PublicBaseURL(),
        trustedProxies: Set<String> = [],
        maxBodySize: Int = 4 << 20,
        maxEvidenceSize: Int = 512 << 20,
        spoolDirectory: URL = FileManager.default.temporaryDirectory,
        dataStamp: DataStamp? = nil,
        workBudget: WorkBudget = WorkBudget(),
        collectionMetrics: CollectionMetrics = CollectionMetrics(),
        reportRenderer: (any ReportRendering)? = nil,
        pdfConverter: (any PDFConverting)? = nil
    ) {
        self.reportRenderer = reportRenderer
        self.pdfConverter = pdfConverter
        self.workBudget = workBudget
        self.collectionMetrics = collectionMetrics
        self.service = service
        self.tokens = tokens
        self.externalIssuers = externalIssuers
        self.clock = clock
        self.graphPageSize = graphPageSize
        self.publicBaseURL = publicBaseURL
        self.trustedProxies = trustedProxies
        self.maxBodySize = maxBodySize
        self.maxEvidenceSize = maxEvidenceSize
        self.spoolDirectory = spoolDirectory
        self.dataStamp = dataStamp
    }
}

public enum PostureRoutes {
    /// Installs the error middleware and every route of the API.
    public static func register(on app: Application, dependencies: APIDependencies) {
        app.middleware = Middlewares()
        app.middleware.use(GraphErrorMiddleware(clock: dependencies.clock))
        app.routes.defaultMaxBodySize = ByteCount(value: dependencies.maxBodySize)

        HealthRoutes(dependencies: dependencies).register(on: app.routes)
        DiscoveryRoutes(dependencies: dependencies).register(on: app.routes)
        TokenEndpoint(dependencies: dependencies, limiter: RateLimiter(limit: 30, window: 60)).register(on: app.routes)
        let bearer = BearerAuthenticationMiddleware(
            tokens: dependencies.tokens,
            external: ExternalTokenVerifier(
                issuers: dependencies.externalIssuers,
                client: app.client,
                clock: dependencies.clock
            ),
            service: dependencies.service
        )
        // Counters live in memory: never behind the response cache, which follows the database.
        MetricsRoutes(dependencies: dependencies).register(on: app.routes.grouped(bearer))
        var authenticated = app.routes.grouped(bearer)
        if let stamp = dependencies.dataStamp {
            authenticated = authenticated.grouped(
                ResponseCacheMiddleware(cache: ResponseCache(), stamp: stamp, clock: dependencies.clock)
            )
        }
        for version in ["v1.0", "beta"] {
            // Each sub-request of a batch is checked again with the batch's token when it runs.
            GraphBatchRoutes(version: version).register(on: authenticated.grouped(.constant(version)))
            GraphRoutes(dependencies: dependencies, version: version).register(
                on: authenticated.grouped(.constant(version))
            )
        }
        NativeRoutes(dependencies: dependencies).register(on: authenticated.grouped("api", "v1"))
        app.routes.get("api", "v1", "openapi.json") { _ in
            JSONResponse.raw(Data(OpenAPIDocument.json.utf8), status: .ok)
        }
    }
}

extension APIDependencies {
    /// Responses that depend on nothing time-sensitive but the day stay valid until midnight UTC.
    var endOfToday: Date { CivilDay(clock.now()).adding(days: 1).start }
}

extension Request {
    /// The client's address for rate limits, through trusted proxies only.
    public func clientAddress(trustedProxies: Set<String>) -> String {
        ClientAddress.resolve(
            peer: remoteAddress?.ipAddress,
            forwardedFor: headers.first(name: "X-Forwarded-For"),
            trustedProxies: trustedProxies
        )
    }

    /// The base of absolute links for this request; see ``PublicBaseURL``.
    public func baseURL(_ base: PublicBaseURL) -> String {
        base.resolve(host: headers.first(name: .host), forwardedProto: headers.first(name: "X-Forwarded-Proto"))
    }
}
