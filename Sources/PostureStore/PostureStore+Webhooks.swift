import Foundation
import PostureCore
import SQLKit

/// Webhook endpoints: their settings, and their secrets sealed with the connection key (the
/// endpoint's id is authenticated with it, so a secret cannot be moved to another endpoint).
extension PostureStore {
    /// Stores a new endpoint with its secret; the caller shows the secret once.
    public func createWebhookEndpoint(_ endpoint: WebhookEndpoint, secret: String) async throws {
        guard let key = connectionKey else { throw ConnectionKeyError.cannotSeal }
        let sealed = try key.seal(secret, for: "webhook:" + endpoint.id)
        try await sql.raw(
            """
            INSERT INTO webhook_endpoints (id, organization_id, url, events, sealed_secret, created_at, created_by)
            VALUES (\(bind: endpoint.id), \(bind: endpoint.organizationID.rawValue), \(bind: endpoint.url),
                \(bind: endpoint.events.map(\.rawValue).joined(separator: " ")), \(bind: sealed),
                \(bind: endpoint.createdAt.timeIntervalSince1970), \(bind: endpoint.createdBy))
            """
        ).run()
    }

    public func webhookEndpoints(_ organizationID: OrganizationID) async throws -> [WebhookEndpoint] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.endpointColumns) FROM webhook_endpoints
            WHERE organization_id = \(bind: organizationID.rawValue) ORDER BY created_at, id
            """
        ).all().map(WebhookEndpoint.init(row:))
    }

    public func webhookEndpoint(_ organizationID: OrganizationID, id: String) async throws -> WebhookEndpoint? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.endpointColumns) FROM webhook_endpoints
            WHERE organization_id = \(bind: organizationID.rawValue) AND id = \(bind: id)
            """
        ).first().map(WebhookEndpoint.init(row:))
    }

    /// The endpoint's secret, opened: for signing, never for showing.
    public func webhookSecret(_ id: String) async throws -> String? {
        guard
            let row = try await sql.raw("SELECT sealed_secret FROM webhook_endpoints WHERE id = \(bind: id)").first()
        else { return nil }
        guard let key = connectionKey else { throw ConnectionKeyError.cannotOpen }
        return try key.open(try row.decode(column: "sealed_secret", as: String.self), for: "webhook:" + id)
    }

    /// Removes an endpoint and cancels what it still had to send; false when there was none.
    public func deleteWebhookEndpoint(_ organizationID: OrganizationID, id: String, at now: Date) async throws -> Bool {
        let removed = try await !sql.raw(
            """
            DELETE FROM webhook_endpoints WHERE organization_id = \(bind: organizationID.rawValue) AND id = \(bind: id)
            RETURNING id
            """
        ).all().isEmpty
        if removed { try await cancelDeliveries(endpointID: id, at: now, reason: "the endpoint was removed") }
        return removed
    }

    /// Turns an endpoint off (a 410 Gone) and cancels what it still had to send.
    public func disableWebhookEndpoint(_ id: String, at now: Date, reason: String) async throws {
        try await sql.raw(
            """
            UPDATE webhook_endpoints SET disabled_at = \(bind: now.timeIntervalSince1970),
                disabled_reason = \(bind: reason)
            WHERE id = \(bind: id) AND disabled_at IS NULL
            """
        ).run()
        try await cancelDeliveries(endpointID: id, at: now, reason: reason)
    }

    static let endpointColumns =
        "id, organization_id, url, events, created_at, created_by, disabled_at, disabled_reason"
}

extension WebhookEndpoint {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.decode(column: "id", as: String.self),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
            url: try row.decode(column: "url", as: String.self),
            events: try row.decode(column: "events", as: String.self).split(separator: " ")
                .compactMap { OutboundEventType(rawValue: String($0)) },
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            createdBy: try row.decode(column: "created_by", as: String.self),
            disabledAt: try row.decode(column: "disabled_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            disabledReason: try row.decode(column: "disabled_reason", as: String?.self)
        )
    }
}

extension PostureStore {
    /// The organization's endpoints, their sealed secrets and its delivery log: part of deleting
    /// the organization, so a later organization of the same id sends nowhere.
    func deleteOutbound(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM deliveries WHERE organization_id = \(bind: organizationID.rawValue)").run()
        try await sql.raw("DELETE FROM webhook_endpoints WHERE organization_id = \(bind: organizationID.rawValue)")
            .run()
        try await deleteAlerts(organizationID)
    }
}
