import Foundation
import PostureCore
import PostureServices
import Vapor

/// An organization's channels (webhooks, Microsoft Teams, e-mail, ServiceNow, Microsoft Planner)
/// and its delivery log. Read-write
/// roles add, remove and test channels; every role that reads the organization sees them (never
/// their secrets) and the log. `/webhooks` is the same for webhook channels only.
struct ChannelRoutes {
    let dependencies: APIDependencies
    /// Under `/instance`: the instance-wide channels, for instance administrators.
    var instance = false

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("channels") { try await list($0, only: nil) }
        organization.post("channels") { try await add($0, only: nil) }
        organization.delete("channels", ":channel") { try await remove($0, only: nil) }
        organization.post("channels", ":channel", "test") { try await test($0, only: nil) }
        organization.get("webhooks") { try await list($0, only: .webhook) }
        organization.post("webhooks") { try await add($0, only: .webhook) }
        organization.delete("webhooks", ":channel") { try await remove($0, only: .webhook) }
        organization.post("webhooks", ":channel", "test") { try await test($0, only: .webhook) }
        organization.post("webhooks", ":channel", "rotate", use: rotate)
        organization.get("deliveries", use: deliveries)
    }

    struct SMTPDTO: Encodable {
        var host: String
        var port: Int
        var security: String
        var username: String?
        var from: String
    }

    struct ServiceNowDTO: Encodable {
        var instanceUrl: String
        var table: String
        var authentication: String
        var username: String
        var clientId: String?
        var category: String?
        var assignmentGroup: String?
    }

    struct PlannerDTO: Encodable {
        var planId: String
        var bucketId: String
        var assigneeId: String?
    }

    struct ChannelDTO: Encodable {
        var id: String
        var kind: String
        var name: String
        /// A webhook's URL; a Teams URL without its query (the signature is the secret).
        var url: String?
        var to: [String]?
        var smtp: SMTPDTO?
        var servicenow: ServiceNowDTO?
        var planner: PlannerDTO?
        var events: [String]
        var createdAt: Date
        var createdBy: String
        var enabled: Bool
        var disabledAt: Date?
        var disabledReason: String?
        /// Only in the answer that creates a webhook: `whsec_…`, never shown again.
        var secret: String?

        init(_ channel: OutboundChannel, secret: String? = nil) {
            id = channel.id
            kind = channel.kind.rawValue
            name = channel.name
            url = channel.kind == .webhook || channel.kind == .teams ? channel.target : nil
            to = channel.mail?.to
            smtp = channel.mail.map {
                SMTPDTO(
                    host: $0.host,
                    port: $0.port,
                    security: $0.security.rawValue,
                    username: $0.username,
                    from: $0.from
                )
            }
            servicenow = channel.serviceNow.map {
                ServiceNowDTO(
                    instanceUrl: $0.instanceURL,
                    table: $0.table.rawValue,
                    authentication: $0.authentication.rawValue,
                    username: $0.username,
                    clientId: $0.clientID,
                    category: $0.category,
                    assignmentGroup: $0.assignmentGroup
                )
            }
            planner = channel.planner.map {
                PlannerDTO(planId: $0.planID, bucketId: $0.bucketID, assigneeId: $0.assigneeID)
            }
            events = channel.events.map(\.rawValue)
            createdAt = channel.createdAt
            createdBy = channel.createdBy
            enabled = channel.isEnabled
            disabledAt = channel.disabledAt
            disabledReason = channel.disabledReason
            self.secret = secret
        }
    }

    struct DeliveryDTO: Encodable {
        var id: String
        var channelId: String
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
            channelId = delivery.channelID
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

    func list(_ request: Request, only kind: ChannelKind?) async throws -> Response {
        let id = try request.authorizeOwner(.read, instance: instance)
        let channels = try await service.channels(id).filter { kind == nil || $0.kind == kind }
        return try JSONResponse.encode(["value": channels.map { ChannelDTO($0) }])
    }

    /// 201 with the channel (and a webhook's secret, shown this once).
    func add(_ request: Request, only: ChannelKind?) async throws -> Response {
        let id = try request.authorizeOwner(.changeState, instance: instance)
        let draft = try Self.draft(try request.jsonBody(), only: only)
        let (channel, secret) = try await service.addChannel(id, draft, actor: request.actor, requestID: request.id)
        return try JSONResponse.encode(ChannelDTO(channel, secret: secret), status: .created)
    }

    /// The draft a body describes: `kind` (not on `/webhooks`), `name`, `events`, and the kind's
    /// fields: `url` for webhooks and Teams, `to` and `smtp` for e-mail, `servicenow`, `planner`.
    static func draft(_ body: SourceNode, only: ChannelKind?) throws -> ChannelDraft {
        var reader = NodeReader(file: "body", entry: nil, node: body)
        let kind = only ?? reader.enumeration("kind", ChannelKind.self, required: false) ?? .webhook
        var known: Set<String> = ["name", "events"]
        if only == nil { known.insert("kind") }
        switch kind {
        case .email: known.formUnion(["to", "smtp"])
        case .servicenow: known.insert("servicenow")
        case .planner: known.insert("planner")
        case .webhook, .teams: known.insert("url")
        }
        reader.rejectUnknownKeys(known)
        let name = reader.string("name", required: false, allowEmpty: true) ?? ""
        let events = reader.stringArray("events", required: kind.takesEvents) ?? []
        var draft = ChannelDraft(kind: kind, name: name, events: events)
        if kind == .email {
            let to = reader.stringArray("to") ?? []
            if let node = reader.raw("smtp") {
                var smtp = NodeReader(file: "body", entry: nil, node: node, fieldPrefix: "smtp.")
                smtp.rejectUnknownKeys(["host", "port", "security", "username", "password", "from"])
                let security = smtp.enumeration("security", MailSecurity.self, required: false) ?? .starttls
                draft.mail = MailSettings(
                    host: smtp.string("host") ?? "",
                    port: smtp.count("port", required: false),
                    security: security,
                    username: smtp.string("username", required: false),
                    from: smtp.string("from") ?? "",
                    to: to
                )
                draft.password = smtp.string("password", required: false, allowEmpty: true) ?? ""
                reader.absorb(smtp.collected)
            } else {
                reader.report("smtp", "an e-mail channel needs its SMTP server: host, port, security, from")
            }
        } else if kind == .servicenow {
            if let node = reader.raw("servicenow") {
                var settings = NodeReader(file: "body", entry: nil, node: node, fieldPrefix: "servicenow.")
                settings.rejectUnknownKeys([
                    "instanceUrl", "table", "authentication", "username", "password", "clientId", "clientSecret",
                    "category", "assignmentGroup",
                ])
                draft.serviceNow = ServiceNowSettings(
                    instanceURL: settings.string("instanceUrl") ?? "",
                    table: settings.enumeration("table", ServiceNowSettings.Table.self, required: false) ?? .incident,
                    authentication: settings.enumeration(
                        "authentication",
                        ServiceNowSettings.Authentication.self,
                        required: false
                    ) ?? .basic,
                    username: settings.string("username") ?? "",
                    clientID: settings.string("clientId", required: false),
                    category: settings.string("category", required: false),
                    assignmentGroup: settings.string("assignmentGroup", required: false)
                )
                draft.password = settings.string("password") ?? ""
                draft.clientSecret = settings.string("clientSecret", required: false) ?? ""
                reader.absorb(settings.collected)
            } else {
                reader.report("servicenow", "a ServiceNow channel needs its instanceUrl, table, username and password")
            }
        } else if kind == .planner {
            if let node = reader.raw("planner") {
                var settings = NodeReader(file: "body", entry: nil, node: node, fieldPrefix: "planner.")
                settings.rejectUnknownKeys(["planId", "bucketId", "assigneeId"])
                draft.planner = PlannerSettings(
                    planID: settings.string("planId") ?? "",
                    bucketID: settings.string("bucketId") ?? "",
                    assigneeID: settings.string("assigneeId", required: false)
                )
                reader.absorb(settings.collected)
            } else {
                reader.report("planner", "a Planner channel needs its planId and bucketId")
            }
        } else {
            draft.url = reader.string("url") ?? ""
        }
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "body")
        }
        return draft
    }

    func remove(_ request: Request, only kind: ChannelKind?) async throws -> Response {
        let id = try request.authorizeOwner(.changeState, instance: instance)
        let channelID = try await channelID(request, id, only: kind)
        try await service.removeChannel(id, id: channelID, actor: request.actor, requestID: request.id)
        return Response(status: .noContent)
    }

    /// Queues the test message for the channel: 202 with the delivery, which the log then shows.
    func test(_ request: Request, only kind: ChannelKind?) async throws -> Response {
        let id = try request.authorizeOwner(.changeState, instance: instance)
        let delivery = try await service.testChannel(id, id: try await channelID(request, id, only: kind))
        return try JSONResponse.encode(DeliveryDTO(delivery), status: .accepted)
    }

    struct RotatedDTO: Encodable {
        var id: String
        /// The new `whsec_…` secret, shown this once.
        var secret: String
        /// Until when messages are also signed with the previous secret.
        var previousSecretValidUntil: Date
    }

    /// A webhook's new secret (200, shown once); the old one signs too for a day.
    @Sendable func rotate(_ request: Request) async throws -> Response {
        let id = try request.authorizeOwner(.changeState, instance: instance)
        let channelID = request.parameters.get("channel") ?? ""
        let (secret, until) = try await service.rotateWebhookSecret(
            id,
            id: channelID,
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(RotatedDTO(id: channelID, secret: secret, previousSecretValidUntil: until))
    }

    /// The path's channel id; on `/webhooks` only a webhook's id is found.
    func channelID(_ request: Request, _ organizationID: OrganizationID, only kind: ChannelKind?) async throws -> String
    {
        let channelID = request.parameters.get("channel") ?? ""
        if let kind, try await service.channels(organizationID).first(where: { $0.id == channelID })?.kind != kind {
            throw ServiceError.channelNotFound(channelID)
        }
        return channelID
    }

    /// The delivery log, newest first (`limit`, 1 to 1,000, default 100).
    @Sendable func deliveries(_ request: Request) async throws -> Response {
        let id = try request.authorizeOwner(.read, instance: instance)
        let limit = try request.query.get(Int?.self, at: "limit") ?? 100
        guard (1...1_000).contains(limit) else {
            throw APIError.badRequest("limit must be from 1 to 1000", target: "limit")
        }
        return try JSONResponse.encode(["value": try await service.deliveries(id, limit: limit).map(DeliveryDTO.init)])
    }
}
