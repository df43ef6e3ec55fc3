import FluentKit
import SQLKit

/// 027: organizations' scheduled reports: cadence, recipients (one per line), paper, and the
/// first day of the last period queued.
public struct M027CreateReportSchedules: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            CREATE TABLE report_schedules (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                cadence TEXT NOT NULL,
                recipients TEXT NOT NULL,
                paper TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                last_sent_period TEXT
            )
            """
        ).run()
        try await sql.raw("CREATE INDEX report_schedules_organization ON report_schedules (organization_id)").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE report_schedules").run()
    }
}
