import Foundation
import PostureCore
import PropertyBased
import Testing

/// Outbound rules: where messages may go, when a delivery is tried again, what an endpoint takes.
@Suite struct OutboundTests {
    @Test(
        arguments: [
            ("10.1.2.3", true), ("172.16.0.1", true), ("172.31.255.255", true), ("172.32.0.1", false),
            ("192.168.1.1", true), ("127.0.0.1", true), ("169.254.169.254", true), ("100.64.0.1", true),
            ("100.128.0.1", false), ("0.0.0.0", true), ("224.0.0.1", true), ("255.255.255.255", true),
            ("192.0.2.10", true), ("198.18.0.1", true), ("8.8.8.8", false), ("20.190.128.1", false),
            ("::1", true), ("::", true), ("fe80::1", true), ("fd00::1", true), ("fc12::1", true), ("ff02::1", true),
            ("2001:db8::1", true), ("::ffff:127.0.0.1", true), ("::ffff:10.0.0.1", true), ("::ffff:8.8.8.8", false),
            ("64:ff9b::a00:1", true), ("2606:4700:4700::1111", false), ("fe80::1%eth0", true),
        ] as [(String, Bool)]
    )
    func specialAddresses(_ address: String, _ special: Bool) {
        #expect(OutboundTarget.isSpecial(address: address) == special, "\(address)")
    }

    @Test(arguments: ["example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "::g", "1::2::3", "", "01234::"])
    func notAddresses(_ text: String) {
        #expect(OutboundTarget.isSpecial(address: text) == nil, "\(text)")
    }

    @Test func targets() {
        #expect(OutboundTarget.problem("https://hooks.example.com/x?a=1", field: "url", allowPrivate: false) == nil)
        #expect(
            OutboundTarget.problem("http://hooks.example.com/x", field: "url", allowPrivate: false)?.message.contains(
                "https"
            ) == true
        )
        #expect(OutboundTarget.problem("http://127.0.0.1:9/x", field: "url", allowPrivate: true) == nil)
        for url in [
            "https://127.0.0.1/x", "https://localhost/x", "https://[::1]/x", "https://10.0.0.5/x",
            "https://app.localhost/",
        ] {
            let problem = OutboundTarget.problem(url, field: "url", allowPrivate: false)
            #expect(
                problem?.field == "url" && problem?.message.contains("POSTURE_ALLOW_PRIVATE_TARGETS") == true,
                "\(url)"
            )
        }
        for url in ["hooks.example.com", "https://user:pw@hooks.example.com/", "https://", "ftp://x.example/"] {
            #expect(OutboundTarget.problem(url, field: "url", allowPrivate: false) != nil, "\(url)")
        }
    }

    @Test func retriesFollowTheScheduleThenStop() throws {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let waits = (1..<DeliverySchedule.maxAttempts).map {
            try! #require(DeliverySchedule.nextAttempt(after: start, attempts: $0, jitter: 0)).timeIntervalSince(start)
        }
        #expect(waits == [5, 300, 1_800, 7_200, 18_000, 36_000])
        #expect(DeliverySchedule.nextAttempt(after: start, attempts: DeliverySchedule.maxAttempts, jitter: 0) == nil)
        #expect(waits.reduce(0, +) < 86_400, "about a day at most")
        let asked = try #require(DeliverySchedule.nextAttempt(after: start, attempts: 1, retryAfter: 120, jitter: 0))
        #expect(asked.timeIntervalSince(start) == 120, "Retry-After beyond the schedule's wait is honoured")
        let absurd = try #require(DeliverySchedule.nextAttempt(after: start, attempts: 1, retryAfter: 1e9, jitter: 0))
        #expect(absurd.timeIntervalSince(start) == 86_400)
    }

    @Test func jitterStretchesByATenthAtMost() async {
        await propertyCheck(count: 300, input: zip(Gen.int(in: 1...6), Gen.int(in: 0...999))) { attempt, permille in
            let jitter = Double(permille) / 1_000
            let start = Date(timeIntervalSince1970: 0)
            let wait = DeliverySchedule.nextAttempt(after: start, attempts: attempt, jitter: jitter)!
                .timeIntervalSince(start)
            let base = DeliverySchedule.waits[attempt - 1]
            #expect(wait >= base && wait <= base * 1.1 + 1e-9)
        }
    }

    @Test(
        arguments: [
            (200, DeliveryResult.delivered), (204, .delivered), (410, .gone), (301, .failed), (404, .failed),
            (429, .failed), (503, .failed),
        ] as [(Int, DeliveryResult)]
    )
    func answers(_ status: Int, _ result: DeliveryResult) {
        #expect(DeliveryResult(status: status) == result)
        #expect(DeliveryResult(status: nil) == .failed)
    }

    @Test func endpointsTakeKnownEventsOnly() throws {
        #expect(
            try OutboundChannel.events(named: ["score.dropped", "action.regressed", "score.dropped"]) == [
                .actionRegressed, .scoreDropped,
            ]
        )
        #expect(throws: ConnectionProblem.self) { try OutboundChannel.events(named: []) }
        #expect(throws: ConnectionProblem.self) { try OutboundChannel.events(named: ["webhook.test"]) }
        #expect(throws: ConnectionProblem.self) { try OutboundChannel.events(named: ["score.Dropped"]) }
    }

    @Test func secretsAndSignedContent() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let secret = StandardWebhooks.secret(fromKey: key)
        #expect(secret.hasPrefix("whsec_") && StandardWebhooks.key(ofSecret: secret) == key)
        #expect(StandardWebhooks.key(ofSecret: "whsec_" + Data([1, 2, 3]).base64EncodedString()) == nil, "too short")
        #expect(StandardWebhooks.key(ofSecret: "sk_" + Data(key).base64EncodedString()) == nil)
        #expect(
            StandardWebhooks.signedContent(id: "msg_1", timestamp: 1_700_000_000, body: "{}") == "msg_1.1700000000.{}"
        )
        #expect(StandardWebhooks.signatureHeader([[1, 2], [3]]) == "v1,AQI= v1,Aw==")
    }

    @Test func eventBodiesHaveTheStandardShape() throws {
        let event = OutboundEvent(
            type: .scoreDropped,
            timestamp: Date(iso8601: "2026-12-05T10:00:00Z")!,
            data: JSONObject([("organizationId", .string("contoso"))])
        )
        #expect(
            event.body
                == #"{"type":"score.dropped","timestamp":"2026-12-05T10:00:00Z","data":{"organizationId":"contoso"}}"#
        )
    }
}
