import FluentKit
import SQLKit

/// 025: instance-wide alerts. Their rules live in the alert row of the instance's reserved id
/// (`*`, which no organization can have) and their channels are channels of that id; each
/// organization's row gains what the instance-wide rules remember about it (open incidents and
/// announced expiries), apart from what its own rules remember.
public struct M025AddInstanceAlerts: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE alert_states ADD COLUMN instance_state TEXT").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE alert_states DROP COLUMN instance_state").run()
    }
}
