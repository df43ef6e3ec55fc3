import Foundation

/// An event as people read it, whatever carries it (a Teams card, an e-mail): a title, a sentence,
/// facts, a list of actions and a link. Built from the event's JSON, so every channel says the
/// same thing.
public struct EventMessage: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var title: String
        public var detail: String
        public var url: String?

        public init(title: String, detail: String, url: String? = nil) {
            self.title = title
            self.detail = detail
            self.url = url
        }
    }

    public var title: String
    public var summary: String
    public var facts: [(name: String, value: String)]
    public var items: [Item]
    /// Items the event counted without naming.
    public var moreItems: Int
    public var link: String?
    public var linkTitle: String
    /// Why the reader got it, for the foot of an e-mail.
    public var reason: String

    public static let alertReason =
        "Posture sent this because this address is on one of the organization's alert channels."

    public init(
        title: String,
        summary: String,
        facts: [(name: String, value: String)] = [],
        items: [Item] = [],
        moreItems: Int = 0,
        link: String? = nil,
        linkTitle: String = "Open in Posture",
        reason: String = Self.alertReason
    ) {
        self.title = title
        self.summary = summary
        self.facts = facts
        self.items = items
        self.moreItems = moreItems
        self.link = link
        self.linkTitle = linkTitle
        self.reason = reason
    }

    public static func == (lhs: EventMessage, rhs: EventMessage) -> Bool {
        lhs.title == rhs.title && lhs.summary == rhs.summary && lhs.items == rhs.items
            && lhs.facts.map(\.name) == rhs.facts.map(\.name) && lhs.facts.map(\.value) == rhs.facts.map(\.value)
            && lhs.moreItems == rhs.moreItems && lhs.link == rhs.link
    }

    /// The message for an event's JSON body (`{"type", "timestamp", "data"}`); nil when the body is
    /// not an event.
    public static func make(body: String) -> EventMessage? {
        guard let node = try? JSONSourceParser.parse(body, file: "event"), case .object(let event) = JSONValue(node),
            case .string(let typeName)? = event["type"], let type = OutboundEventType(rawValue: typeName)
        else { return nil }
        let data: JSONObject
        if case .object(let object)? = event["data"] { data = object } else { data = JSONObject() }
        return make(type, Fields(data))
    }

    /// Typed reads of the event's data.
    struct Fields {
        let data: JSONObject

        init(_ data: JSONObject) { self.data = data }

        func text(_ key: String) -> String? {
            if case .string(let value)? = data[key] { return value }
            return nil
        }

        func number(_ key: String) -> Double? { Self.number(data[key]) }

        static func number(_ value: JSONValue?) -> Double? {
            switch value {
            case .int(let value)?: Double(value)
            case .double(let value)?: value
            default: nil
            }
        }

        var organization: String { text("organizationName") ?? text("organizationId") ?? "An organization" }
        var url: String? { text("url") }

        var actions: [JSONObject] {
            guard case .array(let values)? = data["actions"] else { return [] }
            return values.compactMap { value in
                if case .object(let object) = value { return object }
                return nil
            }
        }
    }

    static func make(_ type: OutboundEventType, _ fields: Fields) -> EventMessage {
        let organization = fields.organization
        let more = Int(fields.number("moreActions") ?? 0)
        switch type {
        case .scoreDropped:
            let previous = fields.number("previousPercent") ?? 0
            let current = fields.number("currentPercent") ?? 0
            let lost = (fields.number("previousPoints") ?? 0) - (fields.number("currentPoints") ?? 0)
            return EventMessage(
                title: "\(organization): score dropped from \(percent(previous)) to \(percent(current))",
                summary:
                    "Today's score is \(points(lost)) below the previous day's, counted over the actions both days have.",
                facts: [
                    ("Previous day", "\(percent(previous)) (\(points(fields.number("previousPoints") ?? 0)))"),
                    ("Now", "\(percent(current)) (\(points(fields.number("currentPoints") ?? 0)))"),
                    ("Out of", points(fields.number("maxPoints") ?? 0)),
                ],
                link: fields.url
            )
        case .actionRegressed:
            let actions = fields.actions
            let count = actions.count + more
            return EventMessage(
                title:
                    "\(organization): \(counted(count, "action")) lost \(points(fields.number("pointsLost") ?? 0))",
                summary: "These improvement actions lost points since they were last looked at.",
                items: actions.map(regressedItem),
                moreItems: more,
                link: fields.url
            )
        case .exceptionExpired:
            let actions = fields.actions
            let count = actions.count + more
            return EventMessage(
                title: "\(organization): \(counted(count, "exception")) expired",
                summary:
                    "The exceptions below reached their expiry; their actions lost \(points(fields.number("pointsLost") ?? 0)) and are open again.",
                items: actions.map(regressedItem),
                moreItems: more,
                link: fields.url
            )
        case .exceptionExpiring:
            let actions = fields.actions
            let count = actions.count + more
            return EventMessage(
                title: "\(organization): \(counted(count, "exception")) expiring soon",
                summary: "Renew these exceptions or address their actions before they expire.",
                items: actions.map { action in
                    let item = Fields(action)
                    let status = item.text("status").flatMap(ActionStatus.init(rawValue:))?.label ?? "Exception"
                    let days = Int(item.number("daysLeft") ?? 0)
                    let day = item.text("expiresAt").map { String($0.prefix(10)) } ?? ""
                    return Item(
                        title: item.text("title") ?? item.text("id") ?? "",
                        detail: "\(status), expires \(day) (in \(counted(days, "day")))",
                        url: item.url
                    )
                },
                moreItems: more,
                link: fields.url
            )
        case .scoreBelowFloor:
            let floor = fields.number("floorPercent") ?? 0
            let current = fields.number("currentPercent") ?? 0
            return EventMessage(
                title: "\(organization): score \(percent(current)) is below the floor of \(percent(floor))",
                summary: "The score fell below the floor set in the organization's alert rules.",
                facts: [("Score", percent(current)), ("Floor", percent(floor))],
                link: fields.url
            )
        case .connectionFailing:
            let health = fields.text("health") == "stale" ? "stale" : "failing"
            var facts: [(name: String, value: String)] = [
                ("Failures in a row", String(Int(fields.number("consecutiveFailures") ?? 0))),
                (
                    "Last success",
                    fields.text("lastSuccessAt").map {
                        String($0.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
                    } ?? "never"
                ),
            ]
            if let problem = fields.text("problem") { facts.append(("Problem", problem)) }
            return EventMessage(
                title: "\(organization): collecting from Microsoft 365 is \(health)",
                summary: health == "stale"
                    ? "No collection has succeeded for more than two intervals: the score no longer follows the tenant."
                    : "The last collection failed; Posture keeps trying with back-off.",
                facts: facts,
                link: fields.url.map { $0 + "/settings#connection" }
            )
        case .ticketUpdated:
            return EventMessage(
                title: "\(organization): ticket \(fields.text("number") ?? "") is \(fields.text("state") ?? "updated")",
                summary: fields.text("title") ?? "",
                link: fields.text("ticketUrl") ?? fields.url
            )
        case .actionShared:
            let title = fields.text("title") ?? fields.text("actionId") ?? "an improvement action"
            var facts: [(name: String, value: String)] = [
                ("Points", "\(number(fields.number("points") ?? 0)) of \(number(fields.number("maxScore") ?? 0))"),
                ("Status", fields.text("status").flatMap(ActionStatus.init(rawValue:))?.label ?? "To address"),
            ]
            if let category = fields.text("category") { facts.append(("Category", category)) }
            var summary = "\(fields.text("sharedBy") ?? "Someone") shared this improvement action with you."
            if let note = fields.text("note"), !note.isEmpty { summary += " Their note: " + note }
            var items: [Item] = []
            if let description = fields.text("description"), !description.isEmpty {
                items.append(Item(title: "What it is", detail: String(description.prefix(1_000))))
            }
            if let steps = fields.text("steps"), !steps.isEmpty {
                items.append(Item(title: "How to do it", detail: String(steps.prefix(2_000))))
            }
            return EventMessage(
                title: "\(organization): \(title)",
                summary: summary,
                facts: facts,
                items: items,
                link: fields.url,
                linkTitle: "Open the action in Posture",
                reason:
                    "\(fields.text("sharedBy") ?? "A person") shared this improvement action with this address in Posture."
            )
        case .digestWeekly:
            return digest(fields)
        case .reportScheduled:
            return scheduledReport(fields)
        case .webhookTest:
            return EventMessage(
                title: "Posture test message",
                summary: fields.text("message") ?? "This channel receives Posture's messages.",
                link: nil
            )
        }
    }

    /// The weekly digest: the score and its change, the actions worth most, open tickets and
    /// exceptions expiring soon.
    static func digest(_ fields: Fields) -> EventMessage {
        let current = fields.number("currentPercent") ?? 0
        var facts: [(name: String, value: String)] = [
            (
                "Score",
                "\(percent(current)) (\(points(fields.number("currentPoints") ?? 0)) of \(number(fields.number("maxPoints") ?? 0)))"
            )
        ]
        var change = "no closed day a week ago to compare with"
        if let before = fields.number("weekAgoPercent") {
            let delta = current - before
            change =
                abs(delta) < 0.05
                ? "unchanged" : (delta > 0 ? "up " : "down ") + String(format: "%.1f points of percentage", abs(delta))
            facts.append(("A week ago", percent(before)))
        }
        facts.append(("Change over the week", change))
        func list(_ key: String) -> [JSONObject] {
            guard case .array(let values)? = fields.data[key] else { return [] }
            return values.compactMap { value in
                if case .object(let object) = value { return object }
                return nil
            }
        }
        var items = list("actions").map { action -> Item in
            let item = Fields(action)
            return Item(
                title: "To do: " + (item.text("title") ?? item.text("id") ?? ""),
                detail: "\(points(item.number("remaining") ?? 0)) to earn",
                url: item.url
            )
        }
        let tickets = list("tickets")
        items += tickets.map { ticket in
            let item = Fields(ticket)
            return Item(
                title: "Open ticket \(item.text("number") ?? ""): \(item.text("title") ?? "")",
                detail: item.text("state") ?? "",
                url: item.text("url")
            )
        }
        items += list("exceptions").map { exception in
            let item = Fields(exception)
            let status = item.text("status").flatMap(ActionStatus.init(rawValue:))?.label ?? "Exception"
            return Item(
                title: "Expiring: " + (item.text("title") ?? item.text("id") ?? ""),
                detail: "\(status) until \(item.text("expiresAt").map { String($0.prefix(10)) } ?? "")"
            )
        }
        facts.append(("Open tickets", String(tickets.count + Int(fields.number("moreTickets") ?? 0))))
        return EventMessage(
            title: "\(fields.organization): weekly Secure Score digest, \(percent(current))",
            summary:
                "The organization's score this week (\(change)), the five actions worth most, open tickets and exceptions expiring within \(WeeklyDigest.expiringDays) days.",
            facts: facts,
            items: items,
            moreItems: Int(fields.number("moreTickets") ?? 0) + Int(fields.number("moreExceptions") ?? 0),
            link: fields.url,
            reason:
                "You receive this because you asked for the weekly digest of this organization in Posture; turn it off in the organization's Settings."
        )
    }

    /// A scheduled report: the period and the attached PDF's name; the figures are in the PDF.
    static func scheduledReport(_ fields: Fields) -> EventMessage {
        let cadence = fields.text("cadence").flatMap(ReportCadence.init(rawValue:)) ?? .weekly
        let from = fields.text("from").flatMap(CivilDay.init)
        let to = fields.text("to").flatMap(CivilDay.init)
        let period = from.flatMap { from in to.map { DayInterval(from: from, to: $0) } }
        let name = period.map(cadence.periodName) ?? ""
        return EventMessage(
            title: "\(fields.organization): \(cadence.rawValue) Secure Score report, \(name)",
            summary:
                "The organization's Secure Score report for \(name) is attached as PDF: the score, verified and claimed, its change over the period with the regressions and their causes, the history, points by category, the actions worth most and the plan to the target.",
            facts: [
                ("Period", period.map { "\($0.from) to \($0.to)" } ?? ""), ("Attached", fields.text("filename") ?? ""),
            ],
            link: fields.url,
            linkTitle: "Open the report in Posture",
            reason:
                "Posture sent this because this address is on one of the organization's scheduled reports; a read-write role changes them in the organization's Settings."
        )
    }

    /// The message as a ticket's or task's plain description: the sentence, the facts, each item
    /// and the link back.
    public var ticketText: String {
        var lines = [summary, ""]
        for fact in facts { lines.append("\(fact.name): \(fact.value)") }
        for item in items {
            lines += ["", item.title + ":", item.detail]
        }
        if let link { lines += ["", "In Posture: \(link)"] }
        return lines.joined(separator: "\n")
    }

    static func regressedItem(_ action: JSONObject) -> Item {
        let item = Fields(action)
        var detail = "\(points(item.number("pointsBefore") ?? 0)) → \(points(item.number("pointsAfter") ?? 0))"
        if let max = item.number("maxScore") { detail += " of \(number(max))" }
        if case .object(let cause)? = action["cause"], let summary = Fields(cause).text("summary") {
            detail += ": " + summary
        }
        return Item(title: item.text("title") ?? item.text("id") ?? "", detail: detail, url: item.url)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    static func points(_ value: Double) -> String { number(value) + (abs(value - 1) < 1e-9 ? " point" : " points") }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }

    static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
