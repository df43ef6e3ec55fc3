import FluentKit
import Foundation
import SQLKit

/// 030: the fingerprints migration 028 left NULL on snapshots written before it, computed from the
/// stored bytes (``SnapshotRecord/actionsFingerprint(_:)``), so an upgraded instance's history is
/// checked without reading its actions, as new rows are. Batches of `batch` rows, each in one
/// transaction: memory stays bounded whatever the history's size.
public struct M030BackfillSnapshotActionsHash: AsyncMigration {
    let batch: Int

    public init(batch: Int = 500) {
        self.batch = batch
    }

    public func prepare(on database: any Database) async throws {
        while try await backfillBatch(database) > 0 {}
    }

    /// Fingerprints one batch; returns how many rows it did.
    func backfillBatch(_ database: any Database) async throws -> Int {
        try await database.transaction { database in
            guard let sql = database as? any SQLDatabase else { return 0 }
            let rows = try await sql.raw(
                """
                SELECT organization_id, day, actions, actions_packed FROM snapshots WHERE actions_hash IS NULL
                ORDER BY organization_id, day LIMIT \(bind: batch)
                """
            ).all()
            for row in rows {
                let bytes =
                    try row.decodeIfPresent(column: "actions_packed", as: Data.self)
                    ?? Data(try row.decode(column: "actions", as: String.self).utf8)
                try await sql.raw(
                    """
                    UPDATE snapshots SET actions_hash = \(bind: SnapshotRecord.actionsFingerprint(bytes))
                    WHERE organization_id = \(bind: try row.decode(column: "organization_id", as: String.self))
                        AND day = \(bind: try row.decode(column: "day", as: String.self))
                    """
                ).run()
            }
            return rows.count
        }
    }

    /// Nothing to undo: 028's revert drops the column.
    public func revert(on database: any Database) async throws {}
}
