import SQLKit
import SQLiteKit

/// The store's SQL database outside a transaction on SQLite: statements that only read go to the
/// ``SQLiteReader``, everything else (and any read when its connections are all busy) to the pool.
struct ReadingSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let reader: SQLiteReader

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(
        sql query: any SQLExpression,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        do {
            if let rows = try read(query) {
                for row in rows { onRow(row) }
                return eventLoop.makeSucceededVoidFuture()
            }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        if let rows = try read(query) {
            for row in rows { onRow(row) }
            return
        }
        try await base.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession(closure)
    }

    private func read(_ query: any SQLExpression) throws -> [SQLiteReaderRow]? {
        let (text, binds) = base.serialize(query)
        guard SQLiteReader.mayRead(text) else { return nil }
        let encoder = SQLiteDataEncoder()
        return try reader.rows(text, try binds.map { try encoder.encode($0) })
    }
}
