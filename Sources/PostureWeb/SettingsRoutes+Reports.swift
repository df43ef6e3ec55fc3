import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Settings → Scheduled reports: read-write roles add, remove and send them now.
extension SettingsRoutes {
    func reportScheduleSection(
        _ id: OrganizationID,
        canWrite: Bool,
        hasEmailChannel: Bool
    ) async throws -> ReportScheduleSection {
        let now = dependencies.clock.now()
        return ReportScheduleSection(
            rows: try await service.reportSchedules(id).map { schedule in
                let next = schedule.nextSend(after: now)
                return .init(
                    id: schedule.id,
                    cadence: schedule.cadence == .weekly ? "Week" : "Month",
                    recipients: schedule.recipients.joined(separator: ", "),
                    paper: schedule.paper == .a4 ? "A4" : "US Letter",
                    next: "\(schedule.cadence.periodName(next.period)), "
                        + (next.at <= now ? "due now" : "from " + ScoreFormat.minute(next.at) + " UTC"),
                    lastSent: schedule.lastSentPeriod.map {
                        schedule.cadence.periodName(schedule.cadence.period(startingOn: $0))
                    } ?? "not yet",
                    createdBy: schedule.createdBy
                )
            },
            canWrite: canWrite,
            hasEmailChannel: hasEmailChannel
        )
    }

    struct ReportScheduleForm: Content {
        var cadence: String?
        var recipients: String?
        var paper: String?
    }

    @Sendable func addReportSchedule(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        let form = (try? request.content.decode(ReportScheduleForm.self)) ?? ReportScheduleForm()
        guard let cadence = form.cadence.flatMap(ReportCadence.init(rawValue:)),
            let paper = ReportPaper(rawValue: form.paper ?? "a4")
        else {
            return try await render(
                request,
                errors: ["Choose every week or every month, and A4 or US Letter."],
                status: .badRequest
            )
        }
        do {
            _ = try await service.addReportSchedule(
                context.id,
                ReportScheduleDraft(
                    cadence: cadence,
                    recipients: EmailAddress.list(String((form.recipients ?? "").prefix(6_000))),
                    paper: paper
                ),
                actor: context.web.user.username,
                requestID: request.id
            )
        } catch let error as ServiceError {
            return try await render(request, errors: Self.reportScheduleErrors(error), status: .badRequest)
        }
        return back(request, "report-scheduled", section: "reports")
    }

    @Sendable func removeReportSchedule(_ request: Request) async throws -> Response {
        try await onSchedule(request, saved: "report-removed") { organizationID, id, actor in
            try await service.removeReportSchedule(organizationID, id: id, actor: actor, requestID: request.id)
        }
    }

    @Sendable func sendReportSchedule(_ request: Request) async throws -> Response {
        try await onSchedule(request, saved: "report-sent") { organizationID, id, actor in
            _ = try await service.sendScheduledReport(organizationID, id: id, actor: actor, requestID: request.id)
        }
    }

    /// A read-write role's action on the schedule in the path, then back to Settings with
    /// `saved`, or the page again with the refusal.
    func onSchedule(
        _ request: Request,
        saved: String,
        _ action: (OrganizationID, String, String) async throws -> Void
    ) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        do {
            try await action(context.id, request.parameters.get("schedule") ?? "", context.web.user.username)
        } catch let error as ServiceError {
            return try await render(request, errors: Self.reportScheduleErrors(error), status: .badRequest)
        }
        return back(request, saved, section: "reports")
    }

    /// A refusal in a person's words; anything else is not the form's to explain.
    static func reportScheduleErrors(_ error: ServiceError) throws -> [String] {
        switch error {
        case .invalidConnection(let problems):
            return problems.map { problem in
                let text = problem.field == "recipients" ? "The addresses: " + problem.message : problem.message
                return Notices.sentence(text)
            }
        case .reportScheduleNotFound, .tooManyReportSchedules, .reportAlreadyQueued:
            return [Notices.sentence(error.description)]
        default: throw error
        }
    }
}
