import Foundation
import NIOConcurrencyHelpers
import PostureCollector
import PostureCore
import PostureServices
import PostureStore
import PostureTestSupport
import SQLKit
import Testing
import Vapor

@testable import PostureApp

/// The scheduler end to end on both databases, against the recorded Graph service reached
/// through each connection's endpoints: it collects on its own, stores what it read, isolates a
/// failing organization, honours throttling, bounds its concurrency and takes over from a node
/// that died holding a connection.
@Suite(.serialized) struct CollectionSchedulerTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let snapshot = tests.appendingPathComponent("PostureEvidenceTests/Snapshots/contoso")
    static let export = tests.appendingPathComponent("PostureEvidenceTests/Microsoft/contoso-export")
    static let realClock = PostureClock { Date() }

    static func script() -> RecordedGraphServer.Script {
        var script = RecordedGraphServer.Script()
        script.clientID = "11111111-2222-3333-4444-555555555555"
        script.alsoFrom = [export]
        return script
    }

    /// Creates the organizations and connects each to the fake, with `secret` or the right one.
    static func connect(
        _ runtime: PostureRuntime,
        _ graph: RecordedGraphServer,
        _ ids: [String],
        secret: [String: String] = [:],
        sources: [ConnectionSource] = ConnectionSource.allCases
    ) async throws {
        let fake = script()
        for id in ids {
            try await runtime.store.createOrganization(Organization(id: id, displayName: id), at: Date())
            let settings = ConnectionSettings(
                tenantID: fake.tenantID,
                clientID: fake.clientID,
                credentialKind: .secret,
                sources: sources,
                loginURL: graph.baseURL,
                graphURL: graph.baseURL,
                exchangeURL: graph.baseURL,
                defenderURL: graph.baseURL
            )
            _ = try await runtime.service.setConnection(
                OrganizationID(id),
                settings,
                credential: .secret(secret[id] ?? fake.secret),
                actor: "test"
            )
        }
    }

    static func scheduler(
        _ runtime: PostureRuntime,
        collector: (any ConnectionCollecting)? = nil,
        concurrency: Int = 2,
        lease: Double = 30,
        resolver: DNSResolver? = nil
    ) -> CollectionScheduler {
        CollectionScheduler(
            service: runtime.service,
            collector: collector ?? GraphConnectionCollector(catalog: runtime.service.catalog, resolver: resolver),
            settings: .init(concurrency: concurrency, leaseSeconds: lease, pollSeconds: 0.1),
            metrics: runtime.collectionMetrics,
            logger: Logger(label: "collection-test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    /// Runs the scheduler until `done` holds (checked every 50 ms, at most `seconds`). The bound
    /// only matters when something is wrong: alone a run takes a few seconds, but with the whole
    /// suite running in parallel on two cores a collection has taken more than 30.
    static func run(
        _ scheduler: CollectionScheduler,
        within seconds: Double = 180,
        until done: @Sendable () async throws -> Bool
    ) async throws {
        let task = Task { await scheduler.run() }
        defer { task.cancel() }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await done() { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        await task.value
        #expect(try await done(), "the scheduler did not get there within \(seconds) s")
    }

    static func withGraph<T: Sendable>(
        _ script: RecordedGraphServer.Script = script(),
        _ body: @Sendable (RecordedGraphServer) async throws -> T
    ) async throws -> T {
        let graph = try await RecordedGraphServer.start(directory: snapshot, script: script)
        do {
            let result = try await body(graph)
            try await graph.stop()
            return result
        } catch {
            try? await graph.stop()
            throw error
        }
    }

    @Test(arguments: TestDatabase.available)
    func collectsOnItsOwnAndIsolatesAFailingOrganization(_ database: TestDatabase) async throws {
        var script = Self.script()
        // Graph throttles the first read of the organization: the collector waits as told.
        script.firstAnswer = ["organization": (429, 1)]
        try await Self.withGraph(script) { graph in
            try await database.withRuntime(clock: Self.realClock) { runtime in
                let service = runtime.service
                try await Self.connect(runtime, graph, ["contoso", "fabrikam"], secret: ["fabrikam": "wrong"])
                let before = try await service.currentReport("contoso")
                let dns = try await RecordedDNSServer.start(try .recorded(in: Self.snapshot))
                defer { Task { try? await dns.stop() } }
                let scheduler = Self.scheduler(runtime, resolver: DNSResolver(host: "127.0.0.1", port: dns.port))
                try await Self.run(scheduler) {
                    let all = try await service.connections()
                    return all.allSatisfy { $0.collection.lastFinishedAt != nil }
                }
                let contoso = try await service.connection("contoso")
                let fabrikam = try await service.connection("fabrikam")

                // contoso: collected, assessed and stored, Microsoft's own score imported.
                #expect(contoso.collection.lastSuccessAt != nil && contoso.collection.lastProblem == nil)
                #expect(contoso.health(at: Date()) == .healthy)
                let measured = try #require(contoso.collection.measured)
                #expect(measured > 10, "\(contoso.collection)")
                #expect(try await service.measurements("contoso").count == measured)
                let after = try await service.currentReport("contoso")
                #expect(after.currentScore != before.currentScore)
                #expect(try await !service.microsoftHistory("contoso").isEmpty)
                // Every source: Graph, Exchange, Defender, Intune, the admin center and DNS.
                #expect(contoso.collection.resourcesFailed.isEmpty, "\(contoso.collection.resourcesFailed)")
                #expect(measured == 73, "every action an assessor scores")
                #expect(Set(dns.questions) == ["contoso.com", "contoso.net"])
                let next = contoso.collection.nextRunAt.timeIntervalSince(
                    try #require(contoso.collection.lastFinishedAt)
                )
                #expect(next >= 21_600 && next <= 23_760, "six hours plus at most a tenth")
                let audit = try await runtime.store.auditEntries(organizationID: "contoso")
                #expect(audit.contains { $0.action == "measurements.upsert" && $0.actor == "collection" })

                // fabrikam: its failure is its own, retried in five minutes.
                #expect(fabrikam.collection.consecutiveFailures == 1 && fabrikam.collection.lastSuccessAt == nil)
                #expect(fabrikam.collection.lastProblem?.contains("AADSTS7000215") == true)
                #expect(fabrikam.health(at: Date()) == .failing)
                let retry = fabrikam.collection.nextRunAt.timeIntervalSince(
                    try #require(fabrikam.collection.lastFinishedAt)
                )
                #expect(retry >= 300 && retry <= 330)
                #expect(try await service.measurements("fabrikam").isEmpty)

                let counters = runtime.collectionMetrics.snapshot
                #expect(counters["contoso"]?.collections == 1 && counters["contoso"]?.failures == 0)
                #expect(counters["contoso"]?.throttled == 1, "the 429 was seen and waited out")
                #expect((counters["contoso"]?.graphRequests ?? 0) > 17)
                #expect(counters["fabrikam"]?.failures == 1)
                #expect(graph.recorded.bearerHosts.allSatisfy { $0.hasPrefix("127.0.0.1") })

                // "Refresh now" makes contoso due at once; the next pass collects it again.
                let first = try #require(contoso.collection.lastFinishedAt)
                try await service.requestCollection("contoso", actor: "alice")
                try await Self.run(scheduler) {
                    try await service.connection("contoso").collection.lastFinishedAt ?? first > first
                }
                #expect(runtime.collectionMetrics.snapshot["contoso"]?.collections == 2)
                #expect(try await service.connection("fabrikam").collection.consecutiveFailures == 1, "not due yet")
                let refreshed = try await runtime.store.auditEntries(organizationID: "contoso")
                #expect(refreshed.contains { $0.action == "connection.refresh" && $0.actor == "alice" })
            }
        }
    }

    /// A node that died holding a connection: nobody collects it until the lease expires, then
    /// another node does, from the start, and the collection completes.
    @Test(arguments: TestDatabase.available)
    func aDeadNodesConnectionIsTakenOverWhenItsLeaseExpires(_ database: TestDatabase) async throws {
        try await Self.withGraph { graph in
            try await database.withRuntime(clock: Self.realClock) { runtime in
                let service = runtime.service
                try await Self.connect(runtime, graph, ["contoso"])
                let claimed = try await service.claimDueCollections(holder: "dead-node", leaseSeconds: 1.5, limit: 5)
                #expect(claimed == ["contoso"])
                let scheduler = Self.scheduler(runtime)
                let task = Task { await scheduler.run() }
                try await Task.sleep(for: .milliseconds(700))
                #expect(graph.recorded.tokenRequests == 0, "the lease still holds")
                #expect(try await service.connection("contoso").collection.lastFinishedAt == nil)
                task.cancel()
                await task.value
                try await Self.run(scheduler) {
                    try await service.connection("contoso").collection.lastSuccessAt != nil
                }
                #expect(try await service.connection("contoso").collection.measured ?? 0 > 10)
            }
        }
    }

    /// A credential that no longer opens (the connection key replaced) is a failed attempt that
    /// is recorded, retried and lets go of the lease, not a connection that silently stops.
    @Test(arguments: TestDatabase.available)
    func aCredentialThatCannotBeOpenedIsAFailedAttempt(_ database: TestDatabase) async throws {
        try await Self.withGraph { graph in
            try await database.withRuntime(clock: Self.realClock) { runtime in
                let service = runtime.service
                try await Self.connect(runtime, graph, ["contoso"])
                let sql = try #require(runtime.store.database as? any SQLDatabase)
                try await sql.raw("UPDATE connections SET sealed_credential = 'bm90IHNlYWxlZA=='").run()
                #expect(try await service.claimDueCollections(holder: "n", leaseSeconds: 60, limit: 5) == ["contoso"])
                let outcome = try #require(
                    await service.runCollection(
                        "contoso",
                        holder: "n",
                        leaseSeconds: 60,
                        using: GraphConnectionCollector(catalog: service.catalog, resolver: nil)
                    )
                )
                #expect(outcome.problem?.hasPrefix("cannot sign in") == true, "\(outcome)")
                let record = try await service.connection("contoso").collection
                #expect(record.consecutiveFailures == 1 && record.leaseExpiresAt == nil)
                #expect(record.lastProblem?.hasPrefix("cannot sign in") == true)
                #expect(graph.recorded.tokenRequests == 0)
            }
        }
    }

    /// However many connections are due, a node collects at most its bound at once.
    @Test func concurrencyIsBounded() async throws {
        var script = Self.script()
        script.answerDelay = 0.01
        try await Self.withGraph(script) { graph in
            try await TestDatabase.sqlite.withRuntime(clock: Self.realClock) { runtime in
                let ids = (1...6).map { "org\($0)" }
                try await Self.connect(runtime, graph, ids, sources: [.sharePoint])
                let counting = CountingCollector(
                    GraphConnectionCollector(catalog: runtime.service.catalog, resolver: nil)
                )
                let scheduler = Self.scheduler(runtime, collector: counting, concurrency: 2)
                try await Self.run(scheduler) {
                    try await runtime.service.connections().allSatisfy { $0.collection.lastSuccessAt != nil }
                }
                #expect(counting.peak == 2, "two at a time, and both slots were used")
                #expect(counting.total == 6)
            }
        }
    }
}

/// Passes collections through and counts how many run at once.
final class CountingCollector: ConnectionCollecting {
    let inner: any ConnectionCollecting
    private let counts = NIOLockedValueBox((running: 0, peak: 0, total: 0))

    init(_ inner: any ConnectionCollecting) {
        self.inner = inner
    }

    var peak: Int { counts.withLockedValue { $0.peak } }
    var total: Int { counts.withLockedValue { $0.total } }

    func collect(_ settings: ConnectionSettings, _ credential: ConnectionCredential) async -> CollectionHarvest {
        counts.withLockedValue {
            $0.running += 1
            $0.total += 1
            $0.peak = max($0.peak, $0.running)
        }
        defer { counts.withLockedValue { $0.running -= 1 } }
        return await inner.collect(settings, credential)
    }
}
