// The delivery-queue benchmark: N organizations each fire one alert to a webhook receiver that
// answers in 50 ms; every alert goes through the queue (enqueued in the database, claimed under a
// lease, signed, sent, recorded) with at most C sends at a time. The baseline, measured in the
// same run against the same receiver: the same number of plain signed HTTP posts from one
// process, C at a time, with the same HTTP client and no database.
//
//   posture-delivery-bench [organizations] [concurrency]
//
// POSTURE_BENCH_DATABASE_URL (a postgres:// URL) runs the queue on PostgreSQL instead of SQLite.
// Prints both times, their ratio, the receiver's count of distinct webhook ids, and the queue's
// database statements per delivery.
import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import Vapor

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let organizations = arguments.count > 0 ? arguments[0] : 1_000
let concurrency = arguments.count > 1 ? arguments[1] : 16

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The receiver: answers 200 after 50 ms, and counts requests and distinct `webhook-id`s.
let seen = NIOLockedValueBox((requests: 0, ids: Set<String>()))
// Vapor reads commands from the arguments: give it none of the benchmark's.
let receiver = try await Application.make(Environment(name: "production", arguments: [CommandLine.arguments[0]]))
receiver.logger.logLevel = .error
receiver.http.server.configuration.backlog = 1_024
receiver.on(.POST, "hook", body: .collect(maxSize: "64kb")) { request -> EventLoopFuture<Response> in
    let id = request.headers.first(name: "webhook-id") ?? ""
    seen.withLockedValue {
        $0.requests += 1
        $0.ids.insert(id)
    }
    return request.eventLoop.scheduleTask(in: .milliseconds(50)) { Response(status: .ok) }.futureResult
}
receiver.http.server.configuration.hostname = "127.0.0.1"
receiver.http.server.configuration.port = 0
try await receiver.startup()
let url = "http://127.0.0.1:\(receiver.http.server.shared.localAddress?.port ?? 0)/hook"
let policy = OutboundPolicy(allowPrivateTargets: true)

/// Waits until the receiver has seen `count` distinct ids.
func waitForReceiver(_ count: Int) async throws {
    while seen.withLockedValue({ $0.ids.count }) < count { try await Task.sleep(for: .milliseconds(5)) }
}

// The baseline: signed posts straight from this process, `concurrency` at a time.
let key = SymmetricKey(size: .bits256)
let baselineSender = OutboundHTTPSender(policy: policy)
let event = OutboundEvent(
    type: .scoreDropped,
    timestamp: Date(),
    data: JSONObject([
        ("organizationId", .string("org")), ("previousPercent", .double(61.2)), ("currentPercent", .double(54.0)),
        ("url", .string("https://posture.example/orgs/org")),
    ])
)
func post(_ index: Int) async {
    let id = "baseline_\(index)"
    let timestamp = Int(Date().timeIntervalSince1970)
    let content = Data(StandardWebhooks.signedContent(id: id, timestamp: timestamp, body: event.body).utf8)
    let signature = Array(HMAC<SHA256>.authenticationCode(for: content, using: key))
    _ = await baselineSender.send(
        url: url,
        headers: [
            ("content-type", "application/json"), ("webhook-id", id), ("webhook-timestamp", "\(timestamp)"),
            ("webhook-signature", StandardWebhooks.signatureHeader([signature])),
        ],
        body: event.body
    )
}
// A warm-up round opens the connections both runs reuse.
for index in 0..<concurrency { await post(-1 - index) }
seen.withLockedValue { $0 = (0, []) }
let baseline = await seconds {
    let next = NIOLockedValueBox(0)
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                while true {
                    let index = next.withLockedValue { value -> Int in
                        value += 1
                        return value
                    }
                    guard index <= organizations else { return }
                    await post(index)
                }
            }
        }
    }
}
let baselineSeen = seen.withLockedValue { $0.ids.count }
seen.withLockedValue { $0 = (0, []) }

// Posture: N organizations with a webhook each; one alert each, queued and sent.
let work = FileManager.default.temporaryDirectory.appendingPathComponent("posture-delivery-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
var configuration = PostureConfiguration()
if let postgres = ProcessInfo.processInfo.environment["POSTURE_BENCH_DATABASE_URL"] {
    configuration.database = .postgres(postgres)
} else {
    configuration.database = .sqliteFile(work.appendingPathComponent("posture.sqlite").path)
}
configuration.dataDirectory = work.path
configuration.demo = false
configuration.logLevel = "warning"
configuration.allowPrivateTargets = true
let runtime = try await buildApplication(configuration, clock: PostureClock { Date() }, migrate: true)
let service = runtime.service
var ids: [OrganizationID] = []
for index in 1...organizations {
    let id = OrganizationID(String(format: "org-%04d", index))
    _ = try await service.createOrganization(
        Organization(id: id.rawValue, displayName: "Organization \(index)"),
        actor: "bench"
    )
    _ = try await service.addWebhookEndpoint(id, url: url, events: ["score.dropped"], actor: "bench")
    ids.append(id)
}
let enqueue = try await seconds {
    for id in ids {
        var alert = event
        alert.data["organizationId"] = .string(id.rawValue)
        try await service.publish(alert, for: id)
    }
}
var quiet = Logger(label: "bench")
quiet.logLevel = .warning
let scheduler = DeliveryScheduler(
    service: service,
    senders: .network(policy: policy),
    settings: .init(concurrency: concurrency, pollSeconds: 0.05),
    logger: quiet
)
let delivered = try await seconds {
    let task = Task { await scheduler.run() }
    try await waitForReceiver(organizations)
    // Delivered means recorded as delivered, not only received.
    while try await service.deliveryStateCounts()[.delivered, default: 0] < organizations {
        try await Task.sleep(for: .milliseconds(2))
    }
    task.cancel()
    await task.value
}
let states = try await service.deliveryStateCounts()
let received = seen.withLockedValue { $0 }
try await runtime.shutdown()
try await receiver.asyncShutdown()

let engine = ProcessInfo.processInfo.environment["POSTURE_BENCH_DATABASE_URL"] == nil ? "SQLite" : "PostgreSQL"
print("organizations: \(organizations), \(concurrency) sends at a time, receiver answers in 50 ms, queue on \(engine)")
print(
    String(
        format: "plain signed posts (baseline): %.2f s for %d (%.0f per second); receiver saw %d",
        baseline,
        organizations,
        Double(organizations) / baseline,
        baselineSeen
    )
)
print(
    String(
        format:
            "through the queue: %.2f s to deliver all (%.0f per second) = %.2f× the baseline; enqueueing took %.2f s more (%.2f ms per alert)",
        delivered,
        Double(organizations) / delivered,
        delivered / baseline,
        enqueue,
        enqueue / Double(organizations) * 1000
    )
)
print(
    "receiver: \(received.requests) requests, \(received.ids.count) distinct webhook ids; deliveries recorded: "
        + states.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(
            separator: ", "
        )
)
print(
    "database statements per delivery: 1 read (channel and secrets) + 1 update (the attempt recorded) + a share of one claim per batch of up to \(concurrency)"
)
