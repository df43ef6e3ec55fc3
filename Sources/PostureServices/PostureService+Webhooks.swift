import Foundation
import PostureCore
import PostureStore

/// Webhook endpoints (read-write roles configure them; the secret is shown once) and the events
/// queued for them.
extension PostureService {
    public func webhookEndpoints(_ organizationID: OrganizationID) async throws -> [WebhookEndpoint] {
        _ = try await organization(organizationID)
        return try await store.webhookEndpoints(organizationID)
    }

    /// Adds an endpoint and returns it with its new secret, which is never shown again.
    public func addWebhookEndpoint(
        _ organizationID: OrganizationID,
        url: String,
        events eventNames: [String],
        actor: String,
        requestID: String? = nil
    ) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        _ = try await organization(organizationID)
        var problems: [ConnectionProblem] = []
        if let problem = OutboundTarget.problem(url, field: "url", allowPrivate: outbound.allowPrivateTargets) {
            problems.append(problem)
        }
        var events: [OutboundEventType] = []
        do {
            events = try WebhookEndpoint.events(named: eventNames)
        } catch {
            problems.append(error)
        }
        guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
        let now = clock.now()
        let endpoint = WebhookEndpoint(
            id: "ep_" + RandomHex.make(bytes: 12),
            organizationID: organizationID,
            url: url,
            events: events,
            createdAt: now,
            createdBy: actor
        )
        var key = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in key.indices { key[index] = UInt8.random(in: 0...255, using: &generator) }
        let secret = StandardWebhooks.secret(fromKey: key)
        try await store.transaction { store in
            let existing = try await store.webhookEndpoints(organizationID)
            guard existing.count < WebhookEndpoint.limitPerOrganization else {
                throw ServiceError.tooManyWebhooks(WebhookEndpoint.limitPerOrganization)
            }
            try await store.createWebhookEndpoint(endpoint, secret: secret)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "webhook.add",
                    before: nil,
                    after: AuditJSON.webhook(endpoint),
                    requestID: requestID
                )
            )
        }
        return (endpoint, secret)
    }

    public func removeWebhookEndpoint(
        _ organizationID: OrganizationID,
        id: String,
        actor: String,
        requestID: String? = nil
    ) async throws {
        let now = clock.now()
        try await store.transaction { store in
            guard let before = try await store.webhookEndpoint(organizationID, id: id) else {
                throw ServiceError.webhookNotFound(id)
            }
            _ = try await store.deleteWebhookEndpoint(organizationID, id: id, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "webhook.remove",
                    before: AuditJSON.webhook(before),
                    after: nil,
                    requestID: requestID
                )
            )
        }
    }

    /// Queues the test event for one endpoint; returns the delivery, which the delivery log shows.
    public func testWebhookEndpoint(_ organizationID: OrganizationID, id: String) async throws -> Delivery {
        guard let endpoint = try await store.webhookEndpoint(organizationID, id: id) else {
            throw ServiceError.webhookNotFound(id)
        }
        let event = OutboundEvent(
            type: .webhookTest,
            timestamp: clock.now(),
            data: JSONObject([
                ("organizationId", .string(organizationID.rawValue)), ("endpointId", .string(endpoint.id)),
                ("message", .string("A test event from Posture: this endpoint receives and verifies its messages.")),
            ])
        )
        let delivery = Delivery(
            id: Delivery.newID(),
            organizationID: organizationID,
            endpointID: endpoint.id,
            eventType: event.type,
            body: event.body,
            createdAt: event.timestamp
        )
        try await store.enqueueDeliveries([delivery])
        return delivery
    }

    /// Queues an event for every enabled endpoint of the organization that wants it.
    @discardableResult
    public func publish(_ event: OutboundEvent, for organizationID: OrganizationID) async throws -> [Delivery] {
        try await enqueue(event, for: organizationID, store: store)
    }

    /// ``publish(_:for:)`` inside a caller's transaction.
    @discardableResult
    func enqueue(
        _ event: OutboundEvent,
        for organizationID: OrganizationID,
        store: PostureStore
    ) async throws
        -> [Delivery]
    {
        let body = event.body
        let deliveries = try await store.webhookEndpoints(organizationID)
            .filter { $0.isEnabled && $0.wants(event.type) }
            .map { endpoint in
                Delivery(
                    id: Delivery.newID(),
                    organizationID: organizationID,
                    endpointID: endpoint.id,
                    eventType: event.type,
                    body: body,
                    createdAt: event.timestamp
                )
            }
        try await store.enqueueDeliveries(deliveries)
        return deliveries
    }

    /// The delivery log: newest first.
    public func deliveries(_ organizationID: OrganizationID, limit: Int = 100) async throws -> [Delivery] {
        _ = try await organization(organizationID)
        return try await store.deliveries(organizationID, limit: limit)
    }
}
