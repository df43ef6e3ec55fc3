import Foundation
import PostureCore
import PropertyBased
import Testing

/// Planner as Posture speaks it: settings refused with their fields named, the task and details
/// bodies Graph takes, reference keys, progress words, and the permissions a token carries.
@Suite struct PlannerTests {
    static let plan = "xqQg5FS2LkCp935s-FIFm2QAFkHM"
    static let bucket = "hsOf2dhOJkqyYYZEtdzDe2QAIUCR"

    @Test(
        arguments: [
            (plan, bucket, nil, [String]()),
            (plan, bucket, "3f2504e0-4f89-11d3-9a0c-0305e82c3301", []),
            ("", bucket, nil, ["planner.planId"]),
            (plan, "", nil, ["planner.bucketId"]),
            ("has space", "x/../y", nil, ["planner.planId", "planner.bucketId"]),
            (String(repeating: "a", count: 65), bucket, nil, ["planner.planId"]),
            (plan, bucket, "bob@contoso.example", ["planner.assigneeId"]),
        ] as [(String, String, String?, [String])]
    )
    func settingsAreCheckedFieldByField(plan: String, bucket: String, assignee: String?, fields: [String]) {
        let settings = PlannerSettings(planID: plan, bucketID: bucket, assigneeID: assignee)
        #expect(settings.problems().map(\.field) == fields)
    }

    @Test(arguments: [(0.5, 9), (3.99, 9), (4, 5), (7.9, 5), (8, 3), (30, 3)] as [(Double, Int)])
    func priorityFollowsThePointsLeft(remaining: Double, priority: Int) {
        #expect(PlannerTaskDraft.priority(remaining: remaining) == priority)
    }

    @Test(arguments: [
        (0, "Not started", true), (1, "In progress", true), (50, "In progress", true), (100, "Completed", false),
    ])
    func progressInPlannersWords(percent: Int, state: String, open: Bool) {
        let task = PlannerAPI.Task(id: "t", title: "x", percentComplete: percent)
        #expect(task.state == state && task.isOpen == open)
    }

    @Test func theCreateBodyNamesThePlanBucketAndAssignee() throws {
        let draft = PlannerTaskDraft(title: "Contoso: \"MFA\"", description: "d", priority: 3, link: nil)
        let body = PlannerAPI.createBody(
            draft,
            PlannerSettings(
                planID: Self.plan,
                bucketID: Self.bucket,
                assigneeID: "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
            )
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object["planId"] as? String == Self.plan && object["bucketId"] as? String == Self.bucket)
        #expect(object["title"] as? String == "Contoso: \"MFA\"" && object["priority"] as? Int == 3)
        let assignment = (object["assignments"] as? [String: [String: String]])?["3f2504e0-4f89-11d3-9a0c-0305e82c3301"]
        #expect(assignment == ["@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !"])
        let unassigned = PlannerAPI.createBody(draft, PlannerSettings(planID: Self.plan, bucketID: Self.bucket))
        #expect(!unassigned.contains("assignments"))
    }

    @Test func theDetailsCarryTheDescriptionAndTheLinkAsAReference() throws {
        let draft = PlannerTaskDraft(
            title: "t",
            description: "line 1\nline 2",
            priority: 5,
            link: "https://posture.example:8443/orgs/contoso/actions/AdminMFAV2#x"
        )
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(PlannerAPI.detailsBody(draft).utf8)) as? [String: Any]
        )
        #expect(
            object["description"] as? String == "line 1\nline 2" && object["previewType"] as? String == "description"
        )
        let references = try #require(object["references"] as? [String: [String: String]])
        #expect(
            references.keys.first == "https%3A//posture%2Eexample%3A8443/orgs/contoso/actions/AdminMFAV2%23x"
        )
        #expect(references.values.first?["@odata.type"] == "#microsoft.graph.plannerExternalReference")
    }

    @Test func referenceKeysNeverHoldTheCharactersPlannerRefuses() async {
        let urls = Gen.element(of: Array("az/.:%@#")).array(of: 0...40).map { String($0.compactMap { $0 }) }
        await propertyCheck(count: 200, input: urls) { url in
            let key = PlannerAPI.referenceKey(url)
            #expect(!key.contains(".") && !key.contains(":") && !key.contains("@") && !key.contains("#"))
            #expect(key.removingPercentEncoding == url)
        }
    }

    @Test func aDraftIsBuiltFromTheSharedActionsMessage() {
        let message = EventMessage(
            title: String(repeating: "T", count: 300),
            summary: "Shared by alice",
            facts: [(name: "Points", value: "2 of 10")],
            items: [.init(title: "Steps", detail: "1. Do it")],
            link: "https://posture.example/orgs/contoso/actions/A"
        )
        let draft = PlannerTaskDraft.make(message: message, remaining: 8)
        #expect(draft.title.count == PlannerTaskDraft.titleLimit && draft.priority == 3)
        #expect(
            draft.description
                == "Shared by alice\n\nPoints: 2 of 10\n\nSteps:\n1. Do it\n\nIn Posture: https://posture.example/orgs/contoso/actions/A"
        )
        #expect(draft.link == message.link)
    }

    @Test func theOpenTaskOfTheSameTitleIsFound() {
        let tasks = [
            PlannerAPI.Task(id: "done", title: "A", percentComplete: 100),
            PlannerAPI.Task(id: "other", title: "B", percentComplete: 0),
            PlannerAPI.Task(id: "open", title: "A", percentComplete: 50),
        ]
        #expect(PlannerAPI.openTask(titled: "A", in: tasks)?.id == "open")
        #expect(PlannerAPI.openTask(titled: "C", in: tasks) == nil)
    }

    @Test func aTokensRolesAreRead() {
        func token(_ claims: String) -> String {
            let payload = Data(claims.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            return "eyJhbGciOiJSUzI1NiJ9.\(payload).c2ln"
        }
        #expect(
            PlannerAPI.grantedRoles(accessToken: token(#"{"roles":["Tasks.ReadWrite.All","Directory.Read.All"]}"#))
                == ["Tasks.ReadWrite.All", "Directory.Read.All"]
        )
        #expect(PlannerAPI.grantedRoles(accessToken: token(#"{"aud":"x"}"#)) == nil)
        #expect(PlannerAPI.grantedRoles(accessToken: "opaque-token") == nil)
        #expect(PlannerAPI.grantedRoles(accessToken: "a.!!!.c") == nil)
    }
}
