import Foundation

/// A ServiceNow channel's settings: the instance, the table tickets go into, and how to sign in.
/// The password (and an OAuth client secret) are the store's, sealed.
public struct ServiceNowSettings: Sendable, Equatable, Codable {
    public enum Table: String, Sendable, CaseIterable, Codable {
        case incident
        case changeRequest = "change_request"
    }

    public enum Authentication: String, Sendable, CaseIterable, Codable {
        /// An integration user's name and password on every request.
        case basic
        /// `POST /oauth_token.do` (password grant) with an OAuth client, then a bearer token.
        case oauth
    }

    /// `https://<instance>.service-now.com`, without a trailing slash.
    public var instanceURL: String
    public var table: Table
    public var authentication: Authentication
    public var username: String
    /// The OAuth client's id (oauth only).
    public var clientID: String?
    /// The instance's category for the tickets (its choice list); nil: the table's default.
    public var category: String?
    /// An assignment group by name; nil: none.
    public var assignmentGroup: String?

    public init(
        instanceURL: String,
        table: Table = .incident,
        authentication: Authentication = .basic,
        username: String,
        clientID: String? = nil,
        category: String? = nil,
        assignmentGroup: String? = nil
    ) {
        self.instanceURL = instanceURL.hasSuffix("/") ? String(instanceURL.dropLast()) : instanceURL
        self.table = table
        self.authentication = authentication
        self.username = username
        self.clientID = clientID
        self.category = category
        self.assignmentGroup = assignmentGroup
    }

    /// Every problem, each naming its field as the API spells it (`servicenow.instanceUrl`, …).
    public func problems(allowPrivate: Bool) -> [ConnectionProblem] {
        var problems: [ConnectionProblem] = []
        if let problem = OutboundTarget.problem(
            instanceURL,
            field: "servicenow.instanceUrl",
            allowPrivate: allowPrivate
        ) {
            problems.append(problem)
        } else if let url = URL(string: instanceURL), !(url.path.isEmpty || url.path == "/") || url.query != nil {
            problems.append(
                ConnectionProblem(
                    field: "servicenow.instanceUrl",
                    "must be the instance's address only, like https://contoso.service-now.com"
                )
            )
        }
        func line(_ value: String?, _ field: String, required: Bool) {
            let text = value ?? ""
            if required, text.isEmpty { problems.append(ConnectionProblem(field: field, "is needed")) }
            if text.utf8.count > 256 || text.contains(where: \.isNewline) {
                problems.append(ConnectionProblem(field: field, "must be one line of at most 256 bytes"))
            }
        }
        line(username, "servicenow.username", required: true)
        line(clientID, "servicenow.clientId", required: authentication == .oauth)
        line(category, "servicenow.category", required: false)
        line(assignmentGroup, "servicenow.assignmentGroup", required: false)
        return problems
    }
}

/// What a ticket says, built from a shared action.
public struct TicketDraft: Sendable, Equatable {
    /// Stable per organization and action: a second share finds the open ticket instead of
    /// raising another.
    public var correlationID: String
    public var shortDescription: String
    public var description: String
    /// ServiceNow's 1 (critical) to 5 (planning).
    public var priority: Int

    public init(correlationID: String, shortDescription: String, description: String, priority: Int) {
        self.correlationID = correlationID
        self.shortDescription = shortDescription
        self.description = description
        self.priority = priority
    }

    public static func correlationID(_ organizationID: OrganizationID, actionID: String) -> String {
        "posture:\(organizationID.rawValue):\(actionID)"
    }

    /// The prefix every ticket of an organization's correlation ids starts with.
    public static func correlationPrefix(_ organizationID: OrganizationID) -> String {
        "posture:\(organizationID.rawValue):"
    }

    /// Priority from the points still to earn: 8 or more is high (2), 4 or more moderate (3),
    /// less is low (4). Posture never raises critical (1) tickets.
    public static func priority(remaining: Double) -> Int {
        remaining >= 8 ? 2 : remaining >= 4 ? 3 : 4
    }

    /// The ticket for a shared action, from the share's event.
    public static func make(
        organizationID: OrganizationID,
        actionID: String,
        message: EventMessage,
        remaining: Double
    ) -> TicketDraft {
        TicketDraft(
            correlationID: correlationID(organizationID, actionID: actionID),
            shortDescription: String(("Posture: " + message.title).prefix(160)),
            description: String(message.ticketText.prefix(4_000)),
            priority: priority(remaining: remaining)
        )
    }
}

/// A ticket as Posture follows it.
public struct Ticket: Sendable, Equatable {
    public var id: String
    public var organizationID: OrganizationID
    public var actionID: String
    public var channelID: String
    /// The system's own id (ServiceNow's `sys_id`).
    public var externalID: String
    /// What people call it: `INC0010023`, `CHG0030001`.
    public var number: String
    /// The state as the instance names it (`New`, `In Progress`, `Closed`…).
    public var state: String
    public var active: Bool
    public var url: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String,
        organizationID: OrganizationID,
        actionID: String,
        channelID: String,
        externalID: String,
        number: String,
        state: String,
        active: Bool,
        url: String,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.organizationID = organizationID
        self.actionID = actionID
        self.channelID = channelID
        self.externalID = externalID
        self.number = number
        self.state = state
        self.active = active
        self.url = url
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The Table API as Posture uses it: the requests' paths and bodies, and what answers mean.
public enum ServiceNowTableAPI {
    /// The record's fields Posture reads back.
    public static let fields = "sys_id,number,state,active,sys_updated_on,correlation_id"

    public static func createPath(_ table: ServiceNowSettings.Table) -> String {
        "/api/now/table/\(table.rawValue)?sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_input_display_value=true&sysparm_fields=\(fields)"
    }

    /// The open ticket of one correlation id, or every ticket of an organization's prefix.
    public static func queryPath(_ table: ServiceNowSettings.Table, query: String, limit: Int = 100) -> String {
        let encoded =
            query.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~")))
            ?? ""
        return
            "/api/now/table/\(table.rawValue)?sysparm_query=\(encoded)&sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_fields=\(fields)&sysparm_limit=\(limit)"
    }

    public static func openQuery(_ correlationID: String) -> String {
        "correlation_id=\(correlationID)^active=true"
    }

    public static func organizationQuery(_ organizationID: OrganizationID) -> String {
        "correlation_idSTARTSWITH\(TicketDraft.correlationPrefix(organizationID))^ORDERBYDESCsys_updated_on"
    }

    /// The update a repeated share makes to the open ticket: a work note with what the new share
    /// says, so the people working it see it was raised again.
    public static func workNoteBody(_ draft: TicketDraft) -> String {
        JSONValue.object(
            JSONObject([("work_notes", .string("Shared again from Posture.\n\n" + draft.description))])
        ).jsonText
    }

    public static func recordPath(_ table: ServiceNowSettings.Table, sysID: String) -> String {
        "/api/now/table/\(table.rawValue)/\(sysID)?sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_fields=\(fields)"
    }

    public static func body(_ draft: TicketDraft, _ settings: ServiceNowSettings) -> String {
        var fields: [(String, JSONValue)] = [
            ("short_description", .string(draft.shortDescription)), ("description", .string(draft.description)),
            ("correlation_id", .string(draft.correlationID)), ("correlation_display", .string("Posture")),
        ]
        switch settings.table {
        case .incident:
            // An incident's priority follows from impact and urgency.
            fields += [
                ("impact", .string(String(min(draft.priority, 3)))),
                ("urgency", .string(String(min(draft.priority, 3)))),
            ]
        case .changeRequest:
            fields += [("priority", .string(String(draft.priority))), ("type", .string("normal"))]
        }
        if let category = settings.category, !category.isEmpty { fields.append(("category", .string(category))) }
        if let group = settings.assignmentGroup, !group.isEmpty { fields.append(("assignment_group", .string(group))) }
        return JSONValue.object(JSONObject(fields)).jsonText
    }

    /// One record of an answer (`{"result": {...}}` or one element of `{"result": [...]}`), read
    /// with display values (`{"value", "display_value"}`) or plain ones.
    public struct Record: Sendable, Equatable {
        public var sysID: String
        public var number: String
        public var state: String
        public var active: Bool
        public var correlationID: String
    }

    public static func records(_ body: String) -> [Record]? {
        guard let node = try? JSONSourceParser.parse(body, file: "servicenow"), case .object(let root) = JSONValue(node)
        else { return nil }
        switch root["result"] {
        case .object(let one)?: return record(one).map { [$0] }
        case .array(let many)?:
            return many.compactMap { value in
                if case .object(let object) = value { return record(object) }
                return nil
            }
        default: return nil
        }
    }

    static func record(_ object: JSONObject) -> Record? {
        func text(_ key: String, display: Bool) -> String? {
            switch object[key] {
            case .string(let value)?: return value
            case .bool(let value)?: return String(value)
            case .object(let pair)?:
                if display, case .string(let shown)? = pair["display_value"], !shown.isEmpty { return shown }
                if case .string(let value)? = pair["value"] { return value }
                if case .bool(let value)? = pair["value"] { return String(value) }
                return nil
            default: return nil
            }
        }
        guard let sysID = text("sys_id", display: false), !sysID.isEmpty else { return nil }
        return Record(
            sysID: sysID,
            number: text("number", display: true) ?? "",
            state: text("state", display: true) ?? "",
            active: text("active", display: false).map { $0 == "true" } ?? true,
            correlationID: text("correlation_id", display: false) ?? ""
        )
    }

    /// The record's page in the instance.
    public static func recordURL(_ settings: ServiceNowSettings, sysID: String) -> String {
        "\(settings.instanceURL)/nav_to.do?uri=\(settings.table.rawValue).do?sys_id=\(sysID)"
    }
}

/// A ServiceNow channel's secrets, sealed together: the integration user's password and, with
/// OAuth, the client secret.
public struct ServiceNowCredentials: Sendable, Equatable, Codable {
    public var password: String
    public var clientSecret: String?

    public init(password: String, clientSecret: String? = nil) {
        self.password = password
        self.clientSecret = clientSecret
    }

    public var sealedText: String {
        var fields: [(String, JSONValue)] = [("password", .string(password))]
        if let clientSecret { fields.append(("clientSecret", .string(clientSecret))) }
        return JSONValue.object(JSONObject(fields)).jsonText
    }

    public init?(sealedText: String) {
        guard let node = try? JSONSourceParser.parse(sealedText, file: "secret"),
            case .object(let object) = JSONValue(node),
            case .string(let password)? = object["password"]
        else { return nil }
        self.password = password
        if case .string(let secret)? = object["clientSecret"] { clientSecret = secret } else { clientSecret = nil }
    }
}
