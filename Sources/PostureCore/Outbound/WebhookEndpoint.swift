import Foundation

/// An organization's webhook endpoint as configured: where to send, and which events. Its secret
/// is the store's (sealed) and is shown once, when the endpoint is made.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var organizationID: OrganizationID
    public var url: String
    public var events: [OutboundEventType]
    public var createdAt: Date
    public var createdBy: String
    /// Set when the receiver answered 410 Gone, or a person turned the endpoint off.
    public var disabledAt: Date?
    public var disabledReason: String?

    public init(
        id: String,
        organizationID: OrganizationID,
        url: String,
        events: [OutboundEventType],
        createdAt: Date,
        createdBy: String,
        disabledAt: Date? = nil,
        disabledReason: String? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.url = url
        self.events = events
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
    }

    public var isEnabled: Bool { disabledAt == nil }

    /// Whether the endpoint gets an event of this type (the test event always).
    public func wants(_ type: OutboundEventType) -> Bool { type == .webhookTest || events.contains(type) }

    /// At most this many endpoints per organization.
    public static let limitPerOrganization = 10

    /// The events of names people and requests give, or a problem naming `events`.
    public static func events(named names: [String]) throws(ConnectionProblem) -> [OutboundEventType] {
        guard !names.isEmpty else {
            throw ConnectionProblem(field: "events", "name at least one event: " + Self.eventNames)
        }
        var events: [OutboundEventType] = []
        for name in names {
            guard let event = OutboundEventType(rawValue: name), event != .webhookTest else {
                throw ConnectionProblem(field: "events", "\"\(name)\" is not an event; use \(Self.eventNames)")
            }
            if !events.contains(event) { events.append(event) }
        }
        return events.sorted()
    }

    public static var eventNames: String { OutboundEventType.subscribable.map(\.rawValue).joined(separator: ", ") }
}

/// Standard Webhooks (https://www.standardwebhooks.com): what is signed and how the headers read.
/// The HMAC itself is computed where a cryptography library is at hand.
public enum StandardWebhooks {
    /// `whsec_` and the base64 of 24 to 64 random bytes.
    public static let secretPrefix = "whsec_"

    /// The key bytes of a `whsec_` secret; nil when it is not one.
    public static func key(ofSecret secret: String) -> [UInt8]? {
        guard secret.hasPrefix(secretPrefix),
            let data = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))),
            (24...64).contains(data.count)
        else { return nil }
        return Array(data)
    }

    public static func secret(fromKey key: [UInt8]) -> String { secretPrefix + Data(key).base64EncodedString() }

    /// The signed content: `{id}.{timestamp}.{body}`.
    public static func signedContent(id: String, timestamp: Int, body: String) -> String {
        "\(id).\(timestamp).\(body)"
    }

    /// `webhook-signature`: `v1,<base64>` per signature, space-separated (two during a rotation).
    public static func signatureHeader(_ signatures: [[UInt8]]) -> String {
        signatures.map { "v1," + Data($0).base64EncodedString() }.joined(separator: " ")
    }
}
