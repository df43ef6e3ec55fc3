import Foundation

/// A person's choice to receive an organization's weekly digest by e-mail.
public struct DigestSubscription: Sendable, Equatable {
    public var organizationID: OrganizationID
    /// The person, by their user name in Posture.
    public var username: String
    public var email: String
    public var createdAt: Date
    /// The Monday of the week whose digest was last queued for them.
    public var lastSentWeek: CivilDay?

    public init(
        organizationID: OrganizationID,
        username: String,
        email: String,
        createdAt: Date,
        lastSentWeek: CivilDay? = nil
    ) {
        self.organizationID = organizationID
        self.username = username
        self.email = email
        self.createdAt = createdAt
        self.lastSentWeek = lastSentWeek
    }
}

/// The weekly digest: when it is due, and what it says (the score and its change over the week,
/// the five actions worth most, open tickets and exceptions expiring soon).
public enum WeeklyDigest {
    /// Digests leave on Mondays from this hour, UTC: the week before is closed by then.
    public static let sendHour = 7
    /// The actions a digest names.
    public static let topActions = 5
    /// Exceptions expiring within this many days are named.
    public static let expiringDays = 14
    /// Tickets and exceptions a digest names at most; the rest are counted.
    public static let listLimit = 10

    /// The Monday whose digest is due at `now`: this week's once it is 07:00 UTC on Monday,
    /// otherwise the week before's.
    public static func week(at now: Date) -> CivilDay {
        let today = CivilDay(now)
        // CivilDay counts from 1970-01-01, a Thursday: Monday is 4 days later.
        let sinceMonday = ((today.daysSinceEpoch - 4) % 7 + 7) % 7
        let monday = today.adding(days: -sinceMonday)
        let hour = Int(now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600)
        return sinceMonday == 0 && hour < sendHour ? monday.adding(days: -7) : monday
    }

    /// Whether a subscription's digest for the week due at `now` is still to be sent. A person who
    /// subscribes mid-week gets the next Monday's first.
    public static func isDue(_ subscription: DigestSubscription, at now: Date) -> Bool {
        let due = week(at: now)
        if let sent = subscription.lastSentWeek { return sent < due }
        return week(at: subscription.createdAt) < due
    }

    /// What a digest is made from.
    public struct Input: Sendable {
        public struct Action: Sendable, Equatable {
            public var id: String
            public var title: String
            public var remaining: Double
            public var status: ActionStatus

            public init(id: String, title: String, remaining: Double, status: ActionStatus) {
                self.id = id
                self.title = title
                self.remaining = remaining
                self.status = status
            }
        }

        public struct Ticket: Sendable, Equatable {
            public var number: String
            public var state: String
            public var title: String
            public var url: String

            public init(number: String, state: String, title: String, url: String) {
                self.number = number
                self.state = state
                self.title = title
                self.url = url
            }
        }

        public struct Exception: Sendable, Equatable {
            public var actionID: String
            public var title: String
            public var status: ActionStatus
            public var expiresAt: Date

            public init(actionID: String, title: String, status: ActionStatus, expiresAt: Date) {
                self.actionID = actionID
                self.title = title
                self.status = status
                self.expiresAt = expiresAt
            }
        }

        public var organizationID: OrganizationID
        public var organizationName: String
        public var points: Double
        public var maxPoints: Double
        /// The closed day a week before, when there is one.
        public var weekAgoPoints: Double?
        public var weekAgoMaxPoints: Double?
        /// Ranked: the first is worth doing first.
        public var actions: [Action]
        public var openTickets: [Ticket]
        public var exceptions: [Exception]
        public var link: String
        public var recipients: [String]

        public init(
            organizationID: OrganizationID,
            organizationName: String,
            points: Double,
            maxPoints: Double,
            weekAgoPoints: Double?,
            weekAgoMaxPoints: Double?,
            actions: [Action],
            openTickets: [Ticket],
            exceptions: [Exception],
            link: String,
            recipients: [String]
        ) {
            self.organizationID = organizationID
            self.organizationName = organizationName
            self.points = points
            self.maxPoints = maxPoints
            self.weekAgoPoints = weekAgoPoints
            self.weekAgoMaxPoints = weekAgoMaxPoints
            self.actions = actions
            self.openTickets = openTickets
            self.exceptions = exceptions
            self.link = link
            self.recipients = recipients
        }
    }

    static func percent(_ points: Double, _ max: Double) -> Double { max > 0 ? points / max * 100 : 0 }

    /// The digest as an event (`digest.weekly`), addressed to its recipients only.
    public static func event(_ input: Input, week: CivilDay, at now: Date) -> OutboundEvent {
        var fields: [(String, JSONValue)] = [
            ("organizationId", .string(input.organizationID.rawValue)),
            ("organizationName", .string(input.organizationName)), ("week", .string(week.description)),
            ("currentPoints", .double(input.points)), ("maxPoints", .double(input.maxPoints)),
            ("currentPercent", .double(percent(input.points, input.maxPoints))),
        ]
        if let before = input.weekAgoPoints, let max = input.weekAgoMaxPoints {
            fields += [("weekAgoPoints", .double(before)), ("weekAgoPercent", .double(percent(before, max)))]
        }
        let actions = input.actions.prefix(topActions).map { action -> JSONValue in
            .object(
                JSONObject([
                    ("id", .string(action.id)), ("title", .string(action.title)),
                    ("remaining", .double(action.remaining)), ("status", .string(action.status.rawValue)),
                    ("url", .string(OutboundPolicy.actionLink(organizationLink: input.link, action.id))),
                ])
            )
        }
        let soon = now.addingTimeInterval(Double(expiringDays) * 86_400)
        let expiring = input.exceptions.filter { $0.expiresAt <= soon }.sorted { $0.expiresAt < $1.expiresAt }
        fields += [
            ("actions", .array(Array(actions))),
            (
                "tickets",
                .array(
                    input.openTickets.prefix(listLimit).map {
                        .object(
                            JSONObject([
                                ("number", .string($0.number)), ("state", .string($0.state)),
                                ("title", .string($0.title)), ("url", .string($0.url)),
                            ])
                        )
                    }
                )
            ),
            ("moreTickets", .int(max(0, input.openTickets.count - listLimit))),
            (
                "exceptions",
                .array(
                    expiring.prefix(listLimit).map {
                        .object(
                            JSONObject([
                                ("id", .string($0.actionID)), ("title", .string($0.title)),
                                ("status", .string($0.status.rawValue)), ("expiresAt", .string($0.expiresAt.iso8601)),
                            ])
                        )
                    }
                )
            ),
            ("moreExceptions", .int(max(0, expiring.count - listLimit))),
            ("url", .string(input.link)), ("recipients", .array(input.recipients.map { .string($0) })),
        ]
        return OutboundEvent(type: .digestWeekly, timestamp: now, data: JSONObject(fields))
    }
}
