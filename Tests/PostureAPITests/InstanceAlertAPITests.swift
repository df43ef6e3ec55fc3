import Foundation
import NIOConcurrencyHelpers
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import Vapor

@testable import PostureServices

/// Instance-wide alerts on both databases: instance administrators give the instance its own
/// channels and rules, which hear every organization's alerts whatever the organization's own
/// rules say; nobody else sees or changes them.
@Suite struct InstanceAlertAPITests {
    static let measurements = "/api/v1/organizations/fabrikam/measurements"

    @Test(arguments: TestDatabase.available)
    func theInstanceHearsEveryOrganizationsAlerts(_ database: TestDatabase) async throws {
        let receiver = try await WebhookAPITests.Receiver(failures: 0)
        let now = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { now.withLockedValue { $0 } }
        do {
            try await APIHarness.with(database: database, clock: clock, configure: WebhookAPITests.allowPrivate) {
                harness in
                let service = harness.runtime.service
                let administrator = try await harness.token(nil, .readWrite)
                let instanceReader = try await harness.token(nil)
                let organizationWriter = try await harness.token("fabrikam", .readWrite, lifetime: 3 * 86_400)

                // Only instance administrators see them; changes need the read-write scope.
                #expect(
                    try await harness.send(.GET, "/api/v1/instance/channels", token: organizationWriter).status
                        == .forbidden
                )
                let hook = #"{"url": "\#(receiver.base)/hook", "events": ["action.regressed"]}"#
                #expect(
                    try await harness.send(.POST, "/api/v1/instance/channels", token: instanceReader, json: hook).status
                        == .forbidden
                )
                let added = try await harness.send(.POST, "/api/v1/instance/channels", token: administrator, json: hook)
                #expect(added.status == .created, "\(added.body)")
                let secret = try #require(try object(added.body)["secret"] as? String)
                receiver.secret.withLockedValue { $0 = secret }
                #expect(
                    try await harness.send(.GET, "/api/v1/instance/channels", token: instanceReader).body.contains(
                        receiver.base
                    )
                )
                let planner = #"{"kind": "planner", "planner": {"planId": "p", "bucketId": "b"}}"#
                let refused = try await harness.send(
                    .POST,
                    "/api/v1/instance/channels",
                    token: administrator,
                    json: planner
                )
                #expect(refused.status == .badRequest && refused.body.contains(#""target":"kind""#), "\(refused.body)")
                #expect(
                    try await service.channels("fabrikam").isEmpty,
                    "the instance's channels are not the organization's"
                )
                for path in ["/api/v1/organizations/*/channels", "/api/v1/organizations/*/alerts"] {
                    #expect(
                        try await harness.send(.GET, path, token: administrator).status == .notFound,
                        "the instance's reserved id is no organization"
                    )
                }

                // The organization turns its own regression alerts off: the instance still hears them.
                #expect(
                    try await harness.send(
                        .PATCH,
                        "/api/v1/organizations/fabrikam/alerts",
                        token: organizationWriter,
                        json: #"{"actionRegressed": {"enabled": false}}"#
                    ).status == .ok
                )
                let rules = try await harness.send(
                    .PATCH,
                    "/api/v1/instance/alerts",
                    token: administrator,
                    json: #"{"scoreDropped": {"enabled": false}}"#
                )
                #expect(rules.status == .ok, "\(rules.body)")
                #expect((try object(rules.body)["actionRegressed"] as? [String: Any])?["enabled"] as? Bool == true)
                #expect(
                    try await harness.send(
                        .PATCH,
                        "/api/v1/instance/alerts",
                        token: instanceReader,
                        json: #"{"scoreDropped": {"enabled": true}}"#
                    ).status == .forbidden
                )

                let good = #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 100, "total": 100}]}"#
                #expect(
                    try await harness.send(.PUT, Self.measurements, token: organizationWriter, json: good).status == .ok
                )
                try await service.evaluateAlerts("fabrikam")
                now.withLockedValue { $0 = $0.addingTimeInterval(60) }
                let bad = #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 10, "total": 100}]}"#
                #expect(
                    try await harness.send(.PUT, Self.measurements, token: organizationWriter, json: bad).status == .ok
                )
                #expect(
                    try await service.evaluateAlerts("fabrikam").isEmpty,
                    "the organization's own rules say nothing"
                )
                #expect(try await service.evaluateAlerts("fabrikam").isEmpty)

                let senders = OutboundSenders.network(policy: service.outbound)
                let queued = try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10)
                #expect(
                    queued.count == 1 && queued[0].organizationID == .instance
                        && queued[0].eventType == .actionRegressed
                )
                for delivery in queued {
                    #expect(
                        try await service.deliver(delivery, holder: "t", using: senders, jitter: 0)?.state == .delivered
                    )
                }
                let seen = receiver.seen.withLockedValue { $0 }
                #expect(seen.count == 1 && seen[0].verified)
                #expect(seen.first?.body.contains(#""organizationId":"fabrikam""#) == true)
                #expect(seen.first?.body.contains("AdminMFAV2") == true)

                let log = try object(
                    try await harness.send(.GET, "/api/v1/instance/deliveries", token: instanceReader).body
                )
                #expect((log["value"] as? [[String: Any]])?.first?["state"] as? String == "delivered")
                let audit = try await harness.runtime.store.auditEntries()
                #expect(audit.contains { $0.action == "webhook.add" && $0.organizationID == nil })
                #expect(audit.contains { $0.action == "alerts.set" && $0.organizationID == nil })
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
