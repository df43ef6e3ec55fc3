import Foundation
import PostureCore
import PostureServices
import Vapor

/// Scheduled reports: every role that reads the organization lists them; read-write roles add,
/// remove and send them now.
struct ReportScheduleRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("reports", "schedules", use: list)
        organization.post("reports", "schedules", use: add)
        organization.delete("reports", "schedules", ":schedule", use: remove)
        organization.post("reports", "schedules", ":schedule", "send", use: send)
    }

    struct ScheduleDTO: Encodable {
        var id: String
        var cadence: String
        var recipients: [String]
        var paper: String
        var createdBy: String
        var createdAt: Date
        /// The first day of the last period sent; nil before the first.
        var lastSentPeriod: String?
        /// The period the next report covers, and from when it leaves.
        var nextPeriod: Period
        var nextSendAt: Date

        struct Period: Encodable {
            var from: String
            var to: String
        }

        init(_ schedule: ReportSchedule, now: Date) {
            id = schedule.id
            cadence = schedule.cadence.rawValue
            recipients = schedule.recipients
            paper = schedule.paper.rawValue
            createdBy = schedule.createdBy
            createdAt = schedule.createdAt
            lastSentPeriod = schedule.lastSentPeriod?.description
            let next = schedule.nextSend(after: now)
            nextPeriod = Period(from: next.period.from.description, to: next.period.to.description)
            nextSendAt = next.at
        }
    }

    @Sendable func list(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let now = dependencies.clock.now()
        return try JSONResponse.encode([
            "value": try await service.reportSchedules(id).map { ScheduleDTO($0, now: now) }
        ])
    }

    /// 201 with the schedule. The body: `cadence` (weekly or monthly), `recipients` (addresses at
    /// the organization's mail domains), `paper` (a4 or letter, default a4).
    @Sendable func add(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["cadence", "recipients", "paper"])
        let cadence = reader.enumeration("cadence", ReportCadence.self)
        let recipients = reader.stringArray("recipients") ?? []
        let paper = reader.enumeration("paper", ReportPaper.self, required: false) ?? .a4
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "body")
        }
        guard let cadence else { throw APIError.badRequest("cadence is required", target: "cadence") }
        let schedule = try await service.addReportSchedule(
            id,
            ReportScheduleDraft(cadence: cadence, recipients: recipients, paper: paper),
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(ScheduleDTO(schedule, now: dependencies.clock.now()), status: .created)
    }

    @Sendable func remove(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        try await service.removeReportSchedule(
            id,
            id: request.parameters.get("schedule") ?? "",
            actor: request.actor,
            requestID: request.id
        )
        return Response(status: .noContent)
    }

    /// Queues the report for the last closed period now: 202 with the delivery, which the
    /// delivery log then shows.
    @Sendable func send(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let delivery = try await service.sendScheduledReport(
            id,
            id: request.parameters.get("schedule") ?? "",
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(ChannelRoutes.DeliveryDTO(delivery), status: .accepted)
    }
}
