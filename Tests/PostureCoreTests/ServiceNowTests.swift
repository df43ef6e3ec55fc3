import Foundation
import PostureCore
import Testing

/// The ServiceNow Table API as Posture speaks it: the ticket's fields, its priority, the queries,
/// and answers read in both of the API's shapes.
@Suite struct ServiceNowTests {
    static let settings = ServiceNowSettings(
        instanceURL: "https://contoso.service-now.com/",
        username: "posture.integration",
        category: "Security",
        assignmentGroup: "Security Operations"
    )

    @Test(arguments: [(10.0, 2), (8.0, 2), (7.9, 3), (4.0, 3), (3.0, 4), (0.0, 4)])
    func priorityFollowsThePointsToEarn(_ remaining: Double, _ priority: Int) {
        #expect(TicketDraft.priority(remaining: remaining) == priority)
    }

    @Test func ticketsCarryTheActionAndAStableKey() throws {
        let message = EventMessage(
            title: "Contoso: Require MFA for administrators",
            summary: "ana shared this improvement action with you. Their note: by Friday",
            facts: [("Points", "2 of 10")],
            items: [.init(title: "How to do it", detail: "1. Open Entra ID")],
            link: "https://posture.example/orgs/contoso/actions/AdminMFAV2"
        )
        let draft = TicketDraft.make(organizationID: "contoso", actionID: "AdminMFAV2", message: message, remaining: 8)
        #expect(draft.correlationID == "posture:contoso:AdminMFAV2" && draft.priority == 2)
        #expect(draft.shortDescription == "Posture: Contoso: Require MFA for administrators")
        #expect(draft.description.contains("Points: 2 of 10") && draft.description.contains("1. Open Entra ID"))
        #expect(draft.description.hasSuffix("In Posture: https://posture.example/orgs/contoso/actions/AdminMFAV2"))

        let incident = try #require(
            try JSONSerialization.jsonObject(with: Data(ServiceNowTableAPI.body(draft, Self.settings).utf8))
                as? [String: String]
        )
        #expect(incident["impact"] == "2" && incident["urgency"] == "2" && incident["priority"] == nil)
        #expect(incident["correlation_id"] == "posture:contoso:AdminMFAV2" && incident["category"] == "Security")
        #expect(incident["assignment_group"] == "Security Operations")
        var change = Self.settings
        change.table = .changeRequest
        change.category = nil
        let request = try #require(
            try JSONSerialization.jsonObject(with: Data(ServiceNowTableAPI.body(draft, change).utf8))
                as? [String: String]
        )
        #expect(request["priority"] == "2" && request["type"] == "normal" && request["category"] == nil)
    }

    @Test func pathsAndQueries() {
        #expect(Self.settings.instanceURL == "https://contoso.service-now.com")
        #expect(ServiceNowTableAPI.createPath(.incident).hasPrefix("/api/now/table/incident?sysparm_display_value=all"))
        let query = ServiceNowTableAPI.queryPath(.changeRequest, query: ServiceNowTableAPI.organizationQuery("contoso"))
        #expect(
            query.hasPrefix(
                "/api/now/table/change_request?sysparm_query=correlation_idSTARTSWITHposture%3Acontoso%3A%5EORDERBYDESCsys_updated_on"
            )
        )
        #expect(ServiceNowTableAPI.openQuery("posture:contoso:X") == "correlation_id=posture:contoso:X^active=true")
        #expect(
            ServiceNowTableAPI.recordURL(Self.settings, sysID: "abc")
                == "https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=abc"
        )
    }

    @Test func answersAreReadInBothShapes() throws {
        let display = #"""
            {"result": {"sys_id": {"value": "a1", "display_value": "a1"}, "number": {"value": "INC0010001", "display_value": "INC0010001"},
             "state": {"value": "2", "display_value": "In Progress"}, "active": {"value": "true", "display_value": "true"},
             "correlation_id": {"value": "posture:contoso:X", "display_value": "posture:contoso:X"}}}
            """#
        let record = try #require(ServiceNowTableAPI.records(display)?.first)
        #expect(record.sysID == "a1" && record.number == "INC0010001" && record.state == "In Progress" && record.active)
        let plain =
            #"{"result": [{"sys_id": "b2", "number": "CHG0030001", "state": "-5", "active": "false"}, {"number": "no id"}]}"#
        let records = try #require(ServiceNowTableAPI.records(plain))
        #expect(records.count == 1 && records[0].state == "-5" && !records[0].active)
        #expect(ServiceNowTableAPI.records(#"{"result": []}"#) == [])
        #expect(ServiceNowTableAPI.records(#"{"error": {"message": "User Not Authenticated"}}"#) == nil)
        #expect(ServiceNowTableAPI.records("<html>") == nil)
    }

    @Test func settingsAndCredentials() {
        #expect(Self.settings.problems(allowPrivate: false).isEmpty)
        var bad = Self.settings
        bad.instanceURL = "https://contoso.service-now.com/api/now"
        bad.username = ""
        bad.authentication = .oauth
        #expect(
            bad.problems(allowPrivate: false).map(\.field)
                == ["servicenow.instanceUrl", "servicenow.username", "servicenow.clientId"]
        )
        bad.instanceURL = "http://10.0.0.5"
        #expect(bad.problems(allowPrivate: false).first?.field == "servicenow.instanceUrl")
        #expect(bad.problems(allowPrivate: true).map(\.field) == ["servicenow.username", "servicenow.clientId"])

        let credentials = ServiceNowCredentials(password: "p\"w", clientSecret: "s")
        #expect(ServiceNowCredentials(sealedText: credentials.sealedText) == credentials)
        #expect(ServiceNowCredentials(sealedText: ServiceNowCredentials(password: "x").sealedText)?.clientSecret == nil)
        #expect(ServiceNowCredentials(sealedText: "not json") == nil)
    }
}
