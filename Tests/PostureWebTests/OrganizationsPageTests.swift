import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import PostureWeb
import Testing
import VaporTesting

@testable import PostureServices

/// The organizations page's bulk status change: each selected organization decided, written and
/// audited on its own, and refusals reported per organization.
@Suite struct OrganizationsPageTests {
    static let password = "correct horse battery staple"
    static let action = "BlockLegacyAuthentication"

    static func seed(_ web: WebHarness) async throws {
        let service = web.runtime.service
        for id in ["north", "south", "east"] {
            try await service.createOrganization(Organization(id: id, displayName: id.capitalized), actor: "test")
        }
        // The data earns every point in south: the action is completed there and its status locked.
        try await service.recordMeasurements(
            "south",
            [ActionMeasurement(actionID: action, result: .implemented(true))],
            actor: "sensor"
        )
        try await web.addUser(
            "writer",
            password: password,
            roles: ["north": .securityAdministrator, "south": .securityAdministrator, "east": .globalReader]
        )
        try await web.addUser("reader", password: password, roles: ["north": .globalReader])
    }

    static func statusSets(_ web: WebHarness, _ id: String) async throws -> [AuditEntry] {
        try await web.runtime.service.store.auditPage(organizationID: OrganizationID(id), after: 0, limit: 100)
            .filter { $0.action == "status.set" }
    }

    @Test func aBulkChangeWritesWhereAllowedAndSaysWhyNotElsewhere() async throws {
        try await WebHarness.with { web in
            try await Self.seed(web)
            _ = try await web.signIn("writer", Self.password)
            let list = try await web.send(.GET, "/?sort=name&dir=desc")
            #expect(list.body.components(separatedBy: #"name="orgs[]""#).count - 1 == 2, "boxes where writable")
            #expect(list.body.contains(#"aria-label="Select North""#) && !list.body.contains(#"value="east""#))
            let csrf = try WebHarness.csrf(list.body)

            let missing = try await web.send(
                .POST,
                "/bulk/status",
                form: [("action", Self.action), ("status", "riskAccepted"), ("orgs[]", "north")]
            )
            #expect(missing.status == .forbidden, "CSRF token required")

            let none = try await web.send(
                .POST,
                "/bulk/status",
                form: [("csrf", csrf), ("action", Self.action), ("status", "riskAccepted")]
            )
            #expect(none.status == .badRequest && none.body.contains("Select at least one organization."))

            let result = try await web.send(
                .POST,
                "/bulk/status",
                form: [
                    ("csrf", csrf), ("action", Self.action), ("status", "riskAccepted"),
                    ("note", "Legacy clients retire in March"), ("orgs[]", "north"), ("orgs[]", "south"),
                    ("orgs[]", "east"), ("orgs[]", "nowhere"), ("return", "/?sort=name&dir=desc&q=o"),
                ]
            )
            let title = try #require(web.runtime.service.catalog[Self.action]).title
            #expect(result.body.contains("Risk accepted set for “\(title)” in 1 organization."))
            #expect(result.body.contains("south: not changed. The data shows every point earned"))
            #expect(
                result.body.contains("east: not changed, the Global reader role is read-only in this organization.")
            )
            #expect(result.body.contains("nowhere: not found."))
            #expect(result.body.contains(#"value="o""#), "the list comes back with its search")

            let north = try await web.runtime.service.currentReport("north")
            #expect(north[Self.action]?.status == .riskAccepted)
            #expect(try await Self.statusSets(web, "north").map(\.actor) == ["writer"])
            #expect(try await Self.statusSets(web, "south").isEmpty)
            #expect(try await Self.statusSets(web, "east").isEmpty)
            #expect(try await web.runtime.service.currentReport("east")[Self.action]?.status == .toAddress)

            // A note over the limit is refused before anything is written anywhere.
            let long = try await web.send(
                .POST,
                "/bulk/status",
                form: [
                    ("csrf", csrf), ("action", Self.action), ("status", "planned"),
                    ("note", String(repeating: "n", count: TextLimits.Field.note.maximum + 1)), ("orgs[]", "north"),
                ]
            )
            #expect(long.status == .badRequest)
            #expect(try await web.runtime.service.currentReport("north")[Self.action]?.status == .riskAccepted)
            #expect(try await Self.statusSets(web, "north").count == 1)
        }
    }

    @Test func readersSeeNoBulkForm() async throws {
        try await WebHarness.with { web in
            try await Self.seed(web)
            _ = try await web.signIn("reader", Self.password)
            let list = try await web.send(.GET, "/")
            #expect(list.status == .ok && list.body.contains(">North</a>"))
            #expect(!list.body.contains("bulk-status") && !list.body.contains(#"name="orgs[]""#))
            let csrf = try WebHarness.csrf(list.body)
            let refused = try await web.send(
                .POST,
                "/bulk/status",
                form: [("csrf", csrf), ("action", Self.action), ("status", "planned"), ("orgs[]", "north")]
            )
            #expect(refused.body.contains("north: not changed, the Global reader role is read-only"))
            #expect(try await Self.statusSets(web, "north").isEmpty)
        }
    }
}
