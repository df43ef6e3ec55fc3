import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// `GET /metrics` in process: instance-wide tokens only, Prometheus text with this node's
/// counters and every connection's health, never cached.
@Suite struct MetricsAPITests {
    @Test func metricsForOperatorsOnly() async throws {
        try await APIHarness.with { harness in
            #expect(try await harness.send(.GET, "/metrics", token: nil).status == .unauthorized)
            let scoped = try await harness.token("contoso", .readWrite)
            #expect(try await harness.send(.GET, "/metrics", token: scoped).status == .forbidden)
            let instance = try await harness.token(nil, .read)

            let settings = ConnectionSettings(
                tenantID: "contoso.onmicrosoft.com",
                clientID: "11111111-2222-3333-4444-555555555555",
                credentialKind: .secret
            )
            _ = try await harness.runtime.service.setConnection(
                "contoso",
                settings,
                credential: .secret("k"),
                actor: "t"
            )
            let first = try await harness.send(.GET, "/metrics", token: instance)
            #expect(first.status == .ok)
            #expect(first.headers.first(name: .contentType) == "text/plain; version=0.0.4; charset=utf-8")
            #expect(first.body.contains("# TYPE posture_collections_total counter"))
            #expect(first.body.contains(#"posture_connection_health{organization="contoso",health="pending"} 1"#))
            #expect(first.body.contains(#"posture_connection_health{organization="contoso",health="stale"} 0"#))
            #expect(!first.body.contains("posture_collections_total{"), "this node has collected nothing yet")

            // Counters appear as soon as the node records a collection: no stale cached answer.
            let now = harness.runtime.service.clock.now()
            harness.runtime.collectionMetrics.record(
                "contoso",
                CollectionOutcome(
                    startedAt: now,
                    finishedAt: now + 2.5,
                    resourcesCollected: 17,
                    problem: "HTTP 429",
                    graphRequests: 40,
                    throttled: 6
                )
            )
            let second = try await harness.send(.GET, "/metrics", token: instance)
            for line in [
                #"posture_collections_total{organization="contoso"} 1"#,
                #"posture_collection_failures_total{organization="contoso"} 1"#,
                #"posture_collection_seconds_total{organization="contoso"} 2.5"#,
                #"posture_graph_requests_total{organization="contoso"} 40"#,
                #"posture_graph_throttled_total{organization="contoso"} 6"#,
                #"posture_connection_consecutive_failures{organization="contoso"} 0"#,
            ] {
                #expect(second.body.contains(line + "\n"), "\(line)\n\(second.body)")
            }
            #expect(second.body.contains(#"posture_deliveries{state="pending"} 0"# + "\n"))
            _ = try await harness.runtime.service.addWebhookEndpoint(
                "contoso",
                url: "https://hooks.example.com/posture",
                events: ["score.dropped"],
                actor: "test"
            )
            _ = try await harness.runtime.service.testChannel(
                "contoso",
                id: try await harness.runtime.service.channels("contoso")[0].id
            )
            let third = try await harness.send(.GET, "/metrics", token: instance)
            #expect(third.body.contains(#"posture_deliveries{state="pending"} 1"# + "\n"), "\(third.body)")
            #expect(third.body.contains(#"posture_deliveries{state="failed"} 0"# + "\n"))
            #expect(!third.body.contains(#"state="delivered""#), "the delivered ones are not counted on each scrape")
            #expect(second.headers.first(name: .cacheControl) == "no-store")
            #expect(!second.body.contains("secret") && !second.body.contains("\"k\""))
        }
    }
}
