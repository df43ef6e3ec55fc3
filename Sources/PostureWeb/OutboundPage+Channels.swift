import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Channels as forms, on an organization's Settings or the instance's Alerts page: add a webhook
/// (its secret shown once), a Teams channel, an e-mail channel (and, for an organization,
/// ServiceNow or Planner), send one a test, remove it, and read the delivery log.
extension OutboundPage {
    func channelSection(
        _ id: OrganizationID,
        canWrite: Bool,
        newSecret: (String, String)?
    ) async throws -> ChannelSection {
        let channels = try await service.channels(id)
        let deliveries = try await service.deliveries(id, limit: 20)
        return ChannelSection(
            channels: channels.map { channel in
                .init(
                    id: channel.id,
                    kind: channel.kind.label,
                    name: channel.name,
                    target: channel.mail.map { "\($0.to.joined(separator: ", ")) via \($0.host):\($0.port)" }
                        ?? channel.target,
                    events: channel.events.map(\.rawValue).joined(separator: ", "),
                    state: channel.isEnabled ? "enabled" : "off: \(channel.disabledReason ?? "turned off")",
                    rotatable: channel.kind == .webhook
                )
            },
            deliveries: deliveries.map { delivery in
                .init(
                    created: ScoreFormat.minute(delivery.createdAt) + " UTC",
                    event: delivery.eventType.rawValue,
                    state: delivery.state.rawValue,
                    attempts: delivery.attempts,
                    last: delivery.lastStatus.map { "answered \($0)" } ?? delivery.lastError ?? "",
                    channelID: delivery.channelID
                )
            },
            events: OutboundEventType.subscribable.map(\.rawValue),
            canWrite: canWrite,
            newSecret: newSecret.map { (id: $0.0, secret: $0.1) }
        )
    }

    @Sendable func addChannel(_ request: Request) async throws -> Response {
        let owner = try await outboundOwner(request)
        let form = (try? request.content.decode(ChannelForm.self)) ?? ChannelForm()
        let kind = ChannelKind(rawValue: form.kind ?? "") ?? .webhook
        var draft = ChannelDraft(
            kind: kind,
            name: (form.name ?? "").trimmingCharacters(in: .whitespaces),
            url: (form.url ?? "").trimmingCharacters(in: .whitespaces),
            events: form.events ?? []
        )
        if kind == .email {
            let security = MailSecurity(rawValue: form.security ?? "") ?? .starttls
            let port = (form.port ?? "").trimmingCharacters(in: .whitespaces)
            guard port.isEmpty || Int(port) != nil else {
                return try await renderOutbound(request, errors: ["Port must be a number."], status: .badRequest)
            }
            let username = (form.username ?? "").trimmingCharacters(in: .whitespaces)
            draft.mail = MailSettings(
                host: (form.host ?? "").trimmingCharacters(in: .whitespaces),
                port: Int(port),
                security: security,
                username: username.isEmpty ? nil : username,
                from: (form.from ?? "").trimmingCharacters(in: .whitespaces),
                to: EmailAddress.list(form.to ?? "")
            )
            draft.password = form.password ?? ""
        }
        if kind == .servicenow {
            func field(_ text: String?) -> String? {
                let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty ? nil : trimmed
            }
            draft.serviceNow = ServiceNowSettings(
                instanceURL: field(form.instanceUrl) ?? "",
                table: ServiceNowSettings.Table(rawValue: form.table ?? "") ?? .incident,
                authentication: ServiceNowSettings.Authentication(rawValue: form.authentication ?? "") ?? .basic,
                username: field(form.username) ?? "",
                clientID: field(form.clientId),
                category: field(form.category),
                assignmentGroup: field(form.assignmentGroup)
            )
            draft.password = form.password ?? ""
            draft.clientSecret = form.clientSecret ?? ""
        }
        if kind == .planner {
            let assignee = (form.assigneeId ?? "").trimmingCharacters(in: .whitespaces)
            draft.planner = PlannerSettings(
                planID: (form.planId ?? "").trimmingCharacters(in: .whitespaces),
                bucketID: (form.bucketId ?? "").trimmingCharacters(in: .whitespaces),
                assigneeID: assignee.isEmpty ? nil : assignee
            )
        }
        do {
            let (channel, secret) = try await service.addChannel(
                owner.id,
                draft,
                actor: owner.actor,
                requestID: request.id
            )
            return try await renderOutbound(
                request,
                message: "\(kind.label) channel added.",
                webhookSecret: secret.map { (channel.id, $0) }
            )
        } catch let error as ServiceError {
            return try await channelRefusal(request, error)
        }
    }

    @Sendable func testChannel(_ request: Request) async throws -> Response {
        let owner = try await outboundOwner(request)
        do {
            _ = try await service.testChannel(owner.id, id: request.parameters.get("channel") ?? "")
        } catch let error as ServiceError {
            return try await channelRefusal(request, error)
        }
        return backToOutbound(request, "channel-test", section: "channels")
    }

    @Sendable func removeChannel(_ request: Request) async throws -> Response {
        let owner = try await outboundOwner(request)
        do {
            try await service.removeChannel(
                owner.id,
                id: request.parameters.get("channel") ?? "",
                actor: owner.actor,
                requestID: request.id
            )
        } catch let error as ServiceError {
            return try await channelRefusal(request, error)
        }
        return backToOutbound(request, "channel-removed", section: "channels")
    }

    /// A webhook's new secret, shown once on the page; the old one signs too for a day.
    @Sendable func rotateWebhook(_ request: Request) async throws -> Response {
        let owner = try await outboundOwner(request)
        let id = request.parameters.get("channel") ?? ""
        do {
            let (secret, until) = try await service.rotateWebhookSecret(
                owner.id,
                id: id,
                actor: owner.actor,
                requestID: request.id
            )
            return try await renderOutbound(
                request,
                message:
                    "New secret made. Messages carry a signature with the old one too until \(ScoreFormat.minute(until)) UTC.",
                webhookSecret: (id, secret)
            )
        } catch let error as ServiceError {
            return try await channelRefusal(request, error)
        }
    }

    /// Each problem in a sentence that names the form's field.
    func channelRefusal(_ request: Request, _ error: ServiceError) async throws -> Response {
        let labels = [
            "url": "The URL", "events": "Events:", "name": "The name", "to": "To:", "smtp.host": "The SMTP server",
            "smtp.port": "The port", "smtp.security": "Security", "smtp.username": "The user name",
            "smtp.password": "The password", "smtp.from": "From", "smtp": "The SMTP server",
            "servicenow.instanceUrl": "The instance", "servicenow.username": "The user name",
            "servicenow.password": "The password", "servicenow.clientId": "The OAuth client id",
            "servicenow.clientSecret": "The OAuth client secret", "servicenow.category": "The category",
            "servicenow.assignmentGroup": "The assignment group", "servicenow": "The instance",
            "planner.planId": "The plan id", "planner.bucketId": "The bucket id",
            "planner.assigneeId": "The assignee", "planner": "Planner",
        ]
        let errors: [String]
        switch error {
        case .invalidConnection(let problems):
            errors = problems.map { "\(labels[$0.field] ?? $0.field) \($0.message)." }
        case .channelNotFound, .tooManyChannels:
            errors = [Notices.sentence(error.description)]
        default: throw error
        }
        return try await renderOutbound(request, errors: errors, status: .badRequest)
    }
}

/// The form's fields as posted.
struct ChannelForm: Content {
    var kind: String?
    var name: String?
    var url: String?
    var events: [String]?
    var to: String?
    var host: String?
    var port: String?
    var security: String?
    var username: String?
    var password: String?
    var from: String?
    var instanceUrl: String?
    var table: String?
    var authentication: String?
    var clientId: String?
    var clientSecret: String?
    var category: String?
    var assignmentGroup: String?
    var planId: String?
    var bucketId: String?
    var assigneeId: String?
}
