import Foundation
import PostureCore
import PostureStore

/// What a new scheduled report asks for.
public struct ReportScheduleDraft: Sendable, Equatable {
    public var cadence: ReportCadence
    public var recipients: [String]
    public var paper: ReportPaper

    public init(cadence: ReportCadence, recipients: [String], paper: ReportPaper = .a4) {
        self.cadence = cadence
        self.recipients = recipients
        self.paper = paper
    }
}

/// Scheduled reports: a read-write role sends the organization's report every week or month, as
/// PDF, to chosen addresses at the organization's own mail domains, through its e-mail channel.
/// The PDF is printed when the e-mail leaves (``PostureService/deliver(_:holder:using:jitter:)``).
extension PostureService {
    public func reportSchedules(_ organizationID: OrganizationID) async throws -> [ReportSchedule] {
        _ = try await organization(organizationID)
        return try await store.reportSchedules(organizationID)
    }

    /// Adds a schedule; its first report leaves when the next period closes.
    public func addReportSchedule(
        _ organizationID: OrganizationID,
        _ draft: ReportScheduleDraft,
        actor: String,
        requestID: String? = nil
    ) async throws -> ReportSchedule {
        _ = try await organization(organizationID)
        let recipients = draft.recipients.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let problems = ReportSchedule.recipientProblems(recipients)
        if !problems.isEmpty { throw ServiceError.invalidConnection(problems) }
        try await checkOwnMailDomains(
            organizationID,
            recipients,
            field: "recipients",
            noChannel: Self.reportNeedsChannel
        )
        let existing = try await store.reportSchedules(organizationID)
        guard existing.count < ReportSchedule.maximumPerOrganization else {
            throw ServiceError.tooManyReportSchedules(ReportSchedule.maximumPerOrganization)
        }
        let now = clock.now()
        let schedule = ReportSchedule(
            id: ReportSchedule.newID(),
            organizationID: organizationID,
            cadence: draft.cadence,
            recipients: recipients,
            paper: draft.paper,
            createdBy: actor,
            createdAt: now
        )
        try await store.transaction { store in
            try await store.insertReportSchedule(schedule)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "report.schedule.add",
                    target: schedule.id,
                    before: nil,
                    after: AuditJSON.text(Self.auditValue(schedule)),
                    requestID: requestID
                )
            )
        }
        return schedule
    }

    public func removeReportSchedule(
        _ organizationID: OrganizationID,
        id: String,
        actor: String,
        requestID: String? = nil
    ) async throws {
        _ = try await organization(organizationID)
        let now = clock.now()
        try await store.transaction { store in
            guard let schedule = try await store.reportSchedule(organizationID, id: id),
                try await store.deleteReportSchedule(organizationID, id: id)
            else { throw ServiceError.reportScheduleNotFound(id) }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "report.schedule.remove",
                    target: id,
                    before: AuditJSON.text(Self.auditValue(schedule)),
                    after: nil,
                    requestID: requestID
                )
            )
        }
    }

    /// Queues the schedule's report for its last closed period now, outside the schedule (which
    /// keeps its own pace): 202 material, the delivery log shows how it went.
    public func sendScheduledReport(
        _ organizationID: OrganizationID,
        id: String,
        actor: String,
        requestID: String? = nil
    ) async throws -> Delivery {
        let stored = try await organization(organizationID)
        guard let schedule = try await store.reportSchedule(organizationID, id: id) else {
            throw ServiceError.reportScheduleNotFound(id)
        }
        let channel = try await checkOwnMailDomains(
            organizationID,
            schedule.recipients,
            field: "recipients",
            noChannel: Self.reportNeedsChannel
        )
        // One print of a schedule at a time: sending again before it left only piles up PDFs.
        if try await store.hasPendingDelivery(
            organizationID,
            eventType: .reportScheduled,
            containing: #""scheduleId":"\#(id)""#
        ) {
            throw ServiceError.reportAlreadyQueued(id)
        }
        let delivery = reportDelivery(
            schedule,
            period: schedule.cadence.period(dueAt: clock.now()),
            through: channel,
            organizationName: stored.organization.displayName
        )
        let now = clock.now()
        try await store.transaction { store in
            try await store.enqueueDeliveries([delivery])
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "report.schedule.send",
                    target: id,
                    before: nil,
                    after: AuditJSON.text(.object(JSONObject([("delivery", .string(delivery.id))]))),
                    requestID: requestID
                )
            )
        }
        return delivery
    }

    /// Queues every scheduled report due now, at most `limit` a call: one delivery per schedule and
    /// period through the organization's first enabled e-mail channel, recorded with the period in
    /// one transaction so no node queues it twice. A schedule whose organization has no e-mail
    /// channel, or whose addresses are no longer at its mail domains, is passed over for the
    /// period. Returns how many were queued.
    @discardableResult
    public func queueDueReports(limit: Int = 500) async throws -> Int {
        let now = clock.now()
        let weekly = ReportCadence.weekly.period(dueAt: now)
        let monthly = ReportCadence.monthly.period(dueAt: now)
        var queued = 0
        for schedule in try await store.reportSchedulesDue(weekly: weekly.from, monthly: monthly.from, limit: limit) {
            let period = schedule.cadence == .weekly ? weekly : monthly
            let channel = try? await checkOwnMailDomains(
                schedule.organizationID,
                schedule.recipients,
                field: "recipients",
                noChannel: Self.reportNeedsChannel
            )
            guard schedule.isDue(at: now), let channel,
                let stored = try await store.organization(schedule.organizationID)
            else {
                try await store.markReportSent(schedule.id, period: period.from)
                continue
            }
            let delivery = reportDelivery(
                schedule,
                period: period,
                through: channel,
                organizationName: stored.organization.displayName
            )
            let sent = try await store.transaction { store -> Bool in
                // Another node may have queued it since this one looked.
                guard try await store.markReportSent(schedule.id, period: period.from) else { return false }
                try await store.enqueueDeliveries([delivery])
                return true
            }
            if sent { queued += 1 }
        }
        return queued
    }

    /// The e-mail for a schedule's period through `channel`.
    func reportDelivery(
        _ schedule: ReportSchedule,
        period: DayInterval,
        through channel: OutboundChannel,
        organizationName: String
    ) -> Delivery {
        let now = clock.now()
        let link = outbound.organizationLink(schedule.organizationID) + "/report?from=\(period.from)&to=\(period.to)"
        let event = schedule.event(organizationName: organizationName, period: period, link: link, at: now)
        return Delivery(
            id: Delivery.newID(),
            organizationID: schedule.organizationID,
            channelID: channel.id,
            eventType: event.type,
            body: event.body,
            createdAt: now
        )
    }

    static func auditValue(_ schedule: ReportSchedule) -> JSONValue {
        .object(
            JSONObject([
                ("cadence", .string(schedule.cadence.rawValue)),
                ("recipients", .array(schedule.recipients.map { .string($0) })),
                ("paper", .string(schedule.paper.rawValue)),
            ])
        )
    }

    static let needsEmailChannel =
        "needs the organization's e-mail channel to go through: a read-write role adds one in Settings → Channels"

    static let reportNeedsChannel = ConnectionProblem(field: "channel", "the report " + needsEmailChannel)

    /// The organization's security data goes only to its own mail domains: those its enabled
    /// e-mail channels already send from or to, so nobody can route it to an outside address.
    /// Throws `noChannel` when it has no e-mail channel, and a problem naming `field` when an
    /// address is elsewhere; returns the first enabled e-mail channel, the one mail goes through.
    @discardableResult
    func checkOwnMailDomains(
        _ organizationID: OrganizationID,
        _ addresses: [String],
        field: String,
        noChannel: ConnectionProblem
    ) async throws -> OutboundChannel {
        let channels = try await store.channels(organizationID).filter { $0.kind == .email && $0.isEnabled }
        let mail = channels.compactMap(\.mail)
        guard let channel = channels.first, !mail.isEmpty else {
            throw ServiceError.invalidConnection([noChannel])
        }
        let domains = Set(mail.flatMap { [$0.from] + $0.to }.compactMap(Self.domain))
        let outside = addresses.filter { address in Self.domain(address).map { !domains.contains($0) } ?? true }
        guard outside.isEmpty else {
            throw ServiceError.invalidConnection([
                ConnectionProblem(
                    field: field,
                    "\(outside.map { "\"\($0)\"" }.joined(separator: ", ")) must be at one of the organization's mail domains (\(domains.sorted().joined(separator: ", "))): those its e-mail channels send from or to"
                )
            ])
        }
        return channel
    }
}
