import Foundation

/// How an improvement action was shared.
public enum ShareMethod: String, Sendable, CaseIterable, Codable {
    /// To addresses a person typed, through the organization's e-mail channel.
    case email
    /// To one of the organization's channels (a Teams channel, a webhook).
    case channel
}

/// One share of an improvement action, as the action's history and the audit log keep it.
public struct ActionShare: Sendable, Equatable {
    public var id: String
    public var organizationID: OrganizationID
    public var actionID: String
    public var method: ShareMethod
    /// Where it went, as people read it: the addresses, or the channel's kind and name.
    public var target: String
    public var channelID: String
    public var note: String
    public var sharedBy: String
    public var sharedAt: Date
    /// The queued message; its state is the share's.
    public var deliveryID: String

    public init(
        id: String,
        organizationID: OrganizationID,
        actionID: String,
        method: ShareMethod,
        target: String,
        channelID: String,
        note: String,
        sharedBy: String,
        sharedAt: Date,
        deliveryID: String
    ) {
        self.id = id
        self.organizationID = organizationID
        self.actionID = actionID
        self.method = method
        self.target = target
        self.channelID = channelID
        self.note = note
        self.sharedBy = sharedBy
        self.sharedAt = sharedAt
        self.deliveryID = deliveryID
    }

    /// A note that goes with a share: at most this many characters.
    public static let noteLimit = 1_000

    /// The problem with a note; nil when acceptable.
    public static func noteProblem(_ note: String) -> ConnectionProblem? {
        if note.count > noteLimit { return ConnectionProblem(field: "note", "must be at most \(noteLimit) characters") }
        return nil
    }

    /// The event a share sends: the action as the organization sees it now.
    public static func event(
        _ score: ActionScore,
        organizationID: OrganizationID,
        organizationName: String,
        note: String,
        sharedBy: String,
        recipients: [String]?,
        link: String,
        at now: Date
    ) -> OutboundEvent {
        var fields: [(String, JSONValue)] = [
            ("organizationId", .string(organizationID.rawValue)), ("organizationName", .string(organizationName)),
            ("actionId", .string(score.action.id)), ("title", .string(score.action.title)),
            ("category", .string(score.action.category.rawValue)), ("status", .string(score.status.rawValue)),
            ("points", .double(score.points)), ("maxScore", .double(score.action.maxScore)),
            ("description", .string(String(score.action.description.prefix(1_000)))),
            (
                "steps",
                .string(
                    String(
                        score.action.remediation.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(
                            separator: "\n"
                        ).prefix(2_000)
                    )
                )
            ), ("note", .string(note)),
            ("sharedBy", .string(sharedBy)), ("url", .string(link)),
        ]
        if let recipients { fields.append(("recipients", .array(recipients.map { .string($0) }))) }
        return OutboundEvent(type: .actionShared, timestamp: now, data: JSONObject(fields))
    }

    /// The addresses a queued share names instead of its e-mail channel's own; nil when it names none.
    public static func recipients(inBody body: String) -> [String]? {
        guard let node = try? JSONSourceParser.parse(body, file: "event"), case .object(let event) = JSONValue(node),
            case .object(let data)? = event["data"], case .array(let values)? = data["recipients"]
        else { return nil }
        let addresses = values.compactMap { value -> String? in
            if case .string(let text) = value, EmailAddress.problem(text) == nil { return text }
            return nil
        }
        return addresses.isEmpty ? nil : addresses
    }

    /// The shared action's id and the points it still has to earn, from a queued share.
    public static func sharedAction(inBody body: String) -> (actionID: String, remaining: Double)? {
        guard let node = try? JSONSourceParser.parse(body, file: "event"), case .object(let event) = JSONValue(node),
            case .object(let data)? = event["data"], case .string(let actionID)? = data["actionId"]
        else { return nil }
        let points = EventMessage.Fields.number(data["points"]) ?? 0
        let maxScore = EventMessage.Fields.number(data["maxScore"]) ?? 0
        return (actionID, max(0, maxScore - points))
    }
}
