import Foundation

/// How often a scheduled report goes out, and which period each one covers.
public enum ReportCadence: String, Sendable, CaseIterable, Codable {
    /// Mondays from 07:00 UTC, covering the week before (Monday to Sunday).
    case weekly
    /// The 1st of each month from 07:00 UTC, covering the month before.
    case monthly

    /// Reports leave from this hour, UTC, like the weekly digest: the last day of the period is
    /// closed by then.
    public static let sendHour = WeeklyDigest.sendHour

    /// The period of the report due at `now`: the last whole week or month that has closed at
    /// `now` (a week's closes on Monday at 07:00 UTC, a month's on the 1st at 07:00 UTC).
    public func period(dueAt now: Date) -> DayInterval {
        switch self {
        case .weekly:
            let monday = WeeklyDigest.week(at: now)
            return DayInterval(from: monday.adding(days: -7), to: monday.adding(days: -1))
        case .monthly:
            let today = CivilDay(now)
            let hour = Int(now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600)
            var first = CivilDay(year: today.year, month: today.month, day: 1)
            if today.day == 1 && hour < Self.sendHour { first = Self.firstOfPreviousMonth(first) }
            return DayInterval(from: Self.firstOfPreviousMonth(first), to: first.adding(days: -1))
        }
    }

    /// The period that starts on `first` (a Monday, or the 1st of a month).
    public func period(startingOn first: CivilDay) -> DayInterval {
        switch self {
        case .weekly: return DayInterval(from: first, to: first.adding(days: 6))
        case .monthly:
            let next =
                first.month == 12
                ? CivilDay(year: first.year + 1, month: 1, day: 1)
                : CivilDay(year: first.year, month: first.month + 1, day: 1)
            return DayInterval(from: first, to: next.adding(days: -1))
        }
    }

    static func firstOfPreviousMonth(_ first: CivilDay) -> CivilDay {
        first.month == 1
            ? CivilDay(year: first.year - 1, month: 12, day: 1)
            : CivilDay(year: first.year, month: first.month - 1, day: 1)
    }

    /// How the period reads in a title: "November 2026", or "2026-11-23 to 2026-11-29".
    public func periodName(_ period: DayInterval) -> String {
        switch self {
        case .weekly: return "\(period.from) to \(period.to)"
        case .monthly:
            let names = [
                "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December",
            ]
            return "\(names[(period.from.month - 1) % 12]) \(period.from.year)"
        }
    }
}

/// An organization's report sent by e-mail on a schedule, with its PDF attached, to chosen
/// addresses at the organization's own mail domains.
public struct ReportSchedule: Sendable, Equatable {
    public var id: String
    public var organizationID: OrganizationID
    public var cadence: ReportCadence
    public var recipients: [String]
    public var paper: ReportPaper
    /// Who set it up (a person, a client or the CLI).
    public var createdBy: String
    public var createdAt: Date
    /// The first day of the last period queued; nil before the first.
    public var lastSentPeriod: CivilDay?

    /// Schedules an organization may have: each one prints a PDF per period.
    public static let maximumPerOrganization = 20

    public init(
        id: String,
        organizationID: OrganizationID,
        cadence: ReportCadence,
        recipients: [String],
        paper: ReportPaper,
        createdBy: String,
        createdAt: Date,
        lastSentPeriod: CivilDay? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.cadence = cadence
        self.recipients = recipients
        self.paper = paper
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastSentPeriod = lastSentPeriod
    }

    public static func newID() -> String { "rpt_" + RandomHex.make(bytes: 8) }

    /// Whether the report for the period due at `now` is still to be queued. A schedule set up
    /// mid-period sends its first report when the next period closes.
    public func isDue(at now: Date) -> Bool {
        let due = cadence.period(dueAt: now).from
        if let lastSentPeriod { return lastSentPeriod < due }
        return cadence.period(dueAt: createdAt).from < due
    }

    /// The next report: the period it covers and when it leaves (`now` when one is due).
    public func nextSend(after now: Date) -> (period: DayInterval, at: Date) {
        let due = cadence.period(dueAt: now)
        if isDue(at: now) { return (due, now) }
        let next = cadence.period(startingOn: due.to.adding(days: 1))
        return (next, next.to.adding(days: 1).start.addingTimeInterval(Double(ReportCadence.sendHour) * 3_600))
    }

    /// The problems with a schedule's addresses (one to ``MailSettings/recipientLimit``, each
    /// an e-mail address, no repeats).
    public static func recipientProblems(_ recipients: [String]) -> [ConnectionProblem] {
        var problems = MailSettings.recipientProblems(recipients, field: "recipients")
        let lowered = recipients.map { $0.lowercased() }
        if problems.isEmpty, Set(lowered).count < lowered.count {
            problems.append(ConnectionProblem(field: "recipients", "name each address once"))
        }
        return problems
    }

    /// The PDF's file name: the organization and the period.
    public func filename(_ period: DayInterval) -> String {
        "\(organizationID.rawValue)-secure-score-\(period.from)-to-\(period.to).pdf"
    }

    /// The e-mail as an event (`report.scheduled`) for `period`, addressed to the schedule's
    /// recipients; the delivery attaches the PDF when it sends it.
    public func event(organizationName: String, period: DayInterval, link: String, at now: Date) -> OutboundEvent {
        OutboundEvent(
            type: .reportScheduled,
            timestamp: now,
            data: JSONObject([
                ("organizationId", .string(organizationID.rawValue)), ("organizationName", .string(organizationName)),
                ("scheduleId", .string(id)), ("cadence", .string(cadence.rawValue)),
                ("from", .string(period.from.description)), ("to", .string(period.to.description)),
                ("paper", .string(paper.rawValue)), ("filename", .string(filename(period))), ("url", .string(link)),
                ("recipients", .array(recipients.map { .string($0) })),
            ])
        )
    }

    /// What a queued report's body asks for: the organization, the period and the paper.
    public struct Request: Sendable, Equatable {
        public var organizationID: OrganizationID
        public var period: DayInterval
        public var paper: ReportPaper
        public var filename: String
    }

    /// The report a queued `report.scheduled` body asks for; nil when it is not one.
    public static func request(inBody body: String) -> Request? {
        guard let node = try? JSONSourceParser.parse(body, file: "event"), case .object(let event) = JSONValue(node),
            case .string(OutboundEventType.reportScheduled.rawValue)? = event["type"],
            case .object(let data)? = event["data"], case .string(let organization)? = data["organizationId"],
            case .string(let fromText)? = data["from"], case .string(let toText)? = data["to"],
            let from = CivilDay(fromText), let to = CivilDay(toText), from <= to,
            case .string(let paperText)? = data["paper"], let paper = ReportPaper(rawValue: paperText),
            case .string(let filename)? = data["filename"]
        else { return nil }
        return Request(
            organizationID: OrganizationID(organization),
            period: DayInterval(from: from, to: to),
            paper: paper,
            filename: filename
        )
    }
}
