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

/// Teams and e-mail channels end to end on both databases: added through the API (their secrets
/// never shown back), an event queued for them and sent to a real local receiver and a real SMTP
/// server (STARTTLS, AUTH), a refused attempt tried again.
@Suite struct ChannelAPITests {
    static let path = "/api/v1/organizations/contoso/channels"

    @Test(arguments: TestDatabase.available)
    func teamsAndEmailChannelsCarryAnEvent(_ database: TestDatabase) async throws {
        let receiver = try await WebhookAPITests.Receiver(failures: 0)
        let smtp = try await SMTPTestServer.start(
            mode: .starttls,
            user: "posture",
            password: "smtp-pass-1",
            failFirst: 1
        )
        let now = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { now.withLockedValue { $0 } }
        defer { smtp.stop() }
        do {
            try await APIHarness.with(database: database, clock: clock, configure: WebhookAPITests.allowPrivate) {
                harness in
                let writer = try await harness.token("contoso", .readWrite)
                let reader = try await harness.token("contoso")
                let teamsURL = receiver.base + "/hook?api-version=1&sig=teams-signature-1"
                let teams = try await harness.send(
                    .POST,
                    Self.path,
                    token: writer,
                    json: #"{"kind": "teams", "name": "SOC", "url": "\#(teamsURL)", "events": ["score.dropped"]}"#
                )
                #expect(teams.status == .created, "\(teams.body)")
                #expect(try !teams.body.contains("teams-signature-1") && object(teams.body)["secret"] == nil)
                let email = try await harness.send(
                    .POST,
                    Self.path,
                    token: writer,
                    json: """
                        {"kind": "email", "name": "Security team", "events": ["score.dropped"],
                         "to": ["secops@contoso.example", "ciso@contoso.example"],
                         "smtp": {"host": "localhost", "port": \(smtp.port), "security": "starttls",
                                  "username": "posture", "password": "smtp-pass-1", "from": "posture@contoso.example"}}
                        """
                )
                #expect(email.status == .created, "\(email.body)")
                let listed = try await harness.send(.GET, Self.path, token: reader)
                #expect(
                    listed.status == .ok && !listed.body.contains("smtp-pass-1")
                        && !listed.body.contains("teams-signature")
                )
                let values = try #require(try object(listed.body)["value"] as? [[String: Any]])
                #expect(Set(values.compactMap { $0["kind"] as? String }) == ["teams", "email"])
                let webhooksOnly = try await harness.send(.GET, "/api/v1/organizations/contoso/webhooks", token: reader)
                #expect(
                    (try object(webhooksOnly.body)["value"] as? [Any])?.isEmpty == true,
                    "/webhooks lists webhooks only"
                )

                let service = harness.runtime.service
                let event = OutboundEvent(
                    type: .scoreDropped,
                    timestamp: APIHarness.now,
                    data: JSONObject([
                        ("organizationId", .string("contoso")), ("organizationName", .string("Contoso")),
                        ("url", .string("https://posture.example/orgs/contoso")), ("previousPercent", .double(62)),
                        ("currentPercent", .double(51.5)), ("previousPoints", .double(62)),
                        ("currentPoints", .double(51.5)), ("maxPoints", .double(100)),
                    ])
                )
                let queued = try await service.publish(event, for: "contoso")
                #expect(queued.count == 2)
                let senders = OutboundSenders.network(
                    policy: service.outbound,
                    extraTrustRoots: SMTPTestServer.certificate.pem
                )
                var states: [String: [DeliveryState]] = [:]
                for _ in 0..<2 {
                    for delivery in try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10) {
                        let recorded = try #require(
                            try await service.deliver(delivery, holder: "t", using: senders, jitter: 0)
                        )
                        states[recorded.channelID, default: []].append(recorded.state)
                        if recorded.state == .pending {
                            #expect(recorded.lastStatus == 451, "the SMTP reply is the attempt's status")
                            now.withLockedValue { $0 = recorded.nextAttemptAt ?? $0 }
                        }
                    }
                }
                #expect(states.values.map { $0.last } == [.delivered, .delivered])

                let card = try #require(receiver.seen.withLockedValue { $0 }.first)
                #expect(card.body.utf8.count <= TeamsCard.maxBytes)
                let root = try object(card.body)
                #expect(root["type"] as? String == "message")
                #expect(card.body.contains("Contoso: score dropped from 62.0% to 51.5%"))

                let mails = smtp.messages()
                #expect(mails.count == 1, "the refused attempt was tried again and arrived once")
                let mail = try #require(mails.first)
                #expect(mail.login == "posture" && mail.mailFrom == "posture@contoso.example")
                #expect(mail.recipients == ["secops@contoso.example", "ciso@contoso.example"])
                let emailChannel = try #require(values.first { $0["kind"] as? String == "email" }?["id"] as? String)
                let emailDelivery = try #require(queued.first { $0.channelID == emailChannel })
                #expect(mail.raw.contains("Message-ID: <\(emailDelivery.id)@contoso.example>"), "the delivery's id")
                #expect(mail.raw.contains("Subject: Contoso: score dropped from 62.0% to 51.5%"))

                // Bad channels are refused by field; the Teams URL and the SMTP password never show.
                for (json, target) in [
                    (#"{"kind": "fax", "events": ["score.dropped"]}"#, "kind"),
                    (
                        #"{"kind": "teams", "url": "https://x.webhook.office.com/a", "events": ["score.dropped"]}"#,
                        "url"
                    ),
                    (#"{"kind": "email", "events": ["score.dropped"], "to": ["a@b.example"]}"#, "smtp"),
                    (
                        #"{"kind": "email", "events": ["score.dropped"], "to": ["nobody"], "smtp": {"host": "smtp.example.com", "from": "a@b.example"}}"#,
                        "to"
                    ),
                    (
                        #"{"kind": "email", "events": ["score.dropped"], "to": ["a@b.example"], "smtp": {"host": "smtp.example.com", "from": "a@b.example", "username": "u"}}"#,
                        "smtp.password"
                    ),
                    (#"{"kind": "teams", "url": "https://a.example/x", "events": ["score.dropped"], "to": []}"#, "to"),
                ] {
                    let refused = try await harness.send(.POST, Self.path, token: writer, json: json)
                    #expect(
                        refused.status == .badRequest && refused.body.contains(#""target":"\#(target)""#),
                        "\(json): \(refused.body)"
                    )
                }
                let audit = try await harness.runtime.store.auditEntries(organizationID: "contoso")
                #expect(!audit.contains { "\($0)".contains("smtp-pass-1") || "\($0)".contains("teams-signature-1") })
                let database = try await harness.runtime.store.channels("contoso")
                #expect(database.allSatisfy { !$0.target.contains("teams-signature-1") })
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
