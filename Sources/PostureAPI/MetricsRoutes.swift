import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// `GET /metrics`: Prometheus counters of this node's collections per organization, and every
/// connection's health from the database. Instance-wide tokens only (any scope): the list names
/// every connected organization. Never cached; each scrape spends the caller's work budget by
/// the connections it reads.
struct MetricsRoutes {
    let dependencies: APIDependencies

    func register(on routes: any RoutesBuilder) {
        routes.get("metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request) async throws -> Response {
        let principal = try request.principal
        guard principal.access.instanceAdministrator, principal.decide(.read, in: "") == .allowed else {
            throw APIError.forbidden("metrics need an instance-wide token (posture token create without --org)")
        }
        let now = dependencies.clock.now()
        // One unit before the read, so a caller out of budget reads nothing; the rest after it.
        try request.spendWork(1, budget: dependencies.workBudget, now: now)
        let connections = try await dependencies.service.connections()
        if connections.count > 1 {
            try request.spendWork(connections.count - 1, budget: dependencies.workBudget, now: now)
        }
        var text = Self.render(dependencies.collectionMetrics.snapshot, connections: connections, at: now)
        text += Self.render(deliveries: try await dependencies.service.deliveryStateCounts([.pending, .failed]))
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: PrometheusText.contentType)
        headers.add(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    static func render(
        _ counters: [String: CollectionMetrics.Counters],
        connections: [StoredConnection],
        at now: Date
    ) -> String {
        var text = PrometheusText()
        let organizations = counters.keys.sorted()
        func family(
            _ name: String,
            _ kind: PrometheusText.Kind,
            _ help: String,
            _ value: (CollectionMetrics.Counters) -> Double?
        ) {
            text.add(
                name,
                kind,
                help: help,
                organizations.compactMap { id in
                    value(counters[id]!).map { PrometheusText.Sample([("organization", id)], $0) }
                }
            )
        }
        family("posture_collections_total", .counter, "Collections this node finished, per organization.") {
            Double($0.collections)
        }
        family("posture_collection_failures_total", .counter, "Collections this node finished that failed.") {
            Double($0.failures)
        }
        family("posture_collection_seconds_total", .counter, "Seconds this node spent collecting.") { $0.seconds }
        family("posture_graph_requests_total", .counter, "HTTP requests to Microsoft Graph and its sign-in.") {
            Double($0.graphRequests)
        }
        family(
            "posture_graph_throttled_total",
            .counter,
            "Graph answers that were throttled (429, 503, 504) and waited out or given up on."
        ) { Double($0.throttled) }
        let health = connections.map { ($0.organizationID.rawValue, $0.health(at: now)) }
        text.add(
            "posture_connection_health",
            .gauge,
            help: "Each connection's health from the database, cluster-wide: 1 for its current state.",
            health.flatMap { id, current in
                CollectionState.Health.allCases.map {
                    PrometheusText.Sample([("organization", id), ("health", $0.rawValue)], $0 == current ? 1 : 0)
                }
            }
        )
        text.add(
            "posture_connection_last_success_timestamp_seconds",
            .gauge,
            help: "When each connection was last collected successfully, from the database (absent before).",
            connections.compactMap { connection in
                connection.collection.lastSuccessAt.map {
                    PrometheusText.Sample(
                        [("organization", connection.organizationID.rawValue)],
                        $0.timeIntervalSince1970
                    )
                }
            }
        )
        text.add(
            "posture_connection_consecutive_failures",
            .gauge,
            help: "Failed collection attempts in a row, per connection, from the database.",
            connections.map {
                PrometheusText.Sample(
                    [("organization", $0.organizationID.rawValue)],
                    Double($0.collection.consecutiveFailures)
                )
            }
        )
        return text.rendered
    }

    /// The delivery queue's backlog, cluster-wide from the database: messages waiting and given up
    /// on, so a queue that grows (a receiver down, a node not sending) can be alerted on.
    static func render(deliveries counts: [DeliveryState: Int]) -> String {
        var text = PrometheusText()
        text.add(
            "posture_deliveries",
            .gauge,
            help:
                "Outbound messages pending or failed in the delivery queue, from the database, the same on every node.",
            [DeliveryState.pending, .failed].map {
                PrometheusText.Sample([("state", $0.rawValue)], Double(counts[$0] ?? 0))
            }
        )
        return text.rendered
    }
}
