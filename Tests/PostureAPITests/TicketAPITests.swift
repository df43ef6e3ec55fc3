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

/// ServiceNow tickets end to end on both databases, against a local fake of the Table API: a
/// shared action raises one incident (a second share finds it), its state is read back and
/// announced, OAuth works, and refusals are named.
@Suite struct TicketAPITests {
    static let base = "/api/v1/organizations/contoso"

    static func channelJSON(
        _ fake: FakeServiceNow,
        authentication: String = "basic",
        password: String = FakeServiceNow.password
    )
        -> String
    {
        """
        {"kind": "servicenow", "name": "IT", "servicenow": {"instanceUrl": "\(fake.base)", "table": "incident",
         "authentication": "\(authentication)", "username": "\(FakeServiceNow.username)", "password": "\(password)",
         "clientId": "\(FakeServiceNow.clientID)", "clientSecret": "\(FakeServiceNow.clientSecret)",
         "category": "Security", "assignmentGroup": "Security Operations"}}
        """
    }

    @Test(arguments: TestDatabase.available)
    func sharedActionsRaiseTicketsThatAreFollowed(_ database: TestDatabase) async throws {
        let fake = try await FakeServiceNow()
        let receiver = try await WebhookAPITests.Receiver(failures: 0)
        do {
            try await APIHarness.with(database: database, configure: WebhookAPITests.allowPrivate) { harness in
                let writer = try await harness.token("contoso", .readWrite)
                let reader = try await harness.token("contoso")
                let service = harness.runtime.service
                let added = try await harness.send(
                    .POST,
                    "\(Self.base)/channels",
                    token: writer,
                    json: Self.channelJSON(fake)
                )
                #expect(added.status == .created, "\(added.body)")
                #expect(
                    !added.body.contains(FakeServiceNow.password) && !added.body.contains(FakeServiceNow.clientSecret)
                )
                let channel = try #require(try object(added.body)["id"] as? String)
                let (hook, secret) = try await service.addWebhookEndpoint(
                    "contoso",
                    url: receiver.base + "/hook",
                    events: ["ticket.updated"],
                    actor: "test"
                )
                receiver.secret.withLockedValue { $0 = secret }
                let senders = OutboundSenders.network(policy: service.outbound)
                func deliverAll() async throws -> [Delivery] { try await service.deliverDue(using: senders) }

                let share = #"{"channelId": "\#(channel)", "note": "for the change board"}"#
                #expect(
                    try await harness.send(.POST, "\(Self.base)/actions/AdminMFAV2/share", token: writer, json: share)
                        .status == .accepted
                )
                #expect(try await deliverAll().map(\.state) == [.delivered])
                #expect(
                    try await harness.send(.POST, "\(Self.base)/actions/AdminMFAV2/share", token: writer, json: share)
                        .status == .accepted
                )
                #expect(try await deliverAll().map(\.state) == [.delivered])
                let incidents = fake.records.withLockedValue { $0 }
                #expect(incidents.count == 1, "a second share finds the open ticket")
                let incident = try #require(incidents.first)
                #expect(incident.fields["correlation_id"] == "posture:contoso:AdminMFAV2")
                #expect(
                    incident.fields["short_description"]?.hasPrefix("Posture: Contoso (demo): Ensure multifactor")
                        == true
                )
                #expect(incident.fields["description"]?.contains("for the change board") == true)
                #expect(
                    incident.fields["category"] == "Security"
                        && incident.fields["assignment_group"] == "Security Operations"
                )
                #expect(incident.fields["impact"] != nil && incident.fields["urgency"] != nil)
                #expect(
                    incident.fields["work_notes"]?.hasPrefix("Shared again from Posture.") == true,
                    "the second share noted on the open ticket"
                )
                #expect(
                    fake.seen.withLockedValue { $0 }.contains {
                        $0.method == "PATCH" && $0.path.contains(incident.sysID)
                    }
                )

                let listed = try object(
                    try await harness.send(.GET, "\(Self.base)/tickets?open=true", token: reader).body
                )
                let tickets = try #require(listed["value"] as? [[String: Any]])
                #expect(tickets.count == 1 && tickets[0]["number"] as? String == incident.number)
                #expect(tickets[0]["state"] as? String == "New" && tickets[0]["actionId"] as? String == "AdminMFAV2")
                #expect((tickets[0]["url"] as? String)?.contains(incident.sysID) == true)

                fake.advance(incident.number, state: "2", display: "In Progress", active: true)
                #expect(try await service.refreshTickets(using: senders).changed == 1)
                #expect(try await service.refreshTickets(using: senders).changed == 0, "only changes are news")
                fake.advance(incident.number, state: "7", display: "Closed", active: false)
                #expect(try await service.refreshTickets(using: senders).changed == 1)
                let announced = try await deliverAll()
                #expect(
                    announced.count == 2 && announced.allSatisfy { $0.channelID == hook.id && $0.state == .delivered }
                )
                let bodies = receiver.seen.withLockedValue { $0 }.map(\.body)
                #expect(
                    bodies.contains { $0.contains("\"ticket.updated\"") && $0.contains("\"state\":\"In Progress\"") }
                )
                #expect(bodies.contains { $0.contains("\"state\":\"Closed\"") })
                let open = try object(
                    try await harness.send(.GET, "\(Self.base)/tickets?open=true", token: reader).body
                )
                #expect((open["value"] as? [Any])?.isEmpty == true)

                // OAuth: a token from /oauth_token.do, then Bearer.
                let oauth = try await harness.send(
                    .POST,
                    "\(Self.base)/channels",
                    token: writer,
                    json: Self.channelJSON(fake, authentication: "oauth")
                )
                let oauthChannel = try #require(try object(oauth.body)["id"] as? String)
                let second = #"{"channelId": "\#(oauthChannel)"}"#
                #expect(
                    try await harness.send(
                        .POST,
                        "\(Self.base)/actions/BlockLegacyAuthentication/share",
                        token: writer,
                        json: second
                    ).status == .accepted
                )
                #expect(try await deliverAll().map(\.state) == [.delivered])
                #expect(
                    fake.seen.withLockedValue { $0 }.contains {
                        $0.method == "POST" && $0.authorization.hasPrefix("Bearer tok-")
                    }
                )

                // A wrong password: the attempt fails with ServiceNow's words and is tried again.
                let wrong = try await harness.send(
                    .POST,
                    "\(Self.base)/channels",
                    token: writer,
                    json: Self.channelJSON(fake, password: "wrong")
                )
                let wrongChannel = try #require(try object(wrong.body)["id"] as? String)
                _ = try await harness.send(
                    .POST,
                    "\(Self.base)/actions/OneAdmin/share",
                    token: writer,
                    json: #"{"channelId": "\#(wrongChannel)"}"#
                )
                let failed = try #require(try await deliverAll().first)
                #expect(failed.state == .pending && failed.lastStatus == 401)
                #expect(
                    failed.lastError?.contains("User Not Authenticated") == true
                        && failed.lastError?.contains("wrong") == false
                )

                for (json, target) in [
                    (#"{"kind": "servicenow", "name": "x"}"#, "servicenow"),
                    (
                        Self.channelJSON(fake).replacingOccurrences(
                            of: #""name": "IT","#,
                            with: #""name": "IT", "events": ["score.dropped"],"#
                        ), "events"
                    ),
                    (
                        Self.channelJSON(fake).replacingOccurrences(of: fake.base, with: fake.base + "/api/now"),
                        "servicenow.instanceUrl"
                    ),
                    (
                        Self.channelJSON(fake).replacingOccurrences(
                            of: #""table": "incident""#,
                            with: #""table": "problem""#
                        ), "servicenow.table"
                    ),
                ] {
                    let refused = try await harness.send(.POST, "\(Self.base)/channels", token: writer, json: json)
                    #expect(
                        refused.status == .badRequest && refused.body.contains(#""target":"\#(target)""#),
                        "\(target): \(refused.body)"
                    )
                }
            }
        } catch {
            try? await fake.stop()
            try? await receiver.stop()
            throw error
        }
        try await fake.stop()
        try await receiver.stop()
    }
}
