import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import PostureAPI
import PostureCatalog
import PostureCore
import PostureServices
import PostureStore
import PostureWeb
import SQLKit
import Vapor

/// The running pieces of one Posture process, wired in one place.
public struct PostureRuntime: Sendable {
    public let application: Application
    public let service: PostureService
    public let tokens: TokenService
    public let identity: IdentityService
    public let configuration: PostureConfiguration
    /// How the response cache learns about writes (nil: no cache).
    public let dataStamp: DataStamp?
    /// This node's collection counters, for `/metrics`.
    public let collectionMetrics: CollectionMetrics
    /// The store under the services, for the benchmarks and the tests' fixtures only: routes and
    /// commands reach data through the services, which is what `scripts/check-layers` checks.
    public let store: PostureStore
    /// Makes reports' PDFs (the CLI's `posture report --format pdf` uses it too).
    public let pdfConverter: ChromiumPDFConverter

    /// The page and the engine that print scheduled reports' PDFs.
    public var reportPrinter: ReportPrinter { ReportPrinter(renderer: ReportPage(), converter: pdfConverter) }
}

/// The composition root: builds the Vapor application with its database, migrations, catalog,
/// token service and routes. The CLI, the server and the tests all call this one function.
public func buildApplication(
    _ configuration: PostureConfiguration,
    clock: PostureClock,
    environment: Environment = .production,
    migrate: Bool = true
) async throws -> PostureRuntime {
    let catalog: Catalog
    do {
        catalog =
            if let directory = configuration.catalogDirectory {
                try CatalogLoader.load(directory: URL(fileURLWithPath: directory))
            } else {
                try CatalogLoader.builtIn()
            }
    } catch {
        throw StartupError("the catalog is invalid:\n\(error.description)")
    }

    var environment = environment
    environment.arguments = ["posture"]
    let app = try await Application.make(environment)
    do {
        app.http.server.configuration.hostname = configuration.host
        app.http.server.configuration.port = configuration.port
        let sqliteFile = SQLiteFile(configuration.database)
        try configureDatabase(app, configuration, sqliteFile)
        if sqliteFile != nil {
            // Write-ahead logging: one synced append per commit instead of a journal file created,
            // synced and deleted, and readers never wait for the writer. Kept in the file itself.
            try await (app.db as? any SQLDatabase)?.raw("PRAGMA journal_mode=WAL").run()
        }
        app.migrations.add(PostureMigrations.all)
        // Each migration's start and end at debug; a person starting Posture sees one line.
        app.fluent.migrationLogLevel = .debug
        if migrate { try await app.migrateAndSummarize() }

        let keys = try SigningKeyStore.load(from: configuration.resolvedKeysDirectory)
        let changes = ChangeSignal()
        let auditKey = try await AuditKeyStore.loadOrCreate(in: configuration.resolvedKeysDirectory) {
            // Not migrated yet (a new database): nothing to leave unkeyed.
            (try? await PostureStore(database: app.db).lastAuditSequence()) ?? 0
        }
        let store = PostureStore(
            database: app.db,
            locks: LocalJobLocks(),
            changes: changes,
            auditKey: auditKey,
            connectionKey: try ConnectionKeyStore.loadOrCreate(in: configuration.resolvedKeysDirectory),
            history: HistoryCache(),
            reader: sqliteFile.map { reader(app, $0) }
        )
        let tokens = await TokenService(
            signing: keys.current,
            all: keys.all,
            clock: clock,
            registry: StoreTokenRegistry(store: store, clock: clock)
        )
        let stamp = try dataStamp(app, configuration, changes, store)
        let collectionMetrics = CollectionMetrics()
        let service = PostureService(
            store: store,
            catalog: catalog,
            clock: clock,
            connectionTester: GraphConnectionTester(),
            outbound: OutboundPolicy(
                allowPrivateTargets: configuration.allowPrivateTargets,
                linkBase: configuration.linkBase.resolve(host: nil, forwardedProto: nil)
            )
        )
        let engine: String? =
            switch configuration.pdfEngine {
            case .automatic: ChromiumPDFConverter.locate()
            case .executable(let path): path
            case .off: nil
            }
        let pdf = ChromiumPDFConverter(engine: engine)
        let identity = IdentityService(
            store: store,
            passwords: BcryptPasswordHasher(cost: configuration.passwordCost),
            clock: clock,
            sessionLifetime: TimeInterval(configuration.sessionHours) * 3600,
            idleTimeout: min(2 * 3600, TimeInterval(configuration.sessionHours) * 3600)
        )
        PostureRoutes.register(
            on: app,
            dependencies: APIDependencies(
                service: service,
                tokens: tokens,
                externalIssuers: configuration.externalIssuers,
                clock: clock,
                publicBaseURL: configuration.linkBase,
                trustedProxies: configuration.trustedProxies,
                maxEvidenceSize: configuration.maxEvidenceMegabytes << 20,
                spoolDirectory: configuration.spoolDirectory.map { URL(fileURLWithPath: $0) }
                    ?? FileManager.default.temporaryDirectory,
                dataStamp: stamp,
                workBudget: WorkBudget(
                    capacity: Double(configuration.readBudgetPerSecond) * 3,
                    refillPerSecond: Double(configuration.readBudgetPerSecond)
                ),
                collectionMetrics: collectionMetrics,
                reportRenderer: ReportPage(),
                pdfConverter: pdf
            )
        )
        WebRoutes.register(
            on: app,
            dependencies: WebDependencies(
                service: service,
                identity: identity,
                clock: clock,
                secureCookies: configuration.secureCookies,
                trustedProxies: configuration.trustedProxies,
                publicBaseURL: configuration.linkBase,
                issuers: configuration.externalIssuers,
                passwordSignIn: configuration.passwordSignIn,
                pdfConverter: pdf
            )
        )
        return PostureRuntime(
            application: app,
            service: service,
            tokens: tokens,
            identity: identity,
            configuration: configuration,
            dataStamp: stamp,
            collectionMetrics: collectionMetrics,
            store: store,
            pdfConverter: pdf
        )
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}

func configureDatabase(_ app: Application, _ configuration: PostureConfiguration, _ sqliteFile: SQLiteFile?) throws {
    if let sqliteFile {
        try OwnerOnlyFiles.prepareDatabase(at: sqliteFile.path)
        app.databases.use(.sqlite(.file(sqliteFile.path)), as: .sqlite)
        return
    }
    switch configuration.database {
    case .sqliteMemory, .sqliteFile:
        preconditionFailure("an SQLite database has its file")
    case .postgres(let url):
        let postgres: SQLPostgresConfiguration
        do {
            postgres = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StartupError("the PostgreSQL URL is invalid (expected postgres://user:password@host:port/database)")
        }
        app.databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: 4), as: .psql)
    }
}

/// The file an SQLite database lives in. An in-memory database is a file of this process's own in
/// the temporary directory, removed at shutdown, so that it has the same write-ahead log and
/// readers as a configured file (SQLiteNIO's in-memory databases are temporary files as well).
struct SQLiteFile {
    var path: String
    /// Nobody else knows the file: it goes when the application stops.
    var temporary: Bool

    init?(_ location: PostureConfiguration.DatabaseLocation) {
        switch location {
        case .sqliteFile(let path): (self.path, temporary) = (path, false)
        case .sqliteMemory:
            let name = "posture-memory-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
            (path, temporary) = (
                (NSTemporaryDirectory() as NSString).appendingPathComponent(name) + "/data.sqlite", true
            )
        case .postgres: return nil
        }
    }
}

/// The reader of an SQLite database's reads outside transactions (see ``SQLiteReader``), closed
/// with the application, which also removes a temporary database.
func reader(_ app: Application, _ file: SQLiteFile) -> SQLiteReader {
    let reader = SQLiteReader(path: file.path)
    app.lifecycle.use(SQLiteFileLifecycle(reader: reader, file: file))
    return reader
}

private struct SQLiteFileLifecycle: LifecycleHandler {
    let reader: SQLiteReader
    let file: SQLiteFile

    func shutdown(_ application: Application) {
        reader.close()
        if file.temporary {
            try? FileManager.default.removeItem(atPath: (file.path as NSString).deletingLastPathComponent)
        }
    }
}

/// How the response cache learns about writes on each kind of database.
func dataStamp(
    _ app: Application,
    _ configuration: PostureConfiguration,
    _ changes: ChangeSignal,
    _ store: PostureStore
) throws -> DataStamp {
    switch configuration.database {
    case .sqliteMemory, .sqliteFile:
        return DataStamps.sqlite(store)
    case .postgres(let url):
        let listener = PostgresChangeListener(
            configuration: try SQLPostgresConfiguration(url: url).coreConfiguration,
            changes: changes,
            logger: app.logger
        )
        app.lifecycle.use(listener)
        return listener.stamp
    }
}

/// A start-up failure with a message meant for the person starting Posture.
public struct StartupError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension PostureConfiguration {
    /// Where absolute links point: the public URL, else an allowed `Host`, else the listening address.
    /// The base people reach the dashboard at, for messages: the public URL, else the listening address.
    public var linkBaseDescription: String { linkBase.configured ?? linkBase.fallback }

    var linkBase: PublicBaseURL {
        let listening = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return PublicBaseURL(
            configured: publicBaseURL,
            allowedHosts: allowedHosts.union([listening]),
            fallback: "http://\(listening)"
        )
    }
}

extension Application {
    /// Applies pending migrations and says in one line how many it applied (nothing when none).
    func migrateAndSummarize() async throws {
        try await migrator.setupIfNeeded().get()
        let pending = try await migrator.previewPrepareBatch().get()
        try await autoMigrate()
        guard let last = pending.last else { return }
        logger.notice(
            "applied \(counted(pending.count, "database migration")), through \(String(describing: type(of: last.0)))"
        )
    }
}

extension PostureRuntime {
    /// A report as the page built for print, with its stylesheet inside: a file that opens and
    /// prints on its own (`posture report`). `paper` is `a4` (default) or `letter`.
    public func reportHTML(_ report: OrganizationReport, paper: String = "a4") -> String {
        ReportPage().render(report, paper: paper, inlineStyles: true)
    }

    /// The all-organizations report likewise.
    public func reportHTML(_ report: InstanceReport, paper: String = "a4") -> String {
        ReportPage().render(report, paper: paper, inlineStyles: true)
    }
}
