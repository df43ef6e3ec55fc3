import Foundation

/// What Posture tells the outside world about, and the JSON every channel carries:
/// `{"type", "timestamp", "data"}` (Standard Webhooks' suggested shape).
public enum OutboundEventType: String, Sendable, CaseIterable, Comparable {
    case scoreDropped = "score.dropped"
    case actionRegressed = "action.regressed"
    case exceptionExpiring = "exception.expiring"
    case exceptionExpired = "exception.expired"
    case scoreBelowFloor = "score.belowFloor"
    case connectionFailing = "connection.failing"
    case ticketUpdated = "ticket.updated"
    /// A person shared an improvement action to one chosen channel (never subscribed to).
    case actionShared = "action.shared"
    /// A person's weekly digest of an organization, by e-mail (never subscribed to by channels).
    case digestWeekly = "digest.weekly"
    /// An organization's scheduled report, by e-mail with its PDF (never subscribed to by channels).
    case reportScheduled = "report.scheduled"
    /// Sent on demand to check an endpoint; every endpoint receives it whatever it subscribed to.
    case webhookTest = "webhook.test"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The events a channel can subscribe to (the test event always reaches it; a share goes to
    /// the channel a person chose).
    public static var subscribable: [OutboundEventType] {
        allCases.filter { ![.webhookTest, .actionShared, .digestWeekly, .reportScheduled].contains($0) }
    }
}

/// One event as it is sent: the body is fixed when the event is queued, so every attempt (and
/// every signature) covers the same bytes.
public struct OutboundEvent: Sendable, Equatable {
    public var type: OutboundEventType
    public var timestamp: Date
    public var data: JSONObject

    public init(type: OutboundEventType, timestamp: Date, data: JSONObject) {
        self.type = type
        self.timestamp = timestamp
        self.data = data
    }

    /// The JSON body, at most `OutboundEvent.maxBodyBytes`.
    public var body: String {
        JSONValue.object(
            JSONObject([
                ("type", .string(type.rawValue)), ("timestamp", .string(timestamp.iso8601)), ("data", .object(data)),
            ])
        ).jsonText
    }

    /// Receivers (Teams among them) refuse larger bodies; events stay well under.
    public static let maxBodyBytes = 20_000
}
