import FluentKit
import SQLKit

/// 028: each snapshot's fingerprint of its stored actions (``SnapshotRecord/actionsFingerprint(_:)``),
/// written with them, so a year of days can be checked against what is already worked out
/// without reading every day's actions. Rows written before hold NULL and are fingerprinted from
/// their bytes when read.
public struct M028AddSnapshotActionsHash: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE snapshots ADD COLUMN actions_hash BIGINT").run()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("snapshots").deleteField("actions_hash").update()
    }
}
