import Crypto
import Foundation
import PostureCore
import PostureStore

/// Sends one signed HTTP request and says how the receiver answered; implemented over the
/// network by the app, by a recorder in tests.
public protocol WebhookSending: Sendable {
    func send(url: String, headers: [(String, String)], body: String) async -> WebhookAttempt
}

/// How one attempt went: the receiver's status (nil when it did not answer), its `Retry-After`,
/// and why it failed in a person's words.
public struct WebhookAttempt: Sendable, Equatable {
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
        using sender: any WebhookSending,
        jitter: Double = Double.random(in: 0..<1)
    ) async throws -> Delivery? {
        let endpoint = try await store.webhookEndpoint(delivery.organizationID, id: delivery.endpointID)
        guard let endpoint, endpoint.isEnabled, let secret = try await store.webhookSecret(endpoint.id),
            let key = StandardWebhooks.key(ofSecret: secret)
        else {
            _ = try await store.finishDeliveryAttempt(
                delivery.id,
                holder: holder,
                at: clock.now(),
                status: nil,
                error: "the endpoint was removed or turned off",
                state: .cancelled,
                nextAttemptAt: nil
            )
            return try await store.delivery(delivery.id)
        }
        let timestamp = Int(clock.now().timeIntervalSince1970)
        let signature = HMAC<SHA256>.authenticationCode(
            for: Data(StandardWebhooks.signedContent(id: delivery.id, timestamp: timestamp, body: delivery.body).utf8),
            using: SymmetricKey(data: key)
        )
        let headers = [
            ("content-type", "application/json"), ("webhook-id", delivery.id), ("webhook-timestamp", "\(timestamp)"),
            ("webhook-signature", StandardWebhooks.signatureHeader([Array(signature)])),
            ("user-agent", "Posture-Webhooks/1"),
        ]
        let attempt = await sender.send(url: endpoint.url, headers: headers, body: delivery.body)
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
            try await store.disableWebhookEndpoint(
                endpoint.id,
                at: finished,
                reason: "the receiver answered 410 Gone"
            )
        }
        return try await store.delivery(delivery.id)
    }
}
