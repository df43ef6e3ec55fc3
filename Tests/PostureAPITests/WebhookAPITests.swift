import Crypto
import Foundation
import NIOConcurrencyHelpers
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import Vapor
import VaporTesting

@testable import PostureServices

/// Webhook endpoints and the delivery queue on both databases, against a real receiver on this
/// machine that checks every Standard Webhooks signature.
@Suite struct WebhookAPITests {
    static let path = "/api/v1/organizations/contoso/webhooks"
    /// The receiver runs on this machine: the operator's permission for private targets.
    static let allowPrivate: @Sendable (inout PostureConfiguration) -> Void = { $0.allowPrivateTargets = true }

    /// A receiver: verifies signatures with the endpoint's secret, answers 503 (Retry-After 1) the
    /// first `failures` times, then 200; `/gone` answers 410.
    final class Receiver: Sendable {
        struct Seen: Sendable {
            var id: String
            var verified: Bool
            var body: String
            var signatures: Int = 1
        }
        let app: Application
        let base: String
        let seen = NIOLockedValueBox<[Seen]>([])
        let secret = NIOLockedValueBox<String?>(nil)
        let failures: NIOLockedValueBox<Int>

        init(failures: Int) async throws {
            self.failures = NIOLockedValueBox(failures)
            let app = try await Application.make(.testing)
            app.logger.logLevel = .error
            self.app = app
            let handler = NIOLockedValueBox<(@Sendable (Request) -> Response)?>(nil)
            app.post("hook") { request in
                handler.withLockedValue { $0 }?(request) ?? Response(status: .internalServerError)
            }
            app.post("gone") { _ in Response(status: .gone) }
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
            handler.withLockedValue { $0 = self.answer }
        }

        @Sendable func answer(_ request: Request) -> Response {
            let body = request.body.string ?? ""
            let id = request.headers.first(name: "webhook-id") ?? ""
            let timestamp = request.headers.first(name: "webhook-timestamp") ?? ""
            let signatures = (request.headers.first(name: "webhook-signature") ?? "").split(separator: " ")
            var verified = false
            if let secret = secret.withLockedValue({ $0 }), secret.hasPrefix("whsec_"),
                let key = Data(base64Encoded: String(secret.dropFirst(6)))
            {
                let expected = HMAC<SHA256>.authenticationCode(
                    for: Data("\(id).\(timestamp).\(body)".utf8),
                    using: SymmetricKey(data: key)
                )
                verified = signatures.contains("v1," + Data(expected).base64EncodedString())
            }
            seen.withLockedValue {
                $0.append(Seen(id: id, verified: verified, body: body, signatures: signatures.count))
            }
            let fail = failures.withLockedValue { left -> Bool in
                defer { left = max(left - 1, 0) }
                return left > 0
            }
            if fail {
                var headers = HTTPHeaders()
                headers.add(name: "Retry-After", value: "1")
                return Response(status: .serviceUnavailable, headers: headers)
            }
            return Response(status: .ok)
        }

        func stop() async throws {
            await app.server.shutdown()
            try await app.asyncShutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func endpointsAreManagedAndShownWithoutTheirSecret(_ database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let writer = try await harness.token("contoso", .readWrite)
            let reader = try await harness.token("contoso")
            let body = #"{"url": "https://hooks.example.com/posture", "events": ["score.dropped", "action.regressed"]}"#
            #expect(try await harness.send(.POST, Self.path, token: reader, json: body).status == .forbidden)
            let created = try await harness.send(.POST, Self.path, token: writer, json: body)
            #expect(created.status == .created, "\(created.body)")
            let endpoint = try object(created.body)
            let secret = try #require(endpoint["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && StandardWebhooks.key(ofSecret: secret)?.count == 32)
            #expect(endpoint["events"] as? [String] == ["action.regressed", "score.dropped"])
            let id = try #require(endpoint["id"] as? String)

            let listed = try await harness.send(.GET, Self.path, token: reader)
            #expect(listed.status == .ok && listed.body.contains(id) && !listed.body.contains(secret))
            let audit = try await harness.runtime.store.auditEntries(organizationID: "contoso")
            #expect(audit.contains { $0.action == "webhook.add" } && !audit.contains { "\($0)".contains(secret) })

            // Bad input names its field; private targets are refused unless the operator allows them.
            for (json, target) in [
                (#"{"url": "http://hooks.example.com/", "events": ["score.dropped"]}"#, "url"),
                (#"{"url": "https://169.254.169.254/latest", "events": ["score.dropped"]}"#, "url"),
                (#"{"url": "https://hooks.example.com/", "events": []}"#, "events"),
                (#"{"url": "https://hooks.example.com/", "events": ["score.drop"]}"#, "events"),
                (#"{"url": "https://hooks.example.com/", "events": ["score.dropped"], "secret": "x"}"#, "secret"),
            ] {
                let refused = try await harness.send(.POST, Self.path, token: writer, json: json)
                #expect(
                    refused.status == .badRequest && refused.body.contains(#""target":"\#(target)""#),
                    "\(json): \(refused.body)"
                )
            }
            let metadata = try await harness.send(
                .POST,
                Self.path,
                token: writer,
                json: #"{"url": "https://169.254.169.254/latest", "events": ["score.dropped"]}"#
            )
            #expect(metadata.body.contains("POSTURE_ALLOW_PRIVATE_TARGETS"))

            let tested = try await harness.send(.POST, Self.path + "/\(id)/test", token: writer)
            #expect(tested.status == .accepted)
            let log = try await harness.send(.GET, "/api/v1/organizations/contoso/deliveries", token: reader)
            let entries = try #require(try object(log.body)["value"] as? [[String: Any]])
            #expect(entries.count == 1 && entries[0]["event"] as? String == "webhook.test")
            #expect(entries[0]["state"] as? String == "pending" && entries[0]["channelId"] as? String == id)
            #expect(
                try await harness.send(.GET, "/api/v1/organizations/contoso/deliveries?limit=0", token: reader).status
                    == .badRequest
            )

            #expect(try await harness.send(.DELETE, Self.path + "/\(id)", token: reader).status == .forbidden)
            #expect(try await harness.send(.DELETE, Self.path + "/\(id)", token: writer).status == .noContent)
            #expect(try await harness.send(.DELETE, Self.path + "/\(id)", token: writer).status == .notFound)
            let after = try await harness.runtime.store.deliveries("contoso", limit: 10)
            #expect(after.first?.state == .cancelled, "what the endpoint still had to send is cancelled")

            for number in 0..<OutboundChannel.limitPerOrganization {
                let json = #"{"url": "https://hooks.example.com/\#(number)", "events": ["score.dropped"]}"#
                #expect(try await harness.send(.POST, Self.path, token: writer, json: json).status == .created)
            }
            let extra = #"{"url": "https://hooks.example.com/x", "events": ["score.dropped"]}"#
            #expect(try await harness.send(.POST, Self.path, token: writer, json: extra).status == .conflict)
        }
    }

    /// A receiver that fails three times, then succeeds, gets the event once by its id, every
    /// attempt signed; the attempts follow the schedule and Retry-After; exactly one of two
    /// holders takes each attempt; a 410 turns the endpoint off.
    @Test(arguments: TestDatabase.available)
    func deliveriesAreRetriedSignedAndTakenOnce(_ database: TestDatabase) async throws {
        let receiver = try await Receiver(failures: 3)
        let now = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { now.withLockedValue { $0 } }
        do {
            try await APIHarness.with(database: database, clock: clock, configure: Self.allowPrivate) {
                harness in
                let service = harness.runtime.service
                let (endpoint, secret) = try await service.addWebhookEndpoint(
                    "contoso",
                    url: receiver.base + "/hook",
                    events: ["score.dropped"],
                    actor: "test"
                )
                receiver.secret.withLockedValue { $0 = secret }
                let event = OutboundEvent(
                    type: .scoreDropped,
                    timestamp: APIHarness.now,
                    data: JSONObject([("organizationId", .string("contoso"))])
                )
                let queued = try await service.publish(event, for: "contoso")
                #expect(queued.count == 1)
                #expect(
                    try await service.publish(
                        OutboundEvent(type: .ticketUpdated, timestamp: APIHarness.now, data: JSONObject([])),
                        for: "contoso"
                    ).isEmpty,
                    "not subscribed"
                )

                let sender = OutboundSenders.network(policy: service.outbound)
                var waits: [Double] = []
                for attempt in 1...4 {
                    let first = try await service.claimDueDeliveries(holder: "a", leaseSeconds: 60, limit: 5)
                    let second = try await service.claimDueDeliveries(holder: "b", leaseSeconds: 60, limit: 5)
                    #expect(first.count == 1 && second.isEmpty, "attempt \(attempt): one holder only")
                    let recorded = try #require(
                        try await service.deliver(first[0], holder: "a", using: sender, jitter: 0)
                    )
                    #expect(recorded.attempts == attempt)
                    if attempt < 4 {
                        #expect(recorded.state == .pending && recorded.lastStatus == 503)
                        let next = try #require(recorded.nextAttemptAt)
                        waits.append(next.timeIntervalSince(now.withLockedValue { $0 }))
                        // Not due yet: nobody takes it.
                        #expect(try await service.claimDueDeliveries(holder: "a", leaseSeconds: 60, limit: 5).isEmpty)
                        now.withLockedValue { $0 = next }
                    } else {
                        #expect(
                            recorded.state == .delivered && recorded.lastStatus == 200 && recorded.finishedAt != nil
                        )
                    }
                }
                #expect(waits == [5, 300, 1_800])
                let seen = receiver.seen.withLockedValue { $0 }
                #expect(
                    seen.count == 4 && seen.allSatisfy(\.verified),
                    "every attempt signed with the endpoint's secret"
                )
                #expect(Set(seen.map(\.id)) == [queued[0].id], "one idempotency key across the retries")
                #expect(seen.allSatisfy { $0.body == event.body })

                // A lease that nobody finishes expires, and the next holder sends again.
                _ = try await service.testChannel("contoso", id: endpoint.id)
                let taken = try await service.claimDueDeliveries(holder: "dead", leaseSeconds: 60, limit: 5)
                #expect(taken.count == 1)
                now.withLockedValue { $0 = $0.addingTimeInterval(61) }
                let retaken = try await service.claimDueDeliveries(holder: "b", leaseSeconds: 60, limit: 5)
                #expect(retaken.map(\.id) == taken.map(\.id))
                #expect(
                    try await service.deliver(retaken[0], holder: "dead", using: sender) == nil,
                    "nothing is recorded for a holder whose lease was taken"
                )
                #expect(
                    try await service.deliveries("contoso").first { $0.id == taken[0].id }?.state == .pending,
                    "the dead holder's late record is refused"
                )

                // 410 Gone: the endpoint is turned off and its queue cancelled.
                let (gone, _) = try await service.addWebhookEndpoint(
                    "contoso",
                    url: receiver.base + "/gone",
                    events: ["score.dropped"],
                    actor: "test"
                )
                _ = try await service.testChannel("contoso", id: gone.id)
                for delivery in try await service.claimDueDeliveries(holder: "c", leaseSeconds: 60, limit: 5)
                where delivery.channelID == gone.id {
                    let recorded = try await service.deliver(delivery, holder: "c", using: sender)
                    #expect(recorded?.state == .failed && recorded?.lastStatus == 410)
                }
                let disabled = try #require(try await service.channels("contoso").first { $0.id == gone.id })
                #expect(!disabled.isEnabled && disabled.disabledReason?.contains("410") == true)
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    /// After a rotation the new secret is shown once and every message is signed with both
    /// secrets for a day; then with the new one only.
    @Test(arguments: TestDatabase.available)
    func aRotatedSecretSignsBesideTheOldOneForADay(_ database: TestDatabase) async throws {
        let receiver = try await Receiver(failures: 0)
        let now = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { now.withLockedValue { $0 } }
        do {
            try await APIHarness.with(database: database, clock: clock, configure: Self.allowPrivate) { harness in
                let service = harness.runtime.service
                let writer = try await harness.token("contoso", .readWrite, lifetime: 3 * 86_400)
                let (endpoint, old) = try await service.addWebhookEndpoint(
                    "contoso",
                    url: receiver.base + "/hook",
                    events: ["score.dropped"],
                    actor: "test"
                )
                let rotated = try await harness.send(.POST, Self.path + "/\(endpoint.id)/rotate", token: writer)
                #expect(rotated.status == .ok, "\(rotated.body)")
                let new = try #require(try object(rotated.body)["secret"] as? String)
                #expect(new.hasPrefix("whsec_") && new != old)
                #expect(try await harness.send(.POST, Self.path + "/ch_none/rotate", token: writer).status == .notFound)
                let listed = try await harness.send(.GET, Self.path, token: writer)
                #expect(!listed.body.contains(new) && !listed.body.contains(old))

                let senders = OutboundSenders.network(policy: service.outbound)
                func send(verifyingWith secret: String) async throws -> (verified: Bool, signatures: Int) {
                    receiver.secret.withLockedValue { $0 = secret }
                    _ = try await service.testChannel("contoso", id: endpoint.id)
                    for delivery in try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 5) {
                        _ = try await service.deliver(delivery, holder: "t", using: senders)
                    }
                    let seen = try #require(receiver.seen.withLockedValue { $0 }.last)
                    return (seen.verified, seen.signatures)
                }
                #expect(try await send(verifyingWith: old) == (true, 2), "the old secret still verifies")
                #expect(try await send(verifyingWith: new) == (true, 2))
                now.withLockedValue { $0 = $0.addingTimeInterval(PostureService.previousSecretSeconds + 1) }
                #expect(try await send(verifyingWith: old) == (false, 1), "a day later only the new one signs")
                #expect(try await send(verifyingWith: new) == (true, 1))
                let audit = try await harness.runtime.store.auditEntries(organizationID: "contoso")
                #expect(audit.contains { $0.action == "webhook.rotate" } && !audit.contains { "\($0)".contains(new) })
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    /// The server's scheduler sends a new event within about a second.
    @Test func theSchedulerSendsWhatIsQueued() async throws {
        let receiver = try await Receiver(failures: 0)
        do {
            try await APIHarness.with(clock: PostureClock { Date() }, configure: Self.allowPrivate) {
                harness in
                let service = harness.runtime.service
                let (_, secret) = try await service.addWebhookEndpoint(
                    "contoso",
                    url: receiver.base + "/hook",
                    events: ["score.dropped"],
                    actor: "test"
                )
                receiver.secret.withLockedValue { $0 = secret }
                let scheduler = DeliveryScheduler(
                    service: service,
                    senders: .network(policy: service.outbound),
                    settings: .init(concurrency: 2, pollSeconds: 0.1),
                    logger: Logger(label: "delivery-test", factory: { _ in SwiftLogNoOpLogHandler() })
                )
                let running = Task { await scheduler.run() }
                let queued = try await service.publish(
                    OutboundEvent(type: .scoreDropped, timestamp: Date(), data: JSONObject([])),
                    for: "contoso"
                )
                var state = DeliveryState.pending
                for _ in 0..<100 where state == .pending {
                    try await Task.sleep(for: .milliseconds(50))
                    state =
                        try await service.deliveries("contoso").first { $0.id == queued.first?.id }?.state ?? .pending
                }
                running.cancel()
                await running.value
                #expect(state == .delivered)
                #expect(receiver.seen.withLockedValue { $0 }.map(\.verified) == [true])
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    /// Without the operator's permission, a name that resolves to this machine is refused at send
    /// time, whatever the URL looked like when it was stored.
    @Test func theSenderRefusesPrivateAddresses() async throws {
        let sender = OutboundHTTPSender(policy: OutboundPolicy(allowPrivateTargets: false))
        let attempt = await sender.send(url: "https://localhost:9/hook", headers: [], body: "{}")
        #expect(attempt.status == nil && attempt.error?.contains("private, loopback or link-local") == true)
    }
}
