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

/// Microsoft Planner end to end on both databases, against a local fake of Entra ID's token
/// endpoint and Graph's Planner API: a shared action becomes one task (a second share finds it),
/// its description and link are set with the details' ETag, its progress is read back and
/// announced, the test message and Test connection check the permission, and refusals are named.
@Suite struct PlannerAPITests {
    static let base = "/api/v1/organizations/contoso"
    static let assignee = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"

    static func channelJSON(plan: String = FakePlanner.planID, assignee: String = Self.assignee) -> String {
        """
        {"kind": "planner", "name": "Backlog", "planner": {"planId": "\(plan)", "bucketId": "\(FakePlanner.bucketID)",
         "assigneeId": "\(assignee)"}}
        """
    }

    @Test(arguments: TestDatabase.available)
    func sharedActionsBecomeTasksThatAreFollowed(_ database: TestDatabase) async throws {
        let fake = try await FakePlanner()
        do {
            try await APIHarness.with(database: database, configure: WebhookAPITests.allowPrivate) { harness in
                let writer = try await harness.token("contoso", .readWrite)
                let reader = try await harness.token("contoso")
                let service = harness.runtime.service
                let senders = OutboundSenders.network(policy: service.outbound)
                func deliverAll() async throws -> [Delivery] { try await service.deliverDue(using: senders) }

                // Planner signs in as the organization's connection: none yet, no channel.
                let early = try await harness.send(
                    .POST,
                    "\(Self.base)/channels",
                    token: writer,
                    json: Self.channelJSON()
                )
                #expect(early.status == .badRequest && early.body.contains(#""target":"planner""#), "\(early.body)")
                let connection = """
                    {"tenantId": "\(FakePlanner.tenantID)", "clientId": "\(FakePlanner.clientID)",
                     "clientSecret": "\(FakePlanner.secret)", "sources": ["entra-id"], "loginUrl": "\(fake.base)",
                     "graphUrl": "\(fake.base)"}
                    """
                let instance = try await harness.token(nil, .readWrite)
                #expect(
                    try await harness.send(.PUT, "\(Self.base)/connection", token: instance, json: connection).status
                        == .created
                )
                let added = try await harness.send(
                    .POST,
                    "\(Self.base)/channels",
                    token: writer,
                    json: Self.channelJSON()
                )
                #expect(added.status == .created, "\(added.body)")
                let addedChannel = try object(added.body)
                let channel = try #require(addedChannel["id"] as? String)
                let planner = try #require(addedChannel["planner"] as? [String: Any])
                #expect(
                    planner["planId"] as? String == FakePlanner.planID
                        && planner["assigneeId"] as? String == Self.assignee
                )
                #expect((addedChannel["events"] as? [Any])?.isEmpty == true)

                // The test message reads the plan and the bucket with the connection's token.
                #expect(
                    try await harness.send(.POST, "\(Self.base)/channels/\(channel)/test", token: writer).status
                        == .accepted
                )
                #expect(try await deliverAll().map(\.state) == [.delivered])
                #expect(fake.seen.withLockedValue { $0 }.contains("GET /v1.0/planner/buckets/\(FakePlanner.bucketID)"))

                let share = #"{"channelId": "\#(channel)", "note": "before the audit"}"#
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
                let tasks = fake.tasks.withLockedValue { $0 }
                #expect(tasks.count == 1, "a second share finds the open task")
                let task = try #require(tasks.first)
                #expect(task.title.hasPrefix("Contoso (demo): Ensure multifactor"), "\(task.title)")
                #expect(task.assignees == [Self.assignee] && [3, 5, 9].contains(task.priority))
                #expect(
                    task.description.contains("before the audit")
                        && task.description.contains("/orgs/contoso/actions/AdminMFAV2")
                )
                #expect(task.references.count == 1 && task.references[0].contains("%3A//"), "\(task.references)")

                let listed = try object(
                    try await harness.send(.GET, "\(Self.base)/tickets?open=true", token: reader).body
                )
                let tickets = try #require(listed["value"] as? [[String: Any]])
                #expect(tickets.count == 1 && tickets[0]["state"] as? String == "Not started")
                #expect(tickets[0]["actionId"] as? String == "AdminMFAV2")
                #expect((tickets[0]["url"] as? String)?.hasSuffix("/Home/Task/\(task.id)") == true)

                // Progress in Planner is read back, a page of the plan's tasks at a time.
                fake.setProgress(task.id, percent: 50)
                #expect(try await service.refreshTickets(using: senders).changed == 1)
                #expect(try await service.refreshTickets(using: senders).changed == 0, "only changes are news")
                fake.setProgress(task.id, percent: 100)
                #expect(try await service.refreshTickets(using: senders).changed == 1)
                let open = try object(
                    try await harness.send(.GET, "\(Self.base)/tickets?open=true", token: reader).body
                )
                #expect((open["value"] as? [Any])?.isEmpty == true)
                let all = try object(try await harness.send(.GET, "\(Self.base)/tickets", token: reader).body)
                #expect((all["value"] as? [[String: Any]])?.first?["state"] as? String == "Completed")

                // Graph unavailable: the attempt fails with its status and creates nothing.
                fake.failCreations.withLockedValue { $0 = 1 }
                _ = try await harness.send(
                    .POST,
                    "\(Self.base)/actions/OneAdmin/share",
                    token: writer,
                    json: #"{"channelId": "\#(channel)"}"#
                )
                let failed = try #require(try await deliverAll().first)
                #expect(failed.state == .pending && failed.lastStatus == 503, "\(failed)")
                #expect(fake.tasks.withLockedValue { $0 }.count == 1)

                // Without Tasks.ReadWrite.All: Test connection and the channel's test say so.
                fake.roles.withLockedValue { $0 = ["Directory.Read.All"] }
                let tested = try object(
                    try await harness.send(.POST, "\(Self.base)/connection/test", token: writer).body
                )
                #expect(
                    (tested["missingPermissions"] as? [String])?.contains("Tasks.ReadWrite.All") == true,
                    "\(tested)"
                )
                let probe = (tested["probes"] as? [[String: Any]])?.first {
                    $0["resource"] as? String == "plannerTasks"
                }
                #expect(probe?["result"] as? String == "missing" && probe?["source"] as? String == "sharing")
                #expect(
                    try await harness.send(.POST, "\(Self.base)/channels/\(channel)/test", token: reader).status
                        == .forbidden
                )
                _ = try await harness.send(.POST, "\(Self.base)/channels/\(channel)/test", token: writer)
                let refusedTest = try #require(try await deliverAll().first { $0.eventType == .webhookTest })
                #expect(refusedTest.state == .pending && refusedTest.lastError?.contains("Tasks.ReadWrite.All") == true)

                for (json, target) in [
                    (#"{"kind": "planner", "name": "x"}"#, "planner"),
                    (Self.channelJSON(plan: "has space"), "planner.planId"),
                    (Self.channelJSON(assignee: "bob"), "planner.assigneeId"),
                    (
                        Self.channelJSON().replacingOccurrences(
                            of: #""name": "Backlog","#,
                            with: #""events": ["score.dropped"],"#
                        ), "events"
                    ),
                    (Self.channelJSON().replacingOccurrences(of: #""planId""#, with: #""plan""#), "planner.plan"),
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
            throw error
        }
        try await fake.stop()
    }
}
