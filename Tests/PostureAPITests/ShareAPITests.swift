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

/// Sharing an improvement action end to end: by e-mail to typed addresses through the
/// organization's e-mail channel (a real SMTP server), and to a Teams channel (a real receiver);
/// each share in the action's history and the audit log; refusals named by field.
@Suite struct ShareAPITests {
    static let base = "/api/v1/organizations/contoso"

    @Test(arguments: TestDatabase.available)
    func actionsAreSharedByEmailAndToTeams(_ database: TestDatabase) async throws {
        let receiver = try await WebhookAPITests.Receiver(failures: 0)
        let smtp = try await SMTPTestServer.start(mode: .plain)
        defer { smtp.stop() }
        do {
            try await APIHarness.with(database: database, configure: WebhookAPITests.allowPrivate) { harness in
                let writer = try await harness.token("contoso", .readWrite)
                let reader = try await harness.token("contoso")
                let service = harness.runtime.service
                let (teams, _) = try await service.addChannel(
                    "contoso",
                    ChannelDraft(
                        kind: .teams,
                        name: "SOC",
                        url: receiver.base + "/hook?sig=s",
                        events: ["score.dropped"]
                    ),
                    actor: "test"
                )
                _ = try await service.addChannel(
                    "contoso",
                    ChannelDraft(
                        kind: .email,
                        events: ["score.dropped"],
                        mail: MailSettings(
                            host: "127.0.0.1",
                            port: smtp.port,
                            security: .none,
                            from: "posture@contoso.example",
                            to: ["alerts@contoso.example"]
                        )
                    ),
                    actor: "test"
                )
                let path = Self.base + "/actions/AdminMFAV2/share"
                let body = #"{"to": ["owner@contoso.example"], "note": "Please fix .before Friday"}"#
                #expect(try await harness.send(.POST, path, token: reader, json: body).status == .forbidden)
                let shared = try await harness.send(.POST, path, token: writer, json: body)
                #expect(shared.status == .accepted, "\(shared.body)")
                let posted = try await harness.send(
                    .POST,
                    path,
                    token: writer,
                    json: #"{"channelId": "\#(teams.id)"}"#
                )
                #expect(posted.status == .accepted, "\(posted.body)")

                let senders = OutboundSenders.network(policy: service.outbound)
                for delivery in try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10) {
                    #expect(try await service.deliver(delivery, holder: "t", using: senders)?.state == .delivered)
                }
                let mail = try #require(smtp.messages().first)
                #expect(mail.recipients == ["owner@contoso.example"], "the typed addresses, not the channel's")
                #expect(mail.raw.contains("Subject: Contoso (demo): Ensure multifactor authentication is enabled"))
                let unfolded = mail.raw.replacingOccurrences(of: "=\r\n", with: "")
                #expect(
                    unfolded.contains("Please fix .before Friday")
                        && unfolded.contains("/orgs/contoso/actions/AdminMFAV2")
                )
                let card = try #require(receiver.seen.withLockedValue { $0 }.first)
                #expect(
                    card.body.contains("\"type\":\"message\"") && card.body.contains("shared this improvement action")
                )

                let listed = try object(
                    try await harness.send(.GET, Self.base + "/actions/AdminMFAV2/shares", token: reader).body
                )
                let shares = try #require(listed["value"] as? [[String: Any]])
                #expect(shares.count == 2 && shares.allSatisfy { $0["state"] as? String == "delivered" })
                #expect(Set(shares.compactMap { $0["method"] as? String }) == ["email", "channel"])
                #expect(shares.contains { $0["target"] as? String == "Microsoft Teams: SOC" })
                let audit = try await harness.runtime.store.auditEntries(organizationID: "contoso")
                #expect(audit.filter { $0.action == "action.share" }.count == 2)

                for (json, status, target) in [
                    (#"{"note": "x"}"#, HTTPStatus.badRequest, "to"),
                    (#"{"to": ["not an address"]}"#, .badRequest, "to"),
                    (#"{"to": ["a@contoso.example"], "channelId": "ch_x"}"#, .badRequest, "to"),
                    (
                        #"{"to": ["a@contoso.example"], "note": "\#(String(repeating: "n", count: 1_001))"}"#,
                        .badRequest, "note"
                    ),
                    (#"{"channelId": "ch_nothing"}"#, .notFound, nil),
                    (#"{"to": ["a@contoso.example"], "cc": []}"#, .badRequest, "cc"),
                ] as [(String, HTTPStatus, String?)] {
                    let refused = try await harness.send(.POST, path, token: writer, json: json)
                    #expect(refused.status == status, "\(json): \(refused.body)")
                    if let target {
                        #expect(refused.body.contains(#""target":"\#(target)""#), "\(json): \(refused.body)")
                    }
                }
                let unknown = try await harness.send(
                    .POST,
                    Self.base + "/actions/NoSuchAction/share",
                    token: writer,
                    json: body
                )
                #expect(unknown.status == .notFound)

                // An organization without an e-mail channel is told where to add one.
                let other = try await harness.token("fabrikam", .readWrite)
                let nowhere = try await harness.send(
                    .POST,
                    "/api/v1/organizations/fabrikam/actions/AdminMFAV2/share",
                    token: other,
                    json: body
                )
                #expect(nowhere.status == .badRequest && nowhere.body.contains("Settings → Channels"))
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}
