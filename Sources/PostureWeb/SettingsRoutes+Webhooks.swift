import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Settings → Webhooks: add an endpoint (its secret shown once), send it a test, remove it, and
/// read the delivery log. Read-write roles change them.
extension SettingsRoutes {
    func webhookSection(
        _ id: OrganizationID,
        canWrite: Bool,
        newSecret: (String, String)?
    ) async throws -> WebhookSection {
        let endpoints = try await service.webhookEndpoints(id)
        let deliveries = try await service.deliveries(id, limit: 20)
        return WebhookSection(
            endpoints: endpoints.map { endpoint in
                .init(
                    id: endpoint.id,
                    url: endpoint.url,
                    events: endpoint.events.map(\.rawValue).joined(separator: ", "),
                    state: endpoint.isEnabled ? "enabled" : "off: \(endpoint.disabledReason ?? "turned off")"
                )
            },
            deliveries: deliveries.map { delivery in
                .init(
                    created: ScoreFormat.minute(delivery.createdAt) + " UTC",
                    event: delivery.eventType.rawValue,
                    state: delivery.state.rawValue,
                    attempts: delivery.attempts,
                    last: delivery.lastStatus.map { "HTTP \($0)" } ?? delivery.lastError ?? "",
                    endpointID: delivery.endpointID
                )
            },
            events: OutboundEventType.subscribable.map(\.rawValue),
            canWrite: canWrite,
            newSecret: newSecret.map { (id: $0.0, secret: $0.1) }
        )
    }

    struct WebhookForm: Content {
        var url: String?
        var events: [String]?
    }

    @Sendable func addWebhook(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        let form = (try? request.content.decode(WebhookForm.self)) ?? WebhookForm()
        do {
            let (endpoint, secret) = try await service.addWebhookEndpoint(
                context.id,
                url: (form.url ?? "").trimmingCharacters(in: .whitespaces),
                events: form.events ?? [],
                actor: context.web.user.username,
                requestID: request.id
            )
            return try await render(request, message: "Endpoint added.", webhookSecret: (endpoint.id, secret))
        } catch let error as ServiceError {
            return try await webhookRefusal(request, error)
        }
    }

    @Sendable func testWebhook(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        do {
            _ = try await service.testWebhookEndpoint(context.id, id: request.parameters.get("endpoint") ?? "")
        } catch let error as ServiceError {
            return try await webhookRefusal(request, error)
        }
        return back(request, "webhook-test", section: "webhooks")
    }

    @Sendable func removeWebhook(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        do {
            try await service.removeWebhookEndpoint(
                context.id,
                id: request.parameters.get("endpoint") ?? "",
                actor: context.web.user.username,
                requestID: request.id
            )
        } catch let error as ServiceError {
            return try await webhookRefusal(request, error)
        }
        return back(request, "webhook-removed", section: "webhooks")
    }

    func webhookRefusal(_ request: Request, _ error: ServiceError) async throws -> Response {
        let errors: [String]
        switch error {
        case .invalidConnection(let problems):
            errors = problems.map { ($0.field == "url" ? "The URL " : "Events: ") + $0.message + "." }
        case .webhookNotFound, .tooManyWebhooks:
            errors = [error.description.prefix(1).uppercased() + error.description.dropFirst() + "."]
        default: throw error
        }
        return try await render(request, errors: errors, status: .badRequest)
    }
}
