import Foundation
import PostureCore
import PostureStore

/// What a person gives to add a channel; only the fields of its kind are read.
public struct ChannelDraft: Sendable, Equatable {
    public var kind: ChannelKind
    public var name: String
    /// A webhook's or a Teams channel's URL.
    public var url: String
    public var events: [String]
    /// An e-mail channel's server and addresses, and its SMTP password (empty: no sign-in).
    public var mail: MailSettings?
    /// An e-mail channel's SMTP password, or a ServiceNow integration user's password.
    public var password: String
    /// A ServiceNow channel's instance, table and sign-in, and its OAuth client secret.
    public var serviceNow: ServiceNowSettings?
    public var clientSecret: String
    /// A Planner channel's plan, bucket and assignee.
    public var planner: PlannerSettings?

    public init(
        kind: ChannelKind,
        name: String = "",
        url: String = "",
        events: [String] = [],
        mail: MailSettings? = nil,
        password: String = "",
        serviceNow: ServiceNowSettings? = nil,
        clientSecret: String = "",
        planner: PlannerSettings? = nil
    ) {
        self.kind = kind
        self.name = name
        self.url = url
        self.events = events
        self.mail = mail
        self.password = password
        self.serviceNow = serviceNow
        self.clientSecret = clientSecret
        self.planner = planner
    }
}

/// An organization's channels (read-write roles configure them; secrets are sealed and a webhook's
/// is shown once) and the events queued for them.
extension PostureService {
    /// An organization that exists, or the instance (its instance-wide channels and rules).
    func checkOutboundOwner(_ organizationID: OrganizationID) async throws {
        if !organizationID.isInstance { _ = try await organization(organizationID) }
    }

    public func channels(_ organizationID: OrganizationID) async throws -> [OutboundChannel] {
        try await checkOutboundOwner(organizationID)
        return try await store.channels(organizationID)
    }

    /// Adds a channel. Returns it with a webhook's new signing secret (nil for other kinds: their
    /// secrets are the person's own and are never shown back).
    public func addChannel(
        _ organizationID: OrganizationID,
        _ draft: ChannelDraft,
        actor: String,
        requestID: String? = nil
    ) async throws -> (channel: OutboundChannel, secret: String?) {
        try await checkOutboundOwner(organizationID)
        let allowPrivate = outbound.allowPrivateTargets
        var problems: [ConnectionProblem] = []
        if let problem = OutboundChannel.nameProblem(draft.name) { problems.append(problem) }
        var events: [OutboundEventType] = []
        if !draft.kind.takesEvents {
            if !draft.events.isEmpty {
                problems.append(
                    ConnectionProblem(
                        field: "events",
                        "a \(draft.kind.label) channel follows shared actions as tickets or tasks; it takes no events"
                    )
                )
            }
        } else {
            do {
                events = try OutboundChannel.events(named: draft.events)
            } catch {
                problems.append(error)
            }
        }
        if organizationID.isInstance, draft.kind.raisesTickets {
            problems.append(
                ConnectionProblem(
                    field: "kind",
                    "instance-wide channels carry alerts: a webhook, a Teams channel or e-mail (tickets and tasks belong to an organization)"
                )
            )
        }
        var target = ""
        var secret = ""
        var shownSecret: String?
        switch draft.kind {
        case .webhook:
            if let problem = OutboundTarget.problem(draft.url, field: "url", allowPrivate: allowPrivate) {
                problems.append(problem)
            }
            target = draft.url
            secret = Self.newWebhookSecret()
            shownSecret = secret
        case .teams:
            if let problem = TeamsTarget.problem(draft.url, field: "url", allowPrivate: allowPrivate) {
                problems.append(problem)
            }
            target = TeamsTarget.shown(draft.url)
            secret = draft.url
        case .email:
            if let mail = draft.mail {
                problems += mail.problems(allowPrivate: allowPrivate)
                if draft.password.utf8.count > 1_024 || draft.password.contains(where: \.isNewline) {
                    problems.append(
                        ConnectionProblem(field: "smtp.password", "must be one line of at most 1,024 bytes")
                    )
                }
                if !(mail.username ?? "").isEmpty, draft.password.isEmpty {
                    problems.append(ConnectionProblem(field: "smtp.password", "is needed with a user name"))
                }
                target = mail.to.joined(separator: ", ")
            } else {
                problems.append(ConnectionProblem(field: "smtp", "an e-mail channel needs its server and addresses"))
            }
            secret = draft.password
        case .servicenow:
            if let settings = draft.serviceNow {
                problems += settings.problems(allowPrivate: allowPrivate)
                if draft.password.isEmpty || draft.password.utf8.count > 1_024 {
                    problems.append(ConnectionProblem(field: "servicenow.password", "is needed, at most 1,024 bytes"))
                }
                if settings.authentication == .oauth, draft.clientSecret.isEmpty {
                    problems.append(ConnectionProblem(field: "servicenow.clientSecret", "is needed with OAuth"))
                }
                target = "\(settings.instanceURL) (\(settings.table.rawValue))"
            } else {
                problems.append(
                    ConnectionProblem(field: "servicenow", "a ServiceNow channel needs its instance, table and user")
                )
            }
            secret =
                ServiceNowCredentials(
                    password: draft.password,
                    clientSecret: draft.clientSecret.isEmpty ? nil : draft.clientSecret
                ).sealedText
        case .planner:
            if let settings = draft.planner {
                problems += settings.problems()
                target = "plan \(settings.planID), bucket \(settings.bucketID)"
            } else {
                problems.append(ConnectionProblem(field: "planner", "a Planner channel needs its planId and bucketId"))
            }
            // Planner signs in as the organization's connection: no secret of its own.
            if !organizationID.isInstance, try await store.connection(organizationID) == nil {
                problems.append(
                    ConnectionProblem(
                        field: "planner",
                        "creates tasks through the organization's Microsoft 365 connection: add the connection first (Settings → Connection)"
                    )
                )
            }
        }
        guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
        let now = clock.now()
        let channel = OutboundChannel(
            id: (draft.kind == .webhook ? "ep_" : "ch_") + RandomHex.make(bytes: 12),
            organizationID: organizationID,
            kind: draft.kind,
            name: draft.name,
            target: target,
            events: events,
            mail: draft.kind == .email ? draft.mail : nil,
            serviceNow: draft.kind == .servicenow ? draft.serviceNow : nil,
            planner: draft.kind == .planner ? draft.planner : nil,
            createdAt: now,
            createdBy: actor
        )
        let sealed = secret
        try await store.transaction { store in
            let existing = try await store.channels(organizationID)
            guard existing.count < OutboundChannel.limitPerOrganization else {
                throw ServiceError.tooManyChannels(OutboundChannel.limitPerOrganization)
            }
            try await store.createChannel(channel, secret: sealed)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.auditOwner,
                    action: draft.kind == .webhook ? "webhook.add" : "channel.add",
                    before: nil,
                    after: AuditJSON.channel(channel),
                    requestID: requestID
                )
            )
        }
        return (channel, shownSecret)
    }

    /// A webhook: ``addChannel(_:_:actor:requestID:)`` of kind webhook, with its secret.
    public func addWebhookEndpoint(
        _ organizationID: OrganizationID,
        url: String,
        events: [String],
        actor: String,
        requestID: String? = nil
    ) async throws -> (endpoint: OutboundChannel, secret: String) {
        let (channel, secret) = try await addChannel(
            organizationID,
            ChannelDraft(kind: .webhook, url: url, events: events),
            actor: actor,
            requestID: requestID
        )
        return (channel, secret ?? "")
    }

    /// How long a webhook's previous secret still signs after a rotation.
    public static let previousSecretSeconds: Double = 86_400

    /// Gives a webhook a new signing secret, shown once; for a day every message carries a
    /// signature with each secret (Standard Webhooks' space-separated list), so the receiver can
    /// switch over without losing a message. Returns the new secret and until when the old one signs.
    public func rotateWebhookSecret(
        _ organizationID: OrganizationID,
        id: String,
        actor: String,
        requestID: String? = nil
    ) async throws -> (secret: String, previousUntil: Date) {
        let now = clock.now()
        let secret = Self.newWebhookSecret()
        let until = now.addingTimeInterval(Self.previousSecretSeconds)
        try await store.transaction { store in
            guard let channel = try await store.channel(organizationID, id: id), channel.kind == .webhook else {
                throw ServiceError.channelNotFound(id)
            }
            _ = try await store.rotateChannelSecret(channel, secret: secret, previousUntil: until)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.auditOwner,
                    action: "webhook.rotate",
                    target: id,
                    before: nil,
                    after: AuditJSON.channel(channel),
                    requestID: requestID
                )
            )
        }
        return (secret, until)
    }

    public func removeChannel(
        _ organizationID: OrganizationID,
        id: String,
        actor: String,
        requestID: String? = nil
    ) async throws {
        let now = clock.now()
        try await store.transaction { store in
            guard let before = try await store.channel(organizationID, id: id) else {
                throw ServiceError.channelNotFound(id)
            }
            _ = try await store.deleteChannel(organizationID, id: id, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.auditOwner,
                    action: before.kind == .webhook ? "webhook.remove" : "channel.remove",
                    before: AuditJSON.channel(before),
                    after: nil,
                    requestID: requestID
                )
            )
        }
    }

    /// Queues the test event for one channel; returns the delivery, which the delivery log shows.
    public func testChannel(_ organizationID: OrganizationID, id: String) async throws -> Delivery {
        guard let channel = try await store.channel(organizationID, id: id) else {
            throw ServiceError.channelNotFound(id)
        }
        let event = OutboundEvent(
            type: .webhookTest,
            timestamp: clock.now(),
            data: JSONObject([
                ("organizationId", .string(organizationID.rawValue)), ("channelId", .string(channel.id)),
                ("message", .string("A test message from Posture: this channel receives its messages.")),
            ])
        )
        let delivery = Delivery(
            id: Delivery.newID(),
            organizationID: organizationID,
            channelID: channel.id,
            eventType: event.type,
            body: event.body,
            createdAt: event.timestamp
        )
        try await store.enqueueDeliveries([delivery])
        return delivery
    }

    /// Queues an event for every enabled channel of the organization that wants it.
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
        let deliveries = try await store.channels(organizationID)
            .filter { $0.isEnabled && $0.wants(event.type) }
            .map { channel in
                Delivery(
                    id: Delivery.newID(),
                    organizationID: organizationID,
                    channelID: channel.id,
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
        try await checkOutboundOwner(organizationID)
        return try await store.deliveries(organizationID, limit: limit)
    }

    /// `whsec_` and 32 random bytes.
    static func newWebhookSecret() -> String {
        var key = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in key.indices { key[index] = UInt8.random(in: 0...255, using: &generator) }
        return StandardWebhooks.secret(fromKey: key)
    }
}

extension OrganizationID {
    /// The organization an audit entry belongs to: none for the instance's own.
    var auditOwner: String? { isInstance ? nil : rawValue }
}
