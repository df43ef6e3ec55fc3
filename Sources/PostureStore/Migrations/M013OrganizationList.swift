import FluentKit
import Foundation
import PostureCore
import SQLKit

/// 013: what a list of thousands of organizations needs to be answered a page at a time in SQL:
/// each organization's zone bounds as columns beside the zones' JSON (null means the default
/// zones; existing custom zones are copied over), an index in the list's name order, and one that
/// answers a day's percentage of an organization without reading the snapshot row.
public struct M013OrganizationList: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        // One column per statement: SQLite adds only one at a time.
        for column in ["zone_okay_from", "zone_good_from"] {
            try await sql.raw("ALTER TABLE organization_settings ADD COLUMN \(unsafeRaw: column) DOUBLE PRECISION")
                .run()
        }
        let rows = try await sql.raw(
            "SELECT organization_id, zones FROM organization_settings WHERE zones IS NOT NULL"
        ).all()
        for row in rows {
            let id = try row.decode(column: "organization_id", as: String.self)
            let text = try row.decode(column: "zones", as: String.self)
            guard let ranges = try? StoredJSON.decode([ScoreZones.Range].self, text),
                let zones = try? ScoreZones(ranges: ranges)
            else { continue }
            try await sql.raw(
                """
                UPDATE organization_settings SET zone_okay_from = \(bind: zones.okayFrom),
                zone_good_from = \(bind: zones.goodFrom) WHERE organization_id = \(bind: id)
                """
            ).run()
        }
        try await sql.raw("CREATE INDEX organizations_name_order ON organizations (LOWER(display_name), id)").run()
        try await sql.raw("CREATE INDEX snapshots_org_day_percentage ON snapshots (organization_id, day, percentage)")
            .run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "snapshots_org_day_percentage").run()
        try await sql.drop(index: "organizations_name_order").run()
        for column in ["zone_okay_from", "zone_good_from"] {
            try await sql.raw("ALTER TABLE organization_settings DROP COLUMN \(unsafeRaw: column)").run()
        }
    }
}
