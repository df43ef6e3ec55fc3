import Foundation
import PostureCore
import SQLKit

/// Organizations' scheduled reports and the period each last queued.
extension PostureStore {
    public func insertReportSchedule(_ schedule: ReportSchedule) async throws {
        try await sql.raw(
            """
            INSERT INTO report_schedules (id, organization_id, cadence, recipients, paper, created_by, created_at,
                last_sent_period)
            VALUES (\(bind: schedule.id), \(bind: schedule.organizationID.rawValue), \(bind: schedule.cadence.rawValue),
                \(bind: schedule.recipients.joined(separator: "\n")), \(bind: schedule.paper.rawValue),
                \(bind: schedule.createdBy), \(bind: schedule.createdAt.timeIntervalSince1970),
                \(bind: schedule.lastSentPeriod?.description))
            """
        ).run()
    }

    public func reportSchedules(_ organizationID: OrganizationID) async throws -> [ReportSchedule] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.reportScheduleColumns) FROM report_schedules
            WHERE organization_id = \(bind: organizationID.rawValue) ORDER BY created_at, id
            """
        ).all().map(ReportSchedule.init(row:))
    }

    public func reportSchedule(_ organizationID: OrganizationID, id: String) async throws -> ReportSchedule? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.reportScheduleColumns) FROM report_schedules
            WHERE organization_id = \(bind: organizationID.rawValue) AND id = \(bind: id)
            """
        ).first().map(ReportSchedule.init(row:))
    }

    /// Removes one schedule; whether it was there.
    @discardableResult
    public func deleteReportSchedule(_ organizationID: OrganizationID, id: String) async throws -> Bool {
        !(try await sql.raw(
            """
            DELETE FROM report_schedules WHERE organization_id = \(bind: organizationID.rawValue) AND id = \(bind: id)
            RETURNING id
            """
        ).all()).isEmpty
    }

    /// Schedules whose report for the period due (a week's or a month's, starting on `weekly` or
    /// `monthly`) is not queued yet, at most `limit`.
    public func reportSchedulesDue(weekly: CivilDay, monthly: CivilDay, limit: Int) async throws -> [ReportSchedule] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.reportScheduleColumns) FROM report_schedules
            WHERE (cadence = 'weekly' AND (last_sent_period IS NULL OR last_sent_period < \(bind: weekly.description)))
                OR (cadence = 'monthly' AND (last_sent_period IS NULL OR last_sent_period < \(bind: monthly.description)))
            ORDER BY organization_id, id LIMIT \(bind: max(1, limit))
            """
        ).all().map(ReportSchedule.init(row:))
    }

    /// Records the period queued (or passed over) for the schedule; only moves forward, and says
    /// whether it moved, so of two nodes only one queues a period.
    @discardableResult
    public func markReportSent(_ id: String, period: CivilDay) async throws -> Bool {
        !(try await sql.raw(
            """
            UPDATE report_schedules SET last_sent_period = \(bind: period.description)
            WHERE id = \(bind: id) AND (last_sent_period IS NULL OR last_sent_period < \(bind: period.description))
            RETURNING id
            """
        ).all()).isEmpty
    }

    func deleteReportSchedules(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM report_schedules WHERE organization_id = \(bind: organizationID.rawValue)")
            .run()
    }

    static let reportScheduleColumns =
        "id, organization_id, cadence, recipients, paper, created_by, created_at, last_sent_period"
}

extension ReportSchedule {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.decode(column: "id", as: String.self),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
            cadence: ReportCadence(rawValue: try row.decode(column: "cadence", as: String.self)) ?? .monthly,
            recipients: try row.decode(column: "recipients", as: String.self).split(separator: "\n").map(String.init),
            paper: ReportPaper(rawValue: try row.decode(column: "paper", as: String.self)) ?? .a4,
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            lastSentPeriod: try row.decodeIfPresent(column: "last_sent_period", as: String.self).flatMap(CivilDay.init)
        )
    }
}
