// The scheduled-collection benchmark: N organizations connected to the recorded Graph service,
// one scheduled round with at most C collections at a time, against one `posture collect` of the
// same data (the collector writing the snapshot to a folder) measured in the same run.
//
//   posture-collection-bench [organizations] [concurrency] [baseline rounds]
//
// The recorded answers are POSTURE_BENCH_SNAPSHOT (default: the contoso test snapshot, relative
// to the repository root). Prints the baseline, the round, the time per organization and per
// collection with their ratios to the baseline, the most collections seen at once, and the
// process's peak resident memory.
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostureApp
import PostureCollector
import PostureCore
import PostureServices
import PostureStore
import RecordedGraph

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let organizations = arguments.count > 0 ? arguments[0] : 100
let concurrency = arguments.count > 1 ? arguments[1] : 4
let rounds = arguments.count > 2 ? arguments[2] : 7
let snapshot = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["POSTURE_BENCH_SNAPSHOT"]
        ?? "Tests/PostureEvidenceTests/Snapshots/contoso"
)

/// Resident memory now and at its peak, in MiB, from /proc/self/status.
func memory() -> (now: Double, peak: Double) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Double {
        let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
    return (field("VmRSS"), field("VmHWM"))
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// Passes collections through and counts how many run at once.
final class Counting: ConnectionCollecting {
    let inner: any ConnectionCollecting
    let counts = NIOLockedValueBox((running: 0, peak: 0))
    init(_ inner: any ConnectionCollecting) { self.inner = inner }
    func collect(_ settings: ConnectionSettings, _ credential: ConnectionCredential) async -> CollectionHarvest {
        counts.withLockedValue {
            $0.running += 1
            $0.peak = max($0.peak, $0.running)
        }
        defer { counts.withLockedValue { $0.running -= 1 } }
        return await inner.collect(settings, credential)
    }
}

var script = RecordedGraphServer.Script()
script.clientID = "11111111-2222-3333-4444-555555555555"
script.pageSize = 100
let graph = try await RecordedGraphServer.start(directory: snapshot, script: script)
let work = FileManager.default.temporaryDirectory.appendingPathComponent(
    "posture-collection-bench-\(UUID().uuidString)"
)
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
let start = memory()

// The baseline: what `posture collect microsoft365 --output DIR` does, end to end.
var baseline: [Double] = []
for round in 0..<rounds {
    let collector = M365Collector(
        tenantID: script.tenantID,
        clientID: script.clientID,
        credential: .secret(script.secret),
        loginURL: graph.baseURL,
        graphURL: graph.baseURL,
        resolver: nil
    )
    let time = try await seconds {
        let result = try await collector.collect(sources: [.entraID, .sharePoint])
        try result.write(to: work.appendingPathComponent("snapshot-\(round)"))
    }
    if round > 0 { baseline.append(time) }  // the first warms the connection pool and caches
}

var configuration = PostureConfiguration()
configuration.database = .sqliteFile(work.appendingPathComponent("posture.sqlite").path)
configuration.dataDirectory = work.path
configuration.demo = false
configuration.logLevel = "warning"
let runtime = try await buildApplication(configuration, clock: PostureClock { Date() }, migrate: true)
let service = runtime.service
for index in 1...organizations {
    let id = OrganizationID(String(format: "org-%04d", index))
    _ = try await service.createOrganization(
        Organization(id: id.rawValue, displayName: "Organization \(index)"),
        actor: "bench"
    )
    _ = try await service.setConnection(
        id,
        ConnectionSettings(
            tenantID: script.tenantID,
            clientID: script.clientID,
            credentialKind: .secret,
            sources: [.entraID, .sharePoint],
            loginURL: graph.baseURL,
            graphURL: graph.baseURL
        ),
        credential: .secret(script.secret),
        actor: "bench"
    )
}

let counting = Counting(GraphConnectionCollector(catalog: service.catalog, resolver: nil))
var quiet = Logger(label: "bench")
quiet.logLevel = .warning
let scheduler = CollectionScheduler(
    service: service,
    collector: counting,
    settings: .init(concurrency: concurrency, leaseSeconds: 90, pollSeconds: 0.05),
    metrics: runtime.collectionMetrics,
    logger: quiet
)
let round = try await seconds {
    let task = Task { await scheduler.run() }
    while try await service.connections().contains(where: { $0.collection.lastSuccessAt == nil }) {
        try await Task.sleep(for: .milliseconds(20))
    }
    task.cancel()
    await task.value
}
let connections = try await service.connections()
let durations = connections.compactMap(\.collection.lastDuration)
let failed = connections.filter { $0.collection.consecutiveFailures > 0 }.count
let measured = connections.compactMap(\.collection.measured)
let end = memory()
try await runtime.shutdown()
try await graph.stop()

let single = median(baseline)
let perOrganization = round / Double(organizations)
let perCollection = median(durations)
print(
    "organizations: \(organizations), at most \(concurrency) at a time, \(graph.recorded.graphRequests.count) Graph requests"
)
print(String(format: "posture collect (baseline, median of %d): %.1f ms", baseline.count, single * 1000))
print(
    String(
        format: "scheduled round: %.2f s; failed: %d; measurements per organization: %d to %d",
        round,
        failed,
        measured.min() ?? 0,
        measured.max() ?? 0
    )
)
let unread = Set(connections.flatMap { $0.collection.resourcesFailed.keys }).sorted()
if !unread.isEmpty { print("resources not read: \(unread.joined(separator: ", "))") }
print(
    String(
        format: "time per organization (round / organizations): %.1f ms = %.2f× the baseline",
        perOrganization * 1000,
        perOrganization / single
    )
)
print(
    String(
        format: "time per collection (median of the round's): %.1f ms = %.2f× the baseline",
        perCollection * 1000,
        perCollection / single
    )
)
print("most collections at once: \(counting.counts.withLockedValue { $0.peak })")
print(
    String(
        format: "resident memory: %.0f MiB at start, %.0f MiB at the end, %.0f MiB at the peak",
        start.now,
        end.now,
        end.peak
    )
)
