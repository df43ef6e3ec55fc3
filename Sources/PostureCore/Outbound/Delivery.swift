import Foundation

/// One outbound message to one channel, as the delivery queue holds it. Its id is the
/// `webhook-id` the receiver sees on every attempt: its idempotency key.
public struct Delivery: Sendable, Equatable {
    public var id: String
    public var organizationID: OrganizationID
    public var channelID: String
    public var eventType: OutboundEventType
    /// The JSON body, fixed when queued.
    public var body: String
    public var createdAt: Date
    public var state: DeliveryState
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    /// The receiver's HTTP status of the last attempt; nil when it did not answer.
    public var lastStatus: Int?
    /// Why the last attempt failed, in a person's words.
    public var lastError: String?
    public var finishedAt: Date?

    public init(
        id: String,
        organizationID: OrganizationID,
        channelID: String,
        eventType: OutboundEventType,
        body: String,
        createdAt: Date,
        state: DeliveryState = .pending,
        attempts: Int = 0,
        nextAttemptAt: Date? = nil,
        lastAttemptAt: Date? = nil,
        lastStatus: Int? = nil,
        lastError: String? = nil,
        finishedAt: Date? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.channelID = channelID
        self.eventType = eventType
        self.body = body
        self.createdAt = createdAt
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? (state == .pending ? createdAt : nil)
        self.lastAttemptAt = lastAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.finishedAt = finishedAt
    }

    /// `msg_` and 16 random bytes in hex, as Standard Webhooks' examples name messages.
    public static func newID() -> String { "msg_" + RandomHex.make(bytes: 16) }
}
