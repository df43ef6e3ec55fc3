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

/// Creates Microsoft Planner tasks through an organization's Microsoft 365 connection and reads
/// them back.
public protocol TaskSending: Sendable {
    /// Creates the draft's task, or finds the open one it would repeat; the attempt and the task
    /// when there is one.
    func createTask(
        _ draft: PlannerTaskDraft,
        in planner: PlannerSettings,
        connection: ConnectionSettings,
        credential: ConnectionCredential
    ) async -> (DeliveryAttempt, PlannerAPI.Task?)

    /// Every task of the channel's plan, or why they could not be read.
    func tasks(
        in planner: PlannerSettings,
        connection: ConnectionSettings,
        credential: ConnectionCredential
    ) async -> Result<[PlannerAPI.Task], TicketReadFailure>

    /// Whether the connection may create tasks in the plan and bucket.
    func check(
        _ planner: PlannerSettings,
        connection: ConnectionSettings,
        credential: ConnectionCredential
    ) async -> ConnectionCheckReport.Outcome
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
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
    public var tasks: any TaskSending
    /// Prints the PDF a scheduled report's e-mail carries; nil on a server that prints none.
    public var reports: ReportPrinter?

    public init(
        http: any HTTPSending,
        mail: any MailSending,
        tickets: any TicketSending,
        tasks: any TaskSending,
        reports: ReportPrinter? = nil
    ) {
        self.http = http
        self.mail = mail
        self.tickets = tickets
        self.tasks = tasks
        self.reports = reports
    }
}

/// The dashboard's report page and the PDF engine, for e-mails that carry a report.
public struct ReportPrinter: Sendable {
    public var renderer: any ReportRendering
    public var converter: any PDFConverting

    public init(renderer: any ReportRendering, converter: any PDFConverting) {
        self.renderer = renderer
        self.converter = converter
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

    /// How many deliveries are in each state, across every organization.
    public func deliveryStateCounts(
        _ states: [DeliveryState] = DeliveryState.allCases
    ) async throws -> [DeliveryState: Int] {
        try await store.deliveryStateCounts(states)
    }

    public func releaseDeliveryLeases(holder: String) async throws {
        try await store.releaseDeliveryLeases(holder: holder)
    }

    /// Sends one attempt of a claimed delivery and records it. Returns the delivery as recorded;
    /// nil when it was given back unsent to wait for the PDF engine, or its lease was lost.
    @discardableResult
    public func deliver(
        _ delivery: Delivery,
        holder: String,
        using senders: OutboundSenders,
        jitter: Double = Double.random(in: 0..<1)
    ) async throws -> Delivery? {
        // One read for the channel and its secrets: with the claim and the record, a delivery costs
        // the database three statements.
        let sending = try await store.channelForSending(
            delivery.organizationID,
            id: delivery.channelID,
            at: clock.now()
        )
        guard let (channel, secret, previousSecret) = sending, channel.isEnabled else {
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
            let previous = previousSecret.flatMap(StandardWebhooks.key(ofSecret:))
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
            var attachments: [MailMessage.Attachment] = []
            if delivery.eventType == .reportScheduled {
                switch await printedReport(delivery, printer: senders.reports) {
                case .printed(let attachment): attachments = [attachment]
                case .later:
                    try await store.postponeDelivery(
                        delivery.id,
                        holder: holder,
                        until: clock.now().addingTimeInterval(10 + 10 * jitter)
                    )
                    return nil
                case .never(let reason): return try await finish(delivery, holder: holder, state: .failed, reason)
                case .retry(let reason):
                    return try await record(
                        delivery,
                        holder: holder,
                        channel: channel,
                        attempt: DeliveryAttempt(status: nil, error: reason),
                        jitter: jitter
                    )
                }
            }
            let domain = mail.from.split(separator: "@").last.map(String.init) ?? "posture.invalid"
            // The delivery's id is the Message-ID on every attempt: a repeat is recognisably the same mail.
            let mime = MailMessage.event(
                message,
                from: mail.from,
                // A share, a digest and a report name their own addresses; alerts go to the channel's.
                to: ActionShare.recipients(inBody: delivery.body) ?? mail.to,
                date: clock.now(),
                messageID: "<\(delivery.id)@\(domain)>",
                attachments: attachments
            )
            attempt = await senders.mail.send(mime, via: mail, password: secret)
        case .servicenow:
            guard let settings = channel.serviceNow, let credentials = ServiceNowCredentials(sealedText: secret) else {
                return try await finish(
                    delivery,
                    holder: holder,
                    state: .failed,
                    "the channel's settings are unreadable"
                )
            }
            if delivery.eventType == .webhookTest {
                // A test reads the table: the instance answers and the user may use it.
                let read = await senders.tickets.records(
                    query: ServiceNowTableAPI.openQuery(
                        TicketDraft.correlationPrefix(delivery.organizationID) + "test"
                    ),
                    settings: settings,
                    credentials: credentials
                )
                return try await record(
                    delivery,
                    holder: holder,
                    channel: channel,
                    attempt: Self.testAttempt(problem: read.failureValue?.message)
                )
            }
            guard let message = EventMessage.make(body: delivery.body), delivery.eventType == .actionShared,
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
                try await recordTicket(
                    delivery,
                    actionID: shared.actionID,
                    channel: channel,
                    reading: TicketReading(
                        externalID: record.sysID,
                        number: record.number,
                        state: record.state,
                        active: record.active
                    ),
                    url: ServiceNowTableAPI.recordURL(settings, sysID: record.sysID)
                )
            }
        case .planner:
            return try await deliverToPlanner(delivery, holder: holder, channel: channel, senders: senders)
        }
        return try await record(delivery, holder: holder, channel: channel, attempt: attempt, jitter: jitter)
    }

    /// A Planner channel's delivery: a shared action becomes a task, followed as a ticket; the
    /// test event checks the permission, plan and bucket.
    private func deliverToPlanner(
        _ delivery: Delivery,
        holder: String,
        channel: OutboundChannel,
        senders: OutboundSenders
    ) async throws -> Delivery? {
        guard let planner = channel.planner else {
            return try await finish(delivery, holder: holder, state: .failed, "the channel's settings are unreadable")
        }
        let signIn: (connection: StoredConnection, credential: ConnectionCredential)
        do {
            signIn = try await connectionSignIn(delivery.organizationID)
        } catch ServiceError.connectionNotFound {
            return try await finish(
                delivery,
                holder: holder,
                state: .failed,
                "the organization has no Microsoft 365 connection to create tasks with"
            )
        } catch {
            // The instance-wide app removed, a credential that cannot be opened: not for retrying.
            return try await finish(
                delivery,
                holder: holder,
                state: .failed,
                "the organization's Microsoft 365 connection cannot sign in: \(error)"
            )
        }
        let settings = signIn.connection.settings
        if delivery.eventType == .webhookTest {
            let outcome = await senders.tasks.check(planner, connection: settings, credential: signIn.credential)
            let problem: String? =
                switch outcome {
                case .granted: nil
                case .missing(let permission):
                    "the connection's app lacks the \(permission) application permission (with admin consent)"
                case .notLicensed(let message), .failed(let message): message
                }
            return try await record(
                delivery,
                holder: holder,
                channel: channel,
                attempt: Self.testAttempt(problem: problem)
            )
        }
        guard let message = EventMessage.make(body: delivery.body), delivery.eventType == .actionShared,
            let shared = ActionShare.sharedAction(inBody: delivery.body)
        else {
            return try await finish(delivery, holder: holder, state: .failed, "only shared actions create tasks")
        }
        let draft = PlannerTaskDraft.make(message: message, remaining: shared.remaining)
        let (attempt, task) = await senders.tasks.createTask(
            draft,
            in: planner,
            connection: settings,
            credential: signIn.credential
        )
        if let task {
            try await recordTicket(
                delivery,
                actionID: shared.actionID,
                channel: channel,
                reading: TicketReading(externalID: task.id, number: "Planner", state: task.state, active: task.isOpen),
                url: PlannerAPI.taskURL(tenantID: settings.tenantID, taskID: task.id)
            )
        }
        return try await record(delivery, holder: holder, channel: channel, attempt: attempt)
    }

    /// Records the ticket (or task) a shared action raised, or its new state when it was known.
    private func recordTicket(
        _ delivery: Delivery,
        actionID: String,
        channel: OutboundChannel,
        reading: TicketReading,
        url: String
    ) async throws {
        let now = clock.now()
        try await store.upsertTicket(
            Ticket(
                id: "tk_" + RandomHex.make(bytes: 12),
                organizationID: delivery.organizationID,
                actionID: actionID,
                channelID: channel.id,
                externalID: reading.externalID,
                number: reading.number,
                state: reading.state,
                active: reading.active,
                url: url,
                createdAt: now,
                updatedAt: now
            )
        )
    }

    /// A test of a ticket system: 200 when it answered as it should, the reason otherwise.
    static func testAttempt(problem: String?) -> DeliveryAttempt {
        problem.map { DeliveryAttempt(status: nil, error: $0) } ?? DeliveryAttempt(status: 200)
    }

    enum PrintedReport {
        case printed(MailMessage.Attachment)
        /// The engine is busy: the delivery waits its turn without counting an attempt.
        case later
        /// This attempt failed; the next may not.
        case retry(String)
        /// No attempt can succeed (no engine, an unreadable body).
        case never(String)
    }

    /// The PDF a scheduled report's e-mail carries, printed now from the stored state.
    func printedReport(_ delivery: Delivery, printer: ReportPrinter?) async -> PrintedReport {
        guard let request = ReportSchedule.request(inBody: delivery.body),
            request.organizationID == delivery.organizationID
        else { return .never("the queued message is not a report") }
        guard let printer else { return .never("this server prints no PDFs: it has no PDF engine") }
        let report: OrganizationReport
        do {
            report = try await organizationReport(delivery.organizationID, period: request.period)
        } catch let error as ServiceError {
            return .never("the report could not be made: \(error.description)")
        } catch {
            // The database, most likely: the next attempt may find it back.
            return .retry("the report could not be read")
        }
        let page = printer.renderer.render(report, paper: request.paper.rawValue, inlineStyles: true)
        do {
            let pdf = try await printer.converter.pdf(fromHTML: page)
            return .printed(.init(filename: request.filename, contentType: "application/pdf", data: Array(pdf)))
        } catch {
            switch error {
            case .unavailable(let reason): return .never(reason)
            case .busy: return .later
            case .failed: return .retry(error.description)
            }
        }
    }

    /// Records how an attempt went: delivered, failed for good (410 also turns the channel off),
    /// or due again after the back-off.
    private func record(
        _ delivery: Delivery,
        holder: String,
        channel: OutboundChannel,
        attempt: DeliveryAttempt,
        jitter: Double = Double.random(in: 0..<1)
    ) async throws -> Delivery? {
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
        let recorded = try await store.finishDeliveryAttempt(
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
        return recorded
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
        try await store.finishDeliveryAttempt(
            delivery.id,
            holder: holder,
            at: clock.now(),
            status: nil,
            error: reason,
            state: state,
            nextAttemptAt: nil
        )
    }
}
