import Foundation

/// How a channel reaches people or systems.
public enum ChannelKind: String, Sendable, CaseIterable, Codable {
    /// Any HTTPS receiver; every message signed (Standard Webhooks).
    case webhook
    /// A Microsoft Teams channel's Workflows webhook URL; messages are Adaptive Cards.
    case teams
    /// E-mail through an SMTP submission server.
    case email
    /// ServiceNow's Table API: a shared action raises a ticket there, and Posture follows its state.
    case servicenow
    /// Microsoft Planner, through the organization's Microsoft 365 connection: a shared action
    /// becomes a task in a chosen plan and bucket, and Posture follows its progress.
    case planner

    public var label: String {
        switch self {
        case .webhook: "Webhook"
        case .teams: "Microsoft Teams"
        case .email: "E-mail"
        case .servicenow: "ServiceNow"
        case .planner: "Microsoft Planner"
        }
    }

    /// Ticket and task systems take shared actions only, never alerts.
    public var takesEvents: Bool { !raisesTickets }

    /// A shared action becomes a ticket (or task) Posture follows.
    public var raisesTickets: Bool { self == .servicenow || self == .planner }

    /// Where a share through a channel of this kind went, in the action's share history.
    public var shareTarget: String {
        switch self {
        case .servicenow: "a ticket in ServiceNow"
        case .planner: "a task in Microsoft Planner"
        default: label
        }
    }

    /// What sharing through a channel of this kind does, in the share menu's words.
    public var shareLabel: String {
        switch self {
        case .servicenow: "Raise a ServiceNow ticket"
        case .planner: "Create a Planner task"
        default: label
        }
    }
}

/// An organization's channel as configured: what it is, where it sends, and which events. Its
/// secret (a webhook's signing secret, a Teams URL, an SMTP password) is the store's, sealed, and
/// never shown again once given.
public struct OutboundChannel: Sendable, Equatable {
    public var id: String
    public var organizationID: OrganizationID
    public var kind: ChannelKind
    /// A person's name for it ("SOC channel"); may be empty.
    public var name: String
    /// Where it sends, as people may see it: a webhook's URL, a Teams URL without its query (the
    /// signature is the secret), an e-mail channel's recipients.
    public var target: String
    public var events: [OutboundEventType]
    /// An e-mail channel's server and addresses.
    public var mail: MailSettings?
    /// A ServiceNow channel's instance, table and sign-in.
    public var serviceNow: ServiceNowSettings?
    /// A Planner channel's plan, bucket and assignee.
    public var planner: PlannerSettings?
    public var createdAt: Date
    public var createdBy: String
    /// Set when the receiver answered 410 Gone, or a person turned the channel off.
    public var disabledAt: Date?
    public var disabledReason: String?

    public init(
        id: String,
        organizationID: OrganizationID,
        kind: ChannelKind = .webhook,
        name: String = "",
        target: String,
        events: [OutboundEventType],
        mail: MailSettings? = nil,
        serviceNow: ServiceNowSettings? = nil,
        planner: PlannerSettings? = nil,
        createdAt: Date,
        createdBy: String,
        disabledAt: Date? = nil,
        disabledReason: String? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.kind = kind
        self.name = name
        self.target = target
        self.events = events
        self.mail = mail
        self.serviceNow = serviceNow
        self.planner = planner
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
    }

    public var isEnabled: Bool { disabledAt == nil }

    /// Whether the channel gets an event of this type (the test event always).
    public func wants(_ type: OutboundEventType) -> Bool { type == .webhookTest || events.contains(type) }

    /// At most this many channels per organization, of every kind together.
    public static let limitPerOrganization = 10
    /// A channel's name: at most this many characters.
    public static let nameLimit = 100

    /// The events of names people and requests give, or a problem naming `events`.
    public static func events(named names: [String]) throws(ConnectionProblem) -> [OutboundEventType] {
        guard !names.isEmpty else {
            throw ConnectionProblem(field: "events", "name at least one event: " + Self.eventNames)
        }
        var events: [OutboundEventType] = []
        for name in names {
            guard let event = OutboundEventType(rawValue: name), OutboundEventType.subscribable.contains(event) else {
                throw ConnectionProblem(field: "events", "\"\(name)\" is not an event; use \(Self.eventNames)")
            }
            if !events.contains(event) { events.append(event) }
        }
        return events.sorted()
    }

    public static var eventNames: String { OutboundEventType.subscribable.map(\.rawValue).joined(separator: ", ") }

    /// The problem with a channel's name; nil when acceptable.
    public static func nameProblem(_ name: String) -> ConnectionProblem? {
        if name.count > nameLimit { return ConnectionProblem(field: "name", "must be at most \(nameLimit) characters") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return ConnectionProblem(field: "name", "must not contain control characters")
        }
        return nil
    }
}

/// A Teams Workflows URL: where it may point and how it is shown.
public enum TeamsTarget {
    /// The problem with a Workflows URL, naming `field`; nil when acceptable. The retired Office
    /// 365 connector URLs are refused with what to use instead.
    public static func problem(_ text: String, field: String, allowPrivate: Bool) -> ConnectionProblem? {
        if let problem = OutboundTarget.problem(text, field: field, allowPrivate: allowPrivate) { return problem }
        let host = URL(string: text)?.host?.lowercased() ?? ""
        if host == "webhook.office.com" || host.hasSuffix(".webhook.office.com") {
            return ConnectionProblem(
                field: field,
                "is an Office 365 connector webhook, which Microsoft retired; in the Teams channel add the Workflows template \"Post to a channel when a webhook request is received\" and use its URL"
            )
        }
        return nil
    }

    /// The URL without its query and fragment: the `sig=` in the query is the credential.
    public static func shown(_ text: String) -> String {
        guard var parts = URLComponents(string: text) else { return "" }
        let hadQuery = parts.query != nil
        parts.query = nil
        parts.fragment = nil
        return (parts.string ?? "") + (hadQuery ? "?…" : "")
    }
}
