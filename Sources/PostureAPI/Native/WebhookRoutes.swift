import Foundation
import PostureCore
import PostureServices
import Vapor

/// An organization's webhook endpoints and its delivery log. Read-write roles add, remove and
/// test endpoints; every role that reads the organization sees them (never their secrets) and
/// the log.
struct WebhookRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("webhooks", use: list)
        organization.post("webhooks", use: add)
        organization.delete("webhooks", ":endpoint", use: remove)
        organization.post("webhooks", ":endpoint", "test", use: test)
        organization.get("deliveries", use: deliveries)
    }

    struct EndpointDTO: Encodable {
        var id: String
        var url: String
        var events: [String]
        var createdAt: Date
        var createdBy: String
        var enabled: Bool
        var disabledAt: Date?
        var disabledReason: String?
        /// Only in the answer that creates the endpoint: `whsec_…`, never shown again.
        var secret: String?

        init(_ endpoint: WebhookEndpoint, secret: String? = nil) {
            id = endpoint.id
            url = endpoint.url
            events = endpoint.events.map(\.rawValue)
            createdAt = endpoint.createdAt
            createdBy = endpoint.createdBy
            enabled = endpoint.isEnabled
            disabledAt = endpoint.disabledAt
            disabledReason = endpoint.disabledReason
            self.secret = secret
        }
    }

    struct DeliveryDTO: Encodable {
        var id: String
        var endpointId: String
        var event: String
        var state: String
        var attempts: Int
        var createdAt: Date
        var nextAttemptAt: Date?
        var lastAttemptAt: Date?
        var lastStatus: Int?
        var lastError: String?
        var finishedAt: Date?

        init(_ delivery: Delivery) {
            id = delivery.id
            endpointId = delivery.endpointID
            event = delivery.eventType.rawValue
            state = delivery.state.rawValue
            attempts = delivery.attempts
            createdAt = delivery.createdAt
            nextAttemptAt = delivery.nextAttemptAt
            lastAttemptAt = delivery.lastAttemptAt
            lastStatus = delivery.lastStatus
            lastError = delivery.lastError
            finishedAt = delivery.finishedAt
        }
    }

    @Sendable func list(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        return try JSONResponse.encode(["value": try await service.webhookEndpoints(id).map { EndpointDTO($0) }])
    }

    /// `{"url", "events": [...]}`; 201 with the endpoint and its secret, shown this once.
    @Sendable func add(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["url", "events"])
        let url = reader.string("url")
        let events = reader.stringArray("events")
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "url")
        }
        let (endpoint, secret) = try await service.addWebhookEndpoint(
            id,
            url: url ?? "",
            events: events ?? [],
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(EndpointDTO(endpoint, secret: secret), status: .created)
    }

    @Sendable func remove(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        try await service.removeWebhookEndpoint(
            id,
            id: request.parameters.get("endpoint") ?? "",
            actor: request.actor,
            requestID: request.id
        )
        return Response(status: .noContent)
    }

    /// Queues the test event for the endpoint: 202 with the delivery, which the log then shows.
    @Sendable func test(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let delivery = try await service.testWebhookEndpoint(id, id: request.parameters.get("endpoint") ?? "")
        return try JSONResponse.encode(DeliveryDTO(delivery), status: .accepted)
    }

    /// The delivery log, newest first (`limit`, 1 to 1,000, default 100).
    @Sendable func deliveries(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let limit = try request.query.get(Int?.self, at: "limit") ?? 100
        guard (1...1_000).contains(limit) else {
            throw APIError.badRequest("limit must be from 1 to 1000", target: "limit")
        }
        return try JSONResponse.encode(["value": try await service.deliveries(id, limit: limit).map(DeliveryDTO.init)])
    }
}
