import Foundation

/// A Microsoft Planner channel's settings: the plan and bucket tasks go into, and whom they are
/// assigned to. It signs in with the organization's Microsoft 365 connection, so it has no secret
/// of its own.
public struct PlannerSettings: Sendable, Equatable, Codable {
    public var planID: String
    public var bucketID: String
    /// The Entra ID object id of the person tasks are assigned to; nil: nobody.
    public var assigneeID: String?

    public init(planID: String, bucketID: String, assigneeID: String? = nil) {
        self.planID = planID
        self.bucketID = bucketID
        self.assigneeID = assigneeID
    }

    /// Every problem, each naming its field as the API spells it (`planner.planId`, …).
    public func problems() -> [ConnectionProblem] {
        var problems: [ConnectionProblem] = []
        // Planner's ids are 28 URL-safe characters; a little room either way, nothing else.
        func id(_ value: String, _ field: String) {
            let allowed = value.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95
            }
            if value.isEmpty {
                problems.append(ConnectionProblem(field: field, "is needed"))
            } else if value.utf8.count > 64 || !allowed {
                problems.append(
                    ConnectionProblem(
                        field: field,
                        "must be a Planner id (letters, digits, - and _, like \"xqQg5FS2LkCp935s-FIFm2QAFkHM\")"
                    )
                )
            }
        }
        id(planID, "planner.planId")
        id(bucketID, "planner.bucketId")
        if let assignee = assigneeID, !assignee.isEmpty, UUID(uuidString: assignee) == nil {
            problems.append(
                ConnectionProblem(field: "planner.assigneeId", "must be the person's Entra ID object id (a GUID)")
            )
        }
        return problems
    }
}

/// What a Planner task says, built from a shared action.
public struct PlannerTaskDraft: Sendable, Equatable {
    /// The organization's name and the action's title: a second share of the action finds the
    /// open task by it instead of creating another.
    public var title: String
    public var description: String
    /// Planner's 0–10: 1 urgent, 3 important, 5 medium, 9 low.
    public var priority: Int
    /// The action in Posture, attached to the task as a reference.
    public var link: String?

    public init(title: String, description: String, priority: Int, link: String?) {
        self.title = title
        self.description = description
        self.priority = priority
        self.link = link
    }

    /// A task's title: at most 255 characters.
    public static let titleLimit = 255
    /// A task's description: Posture keeps it under this many characters.
    public static let descriptionLimit = 4_000

    /// Important (3) with 8 or more points to earn, medium (5) with 4 or more, low (9) below.
    /// Posture never sets urgent.
    public static func priority(remaining: Double) -> Int {
        remaining >= 8 ? 3 : remaining >= 4 ? 5 : 9
    }

    /// The task for a shared action, from the share's event.
    public static func make(message: EventMessage, remaining: Double) -> PlannerTaskDraft {
        PlannerTaskDraft(
            title: String(message.title.prefix(titleLimit)),
            description: String(message.ticketText.prefix(descriptionLimit)),
            priority: priority(remaining: remaining),
            link: message.link
        )
    }
}

/// Microsoft Graph's Planner API as Posture uses it: the requests' paths and bodies, and what
/// answers mean.
public enum PlannerAPI {
    /// The application permission creating and reading tasks needs.
    public static let permission = "Tasks.ReadWrite.All"

    public static func planPath(_ settings: PlannerSettings) -> String { "/planner/plans/\(settings.planID)" }
    public static func bucketPath(_ settings: PlannerSettings) -> String { "/planner/buckets/\(settings.bucketID)" }
    /// Every task of the plan (tasks move between buckets as people work them).
    public static func planTasksPath(_ settings: PlannerSettings) -> String { planPath(settings) + "/tasks" }
    public static let createPath = "/planner/tasks"
    public static func detailsPath(taskID: String) -> String { "/planner/tasks/\(taskID)/details" }

    /// `POST /planner/tasks`: the plan, bucket, title, priority and assignee.
    public static func createBody(_ draft: PlannerTaskDraft, _ settings: PlannerSettings) -> String {
        var fields: [(String, JSONValue)] = [
            ("planId", .string(settings.planID)), ("bucketId", .string(settings.bucketID)),
            ("title", .string(draft.title)), ("priority", .int(draft.priority)),
        ]
        if let assignee = settings.assigneeID, !assignee.isEmpty {
            fields.append(
                (
                    "assignments",
                    .object(
                        JSONObject([
                            (
                                assignee,
                                .object(
                                    JSONObject([
                                        ("@odata.type", .string("#microsoft.graph.plannerAssignment")),
                                        ("orderHint", .string(" !")),
                                    ])
                                )
                            )
                        ])
                    )
                )
            )
        }
        return JSONValue.object(JSONObject(fields)).jsonText
    }

    /// `PATCH /planner/tasks/{id}/details` (with the details' ETag in `If-Match`): the description,
    /// shown on the card, and the action's link as a reference.
    public static func detailsBody(_ draft: PlannerTaskDraft) -> String {
        var fields: [(String, JSONValue)] = [
            ("description", .string(draft.description)), ("previewType", .string("description")),
        ]
        if let link = draft.link {
            fields.append(
                (
                    "references",
                    .object(
                        JSONObject([
                            (
                                referenceKey(link),
                                .object(
                                    JSONObject([
                                        ("@odata.type", .string("#microsoft.graph.plannerExternalReference")),
                                        ("alias", .string("Open in Posture")), ("type", .string("Other")),
                                    ])
                                )
                            )
                        ])
                    )
                )
            )
        }
        return JSONValue.object(JSONObject(fields)).jsonText
    }

    /// A reference's key is its URL with `%`, `.`, `:`, `@` and `#` percent-encoded, as Planner
    /// requires of open-type property names.
    public static func referenceKey(_ url: String) -> String {
        var key = ""
        for character in url {
            switch character {
            case "%": key += "%25"
            case ".": key += "%2E"
            case ":": key += "%3A"
            case "@": key += "%40"
            case "#": key += "%23"
            default: key.append(character)
            }
        }
        return key
    }

    /// A task as Posture follows it.
    public struct Task: Sendable, Equatable {
        public var id: String
        public var title: String
        public var percentComplete: Int

        public init(id: String, title: String, percentComplete: Int) {
            self.id = id
            self.title = title
            self.percentComplete = percentComplete
        }

        public var isOpen: Bool { percentComplete < 100 }

        /// Planner's own words for its progress.
        public var state: String {
            percentComplete >= 100 ? "Completed" : percentComplete > 0 ? "In progress" : "Not started"
        }
    }

    /// A task from an answer's JSON; nil without an id.
    public static func task(_ object: JSONObject) -> Task? {
        guard case .string(let id)? = object["id"], !id.isEmpty else { return nil }
        var title = ""
        if case .string(let text)? = object["title"] { title = text }
        let percent: Int
        switch object["percentComplete"] {
        case .int(let value)?: percent = value
        case .double(let value)?: percent = Int(value)
        default: percent = 0
        }
        return Task(id: id, title: title, percentComplete: min(max(percent, 0), 100))
    }

    /// The open task a draft would duplicate, if the plan has one.
    public static func openTask(titled title: String, in tasks: [Task]) -> Task? {
        tasks.first { $0.isOpen && $0.title == title }
    }

    /// The task in Planner on the web; it opens the plan's board on the task.
    public static func taskURL(tenantID: String, taskID: String) -> String {
        "https://tasks.office.com/\(tenantID)/Home/Task/\(taskID)"
    }

    /// The application permissions an access token carries (its `roles` claim), read without
    /// checking its signature: it came straight from the token endpoint, and only says what to
    /// report. Nil when the token is not a JWT with that claim.
    public static func grantedRoles(accessToken: String) -> [String]? {
        let parts = accessToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let node = try? JSONSourceParser.parse(String(decoding: data, as: UTF8.self), file: "token"),
            case .object(let claims) = JSONValue(node), case .array(let roles)? = claims["roles"]
        else { return nil }
        return roles.compactMap { value in
            if case .string(let role) = value { return role }
            return nil
        }
    }
}
