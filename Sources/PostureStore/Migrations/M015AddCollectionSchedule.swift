import FluentKit
import Foundation
import SQLKit

/// 015: scheduled collection. Each connection gets its interval, when it runs next, the lease of
/// the node collecting it (so one node at a time collects an organization, and a dead node's
/// lease simply expires) and the record of its last attempts. Instants are seconds since 1970,
/// compared in SQL on both databases.
public struct M015AddCollectionSchedule: AsyncMigration {
    public init() {}

    static let columns = [
        "collect_every_minutes INTEGER NOT NULL DEFAULT 360",
        // 0: due at once, so connections made before this migration are collected on start.
        "next_run_at DOUBLE PRECISION NOT NULL DEFAULT 0",
        "lease_holder TEXT",
        "lease_expires_at DOUBLE PRECISION",
        "last_attempt_at DOUBLE PRECISION",
        "last_success_at DOUBLE PRECISION",
        "last_finished_at DOUBLE PRECISION",
        "last_duration DOUBLE PRECISION",
        "consecutive_failures INTEGER NOT NULL DEFAULT 0",
        "last_problem TEXT",
        "resources_collected INTEGER",
        // JSON object: resource name → Graph's reason.
        "resources_failed TEXT",
        "last_measured INTEGER",
        // When the connection was made, as seconds: a connection never collected is stale two
        // intervals after it, and SQL compares it with the other instants of the row.
        "connected_at DOUBLE PRECISION NOT NULL DEFAULT 0",
    ]

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        // One column per statement: SQLite adds only one at a time.
        for column in Self.columns {
            try await sql.raw("ALTER TABLE connections ADD COLUMN \(unsafeRaw: column)").run()
        }
        // Connections made before this migration count from now.
        try await sql.raw("UPDATE connections SET connected_at = \(bind: Date().timeIntervalSince1970)").run()
        try await sql.create(index: "connections_next_run").on("connections").column("next_run_at").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "connections_next_run").run()
        for column in Self.columns.reversed() {
            let name = column.split(separator: " ")[0]
            try await sql.raw("ALTER TABLE connections DROP COLUMN \(unsafeRaw: String(name))").run()
        }
    }
}
