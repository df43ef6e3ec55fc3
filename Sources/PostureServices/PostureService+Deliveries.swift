import Crypto
import Foundation
import PostureCore
import PostureStore

/// Sends one HTTP POST and says how the receiver answered (webhooks and Teams); implemented over
/// the network by the app, by a recorder in tests.
public protocol HTTPSending: Sendable {
    func send(url: String, headers: [(String, String)], body: String) async -> DeliveryAttempt
}

/// Sends one e-mail through an SMTP server and says how it answered.
public protocol MailSending: Sendable {
    func send(_ message: MailMessage, via settings: MailSettings, password: String) async -> DeliveryAttempt
}

/// Raises tickets in ServiceNow and reads them back.
public protocol TicketSending: Sendable {
    /// Raises a ticket for the draft, or finds the open one of its correlation id; the attempt and
    /// the record when there is one.
    func raise(
        _ draft: TicketDraft,
        settings: ServiceNowSettings,
        credentials: ServiceNowCredentials
    ) async -> (DeliveryAttempt, ServiceNowTableAPI.Record?)

    /// The records a query finds, or why it could not be read.
    func records(
        query: String,
        settings: ServiceNowSettings,
        credentials: ServiceNowCredentials
    ) async -> Result<[ServiceNowTableAPI.Record], TicketReadFailure>
}

/// Why tickets could not be read, in a person's words.
public struct TicketReadFailure: Error, Sendable, Equatable {
    public var message: String

    public init(_ message: String) { self.message = message }
}

/// The senders the delivery queue uses, one per way of sending.
public struct OutboundSenders: Sendable {
    public var http: any HTTPSending
    public var mail: any MailSending
    public var tickets: any TicketSending

    public init(http: any HTTPSending, mail: any MailSending, tickets: any TicketSending) {
        self.http = http
        self.mail = mail
        self.tickets = tickets
    }
}

/// How one attempt went: the receiver's status (an HTTP status, or an SMTP reply code; nil when it
/// did not answer), its `Retry-After`, and why it failed in a person's words.
public struct DeliveryAttempt: Sendable, Equatable {
    public var status: Int?
    public var retryAfter: Double?
    public var error: String?

    public init(status: Int?, retryAfter: Double? = nil, error: String? = nil) {
        self.status = status
        self.retryAfter = retryAfter
        self.error = error
    }
}

/// The delivery queue's side of the service: take due deliveries, send each once, record how it
/// went and when to try again.
extension PostureService {
    public func claimDueDeliveries(holder: String, leaseSeconds: Double, limit: Int) async throws -> [Delivery] {
        let now = clock.now()
        return try await store.claimDueDeliveries(
            at: now,
            holder: holder,
            leaseUntil: now.addingTimeInterval(leaseSeconds),
            limit: limit
        )
    }

    public func releaseDeliveryLeases(holder: String) async throws {
        try await store.releaseDeliveryLeases(holder: holder)
    }

    /// Sends one attempt of a claimed delivery and records it. Returns the delivery as recorded.
    @discardableResult
    public func deliver(
        _ delivery: Delivery,
        holder: String,
        using senders: OutboundSenders,
        jitter: Double = Double.random(in: 0..<1)
    ) async throws -> Delivery? {
        let channel = try await store.channel(delivery.organizationID, id: delivery.channelID)
        guard let channel, channel.isEnabled, let secret = try await store.channelSecret(channel) else {
            return try await finish(
                delivery,
                holder: holder,
                state: .cancelled,
                "the channel was removed or turned off"
            )
        }
        let attempt: DeliveryAttempt
        switch channel.kind {
        case .webhook:
            guard let key = StandardWebhooks.key(ofSecret: secret) else {
                return try await finish(delivery, holder: holder, state: .failed, "the channel's secret is unreadable")
            }
            let timestamp = Int(clock.now().timeIntervalSince1970)
            let content = Data(
                StandardWebhooks.signedContent(id: delivery.id, timestamp: timestamp, body: delivery.body).utf8
            )
            // During a rotation the previous secret signs too, so a receiver holding either verifies.
            let previous = try await store.previousChannelSecret(channel, at: clock.now())
                .flatMap(StandardWebhooks.key(ofSecret:))
            let signatures = ([key] + (previous.map { [$0] } ?? [])).map {
                Array(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: $0)))
            }
            let headers = [
                ("content-type", "application/json"), ("webhook-id", delivery.id),
                ("webhook-timestamp", "\(timestamp)"),
                ("webhook-signature", StandardWebhooks.signatureHeader(signatures)),
                ("user-agent", "Posture-Webhooks/1"),
            ]
            attempt = await senders.http.send(url: channel.target, headers: headers, body: delivery.body)
        case .teams:
            guard let message = EventMessage.make(body: delivery.body) else {
                return try await finish(delivery, holder: holder, state: .failed, "the queued message is not an event")
            }
            attempt = await senders.http.send(
                url: secret,
                headers: [("content-type", "application/json"), ("user-agent", "Posture/1")],
                body: TeamsCard.payload(message)
            )
        case .email:
            guard let mail = channel.mail, let message = EventMessage.make(body: delivery.body) else {
                return try await finish(delivery, holder: holder, state: .failed, "the queued message is not an event")
            }
            let domain = mail.from.split(separator: "@").last.map(String.init) ?? "posture.invalid"
            // The delivery's id is the Message-ID on every attempt: a repeat is recognisably the same mail.
            let mime = MailMessage.event(
                message,
                from: mail.from,
                // A share names its own addresses; everything else goes to the channel's.
                to: ActionShare.recipients(inBody: delivery.body) ?? mail.to,
                date: clock.now(),
                messageID: "<\(delivery.id)@\(domain)>"
            )
            attempt = await senders.mail.send(mime, via: mail, password: secret)
        case .servicenow:
            guard let settings = channel.serviceNow, let credentials = ServiceNowCredentials(sealedText: secret),
                let message = EventMessage.make(body: delivery.body), delivery.eventType == .actionShared,
                let shared = ActionShare.sharedAction(inBody: delivery.body)
            else {
                return try await finish(delivery, holder: holder, state: .failed, "only shared actions raise tickets")
            }
            let draft = TicketDraft.make(
                organizationID: delivery.organizationID,
                actionID: shared.actionID,
                message: message,
                remaining: shared.remaining
            )
            let (result, record) = await senders.tickets.raise(draft, settings: settings, credentials: credentials)
            attempt = result
            if let record {
                let now = clock.now()
                try await store.upsertTicket(
                    Ticket(
                        id: "tk_" + RandomHex.make(bytes: 12),
                        organizationID: delivery.organizationID,
                        actionID: shared.actionID,
                        channelID: channel.id,
                        externalID: record.sysID,
                        number: record.number,
                        state: record.state,
                        active: record.active,
                        url: ServiceNowTableAPI.recordURL(settings, sysID: record.sysID),
                        createdAt: now,
                        updatedAt: now
                    )
                )
            }
        }
        let finished = clock.now()
        let result = DeliveryResult(status: attempt.status)
        let attempts = delivery.attempts + 1
        var state = DeliveryState.pending
        var next: Date?
        switch result {
        case .delivered:
            state = .delivered
        case .gone:
            state = .failed
        case .failed:
            next = DeliverySchedule.nextAttempt(
                after: finished,
                attempts: attempts,
                retryAfter: attempt.retryAfter,
                jitter: jitter
            )
            if next == nil { state = .failed }
        }
        let error = result == .delivered ? nil : attempt.error ?? attempt.status.map { "the receiver answered \($0)" }
        _ = try await store.finishDeliveryAttempt(
            delivery.id,
            holder: holder,
            at: finished,
            status: attempt.status,
            error: error,
            state: state,
            nextAttemptAt: next
        )
        if result == .gone {
            try await store.disableChannel(
                channel.id,
                at: finished,
                reason: "the receiver answered 410 Gone"
            )
        }
        return try await store.delivery(delivery.id)
    }

    /// Records an attempt that could not be made, for good.
    private func finish(
        _ delivery: Delivery,
        holder: String,
        state: DeliveryState,
        _ reason: String
    ) async throws
        -> Delivery?
    {
        _ = try await store.finishDeliveryAttempt(
            delivery.id,
            holder: holder,
            at: clock.now(),
            status: nil,
            error: reason,
            state: state,
            nextAttemptAt: nil
        )
        return try await store.delivery(delivery.id)
    }
}
