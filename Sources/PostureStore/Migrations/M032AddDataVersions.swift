import FluentKit
import SQLKit

/// 032: a version per organization that every committed write moves, so that a server on an
/// SQLite file tells which organization's cached responses another process's write (the CLI
/// beside it) made stale, rather than dropping every organization's on any change to the file.
/// `scope` is an organization's id, `''` for writes that belong to no organization in particular,
/// and `'*'` for any write. PostgreSQL keeps the table empty: its nodes hear of writes by `NOTIFY`.
public struct M032AddDataVersions: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE TABLE data_versions (scope TEXT PRIMARY KEY, version BIGINT NOT NULL)").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE data_versions").run()
    }
}
