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

/// Alerts end to end on both databases: writes that lose points, the look a few seconds later,
/// the events queued for the organization's endpoints and received signed by a real receiver.
@Suite struct AlertAPITests {
    static let path = "/api/v1/organizations/fabrikam/alerts"
    static let measurements = "/api/v1/organizations/fabrikam/measurements"

    @Test(arguments: TestDatabase.available)
    func rulesAreReadByEveryRoleAndChangedByWriters(_ database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let reader = try await harness.token("fabrikam")
            let writer = try await harness.token("fabrikam", .readWrite)
            let shown = try object(try await harness.send(.GET, Self.path, token: reader).body)
            let drop = try #require(shown["scoreDropped"] as? [String: Any])
            #expect(drop["enabled"] as? Bool == true && drop["percentagePoints"] as? Double == 5)
            #expect((shown["scoreBelowFloor"] as? [String: Any])?["enabled"] as? Bool == false, "off by default")

            let change = #"{"scoreBelowFloor": {"enabled": true, "percent": 40}, "exceptionExpiring": {"days": 30}}"#
            #expect(try await harness.send(.PATCH, Self.path, token: reader, json: change).status == .forbidden)
            let changed = try await harness.send(.PATCH, Self.path, token: writer, json: change)
            #expect(changed.status == .ok, "\(changed.body)")
            let after = try object(try await harness.send(.GET, Self.path, token: reader).body)
            #expect((after["scoreBelowFloor"] as? [String: Any])?["percent"] as? Double == 40)
            #expect((after["exceptionExpiring"] as? [String: Any])?["days"] as? Int == 30)
            #expect((after["scoreDropped"] as? [String: Any])?["enabled"] as? Bool == true, "a merge keeps the rest")

            for (json, target) in [
                (#"{"exceptionExpiring": {"days": 0}}"#, "exceptionExpiring.days"),
                (#"{"floor": 40}"#, "floor"),
            ] {
                let refused = try await harness.send(.PATCH, Self.path, token: writer, json: json)
                #expect(refused.status == .badRequest && refused.body.contains(target), "\(json): \(refused.body)")
            }
            let audit = try await harness.runtime.store.auditEntries(organizationID: "fabrikam")
            #expect(audit.filter { $0.action == "alerts.set" }.count == 1, "refused changes leave no trace")
        }
    }

    /// Yesterday earned every point of two actions; today's two writes lose them. Fifteen seconds
    /// after the first write one look sends one regression message naming both, and one score drop,
    /// to the endpoint subscribed to them; a second look sends nothing more.
    @Test(arguments: TestDatabase.available)
    func lostPointsAreAnnouncedOnceAfterTheBurstSettles(_ database: TestDatabase) async throws {
        let receiver = try await WebhookAPITests.Receiver(failures: 0)
        let now = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { now.withLockedValue { $0 } }
        do {
            try await APIHarness.with(database: database, clock: clock, configure: WebhookAPITests.allowPrivate) {
                harness in
                let service = harness.runtime.service
                let writer = try await harness.token("fabrikam", .readWrite, lifetime: 3 * 86_400)
                let (_, secret) = try await service.addWebhookEndpoint(
                    "fabrikam",
                    url: receiver.base + "/hook",
                    events: ["action.regressed", "score.dropped"],
                    actor: "test"
                )
                receiver.secret.withLockedValue { $0 = secret }
                let good =
                    #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 100, "total": 100}, {"actionId": "BlockLegacyAuthentication", "implemented": true}]}"#
                let stored = try await harness.send(.PUT, Self.measurements, token: writer, json: good)
                #expect(stored.status == .ok, "\(stored.body)")
                try await service.evaluateAlerts("fabrikam")

                // The next day: two writes a few seconds apart, each losing points.
                now.withLockedValue { $0 = APIHarness.now.addingTimeInterval(86_400) }
                try await service.evaluateAlerts("fabrikam")
                let first = #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 10, "total": 100}]}"#
                let second = #"{"measurements": [{"actionId": "BlockLegacyAuthentication", "implemented": false}]}"#
                #expect(try await harness.send(.PUT, Self.measurements, token: writer, json: first).status == .ok)
                now.withLockedValue { $0 = $0.addingTimeInterval(5) }
                #expect(try await harness.send(.PUT, Self.measurements, token: writer, json: second).status == .ok)
                #expect(try await service.evaluateDueAlerts() == 0, "the burst has not settled yet")
                now.withLockedValue { $0 = $0.addingTimeInterval(PostureService.alertSettleSeconds) }
                #expect(try await service.evaluateDueAlerts() == 2)
                #expect(try await service.evaluateDueAlerts() == 0, "looked at already")
                #expect(try await service.evaluateAlerts("fabrikam").isEmpty, "one alert per incident")

                let sender = OutboundSenders.network(policy: service.outbound)
                for delivery in try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10) {
                    let recorded = try await service.deliver(delivery, holder: "t", using: sender, jitter: 0)
                    #expect(recorded?.state == .delivered)
                }
                let seen = receiver.seen.withLockedValue { $0 }
                #expect(seen.count == 2 && seen.allSatisfy(\.verified))
                let bodies = try seen.map { try object($0.body) }
                let regressed = try #require(bodies.first { $0["type"] as? String == "action.regressed" })
                let data = try #require(regressed["data"] as? [String: Any])
                let actions = try #require(data["actions"] as? [[String: Any]])
                #expect(Set(actions.compactMap { $0["id"] as? String }) == ["AdminMFAV2", "BlockLegacyAuthentication"])
                #expect(data["organizationName"] as? String == "Fabrikam")
                #expect((data["url"] as? String)?.hasSuffix("/orgs/fabrikam") == true)
                let dropped = try #require(bodies.first { $0["type"] as? String == "score.dropped" })
                let drop = try #require(dropped["data"] as? [String: Any])
                #expect((drop["previousPoints"] as? Double ?? 0) > (drop["currentPoints"] as? Double ?? 0))

                // Deleting the organization takes its endpoints, deliveries and alert state along.
                #expect(try await service.deleteOrganization("fabrikam", actor: "test"))
                #expect(try await harness.runtime.store.alerts("fabrikam") == nil)
                #expect(try await harness.runtime.store.deliveries("fabrikam", limit: 10).isEmpty)
                #expect(try await harness.runtime.store.channels("fabrikam").isEmpty)
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
