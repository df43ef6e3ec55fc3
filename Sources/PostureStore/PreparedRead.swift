import FluentKit
import FluentPostgresDriver
import Foundation
import SQLiteKit

/// A value bound to a ``PreparedRead``.
enum PreparedBind: Sendable {
    case text(String)
    case integer(Int64)

    var sqlite: SQLiteData {
        switch self {
        case .text(let text): .text(text)
        case .integer(let value): .integer(Int(value))
        }
    }
}

/// One of the reads every request makes (the session, the organization, the score, Graph's newest
/// entry), kept prepared on each PostgreSQL connection: planning a join costs PostgreSQL several
/// times what running it does, about a fifth of the whole machine's time on such a read. SQLite
/// prepares in-process at a fraction of that and reads the same text.
///
/// The text is the same on both databases: `$1`, `$2`… are PostgreSQL's parameters, and SQLite
/// numbers `$` parameters in the order they first appear, so they must first appear in order
/// (``PostureStore/preparedRows(_:)`` checks it in debug builds).
protocol PreparedRead: PostgresPreparedStatement where Row == PostgresRow {
    var binds: [PreparedBind] { get }
}

extension PreparedRead {
    /// The name each connection prepares it under.
    static var name: String { "posture_" + String(describing: Self.self) }

    /// Inferred from the bindings.
    static var bindingDataTypes: [PostgresDataType] { [] }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case .text(let text): bindings.append(text)
            case .integer(let value): bindings.append(value)
            }
        }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// Whether `$1`…`$n` first appear in order, as SQLite numbers them.
    static var parametersInOrder: Bool {
        var next = 1
        var rest = sql[...]
        while let dollar = rest.firstIndex(of: "$") {
            let digits = rest[rest.index(after: dollar)...].prefix { $0.isASCII && $0.isNumber }
            rest = rest[digits.endIndex...]
            guard let number = Int(digits) else { continue }
            if number == next {
                next += 1
            } else if number > next {
                return false
            }
        }
        return true
    }
}

extension PostureStore {
    /// The rows of `read` for their values (see ``ValueRow``).
    func preparedRows<Read: PreparedRead>(_ read: Read) async throws -> [ValueRow] {
        if let rows = try reader?.rows(Read.sql, read.binds.map(\.sqlite)) { return rows.map(ValueRow.read) }
        return try await prepared(read, sqlite: ValueRow.sqlite, postgres: { ValueRow.other($0.sql()) })
    }

    /// The rows of `read` for SQLKit's decoding (dates, identifiers).
    func preparedSQLRows<Read: PreparedRead>(_ read: Read) async throws -> [any SQLRow] {
        if let rows = try reader?.rows(Read.sql, read.binds.map(\.sqlite)) { return rows }
        return try await prepared(read, sqlite: { $0.sql() }, postgres: { $0.sql() })
    }

    private func prepared<Read: PreparedRead, Row: Sendable>(
        _ read: Read,
        sqlite makeSQLite: @escaping @Sendable (SQLiteRow) -> Row,
        postgres makePostgres: @escaping @Sendable (PostgresRow) -> Row
    ) async throws -> [Row] {
        assert(Read.parametersInOrder, "\(Read.self): $1, $2… must first appear in order")
        if let sqlite = database as? any SQLiteDatabase {
            return try await sqlite.query(Read.sql, read.binds.map(\.sqlite)).map(makeSQLite)
        }
        guard let postgres = database as? any PostgresDatabase else {
            throw PreparedReadError(database: String(describing: type(of: database)))
        }
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var rows: [Row] = []
                for try await row in try await connection.execute(read, logger: connection.logger) {
                    rows.append(makePostgres(row))
                }
                return rows
            }
        }.get()
    }
}

/// Posture stores its data in SQLite or PostgreSQL only.
struct PreparedReadError: Error, CustomStringConvertible {
    var database: String
    var description: String { "prepared reads need SQLite or PostgreSQL, not \(database)" }
}
