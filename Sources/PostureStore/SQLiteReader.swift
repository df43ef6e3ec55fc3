import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteKit
import VaporCSQLite

/// Reads an SQLite file on the calling thread, through read-only connections of its own.
///
/// SQLiteNIO answers each statement on its thread pool and hands every row back through the
/// connection pool's event loop: four to five thread wake-ups a statement, which cost a page of
/// seven statements more than SQLite's work and the page's rendering together. A read here runs
/// where it was asked for, with statements prepared once per connection. In write-ahead-log mode
/// a reader sees every transaction committed before its statement began, whichever connection
/// wrote it, and never waits for the writer.
///
/// Only reads outside a transaction come here: a transaction's own reads must see its writes, so
/// they stay on its connection. When every connection is busy the caller is told to use the pool
/// (nil), so a burst of readers never waits on this one.
public final class SQLiteReader: Sendable {
    private let path: String
    private let limit: Int
    private let state = NIOLockedValueBox<(idle: [Connection], opened: Int, closed: Bool)>(([], 0, false))

    /// `limit` bounds the connections open at once; a few more than the cores is enough, since a
    /// read holds its connection only while SQLite works.
    public init(path: String, limit: Int = 2 * System.coreCount + 2) {
        self.path = path
        self.limit = max(1, limit)
    }

    /// Whether `sql` can be a read: it starts with SELECT or WITH. Whether it only reads is then
    /// SQLite's to say (``rows(_:_:)``); this spares every write a trip to prepare it here.
    static func mayRead(_ sql: String) -> Bool {
        // Upper case by clearing the ASCII case bit: only letters are compared.
        let head = sql.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") }
            .prefix(6).map { $0 & 0xDF }
        return head.starts(with: "SELECT".utf8) || head.starts(with: "WITH".utf8)
    }

    /// The rows of `sql` with `binds` for `$1`, `$2`…, or nil when every connection is in use or
    /// the statement would write (it then belongs on the pool).
    func rows(_ sql: String, _ binds: [SQLiteData]) throws -> [SQLiteReaderRow]? {
        guard let connection = try checkOut() else { return nil }
        var healthy = true
        defer { checkIn(connection, healthy: healthy) }
        do {
            return try connection.rows(sql, binds)
        } catch {
            healthy = false
            throw error
        }
    }

    /// Closes the idle connections; one in use closes when it is handed back.
    public func close() {
        let idle = state.withLockedValue { state in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle { connection.close() }
    }

    private func checkOut() throws -> Connection? {
        enum Next {
            case reuse(Connection)
            case open
            case none
        }
        let next: Next = state.withLockedValue { state in
            if state.closed { return .none }
            if let connection = state.idle.popLast() { return .reuse(connection) }
            guard state.opened < limit else { return .none }
            state.opened += 1
            return .open
        }
        switch next {
        case .reuse(let connection): return connection
        case .none: return nil
        case .open:
            do {
                return try Connection(path: path)
            } catch {
                state.withLockedValue { $0.opened -= 1 }
                throw error
            }
        }
    }

    /// A connection whose statement failed is closed rather than reused: its prepared statements
    /// may belong to a schema that changed.
    private func checkIn(_ connection: Connection, healthy: Bool) {
        let keep = state.withLockedValue { state in
            guard healthy, !state.closed else {
                state.opened -= 1
                return false
            }
            state.idle.append(connection)
            return true
        }
        if !keep { connection.close() }
    }

    /// One read-only connection and its prepared statements. Used by one thread at a time: the
    /// reader hands it out under its lock.
    private final class Connection: @unchecked Sendable {
        static let statementLimit = 256
        private var handle: OpaquePointer?
        private var statements: [String: (statement: OpaquePointer, columns: SQLiteReaderRow.Columns)] = [:]

        init(path: String) throws {
            var handle: OpaquePointer?
            let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
            let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
            guard opened == SQLITE_OK, let handle else {
                let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
                sqlite_nio_sqlite3_close_v2(handle)
                throw SQLiteReaderError(message: "cannot open \(path) for reading: \(message)")
            }
            // Outside write-ahead-log mode a reader meets the writer's lock while it commits.
            sqlite_nio_sqlite3_busy_timeout(handle, 5_000)
            self.handle = handle
        }

        /// Nil for a statement that would write.
        func rows(_ sql: String, _ binds: [SQLiteData]) throws -> [SQLiteReaderRow]? {
            guard let (statement, columns) = try prepared(sql) else { return nil }
            // Resetting ends the statement's read transaction, so the log can be checkpointed.
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (index, bind) in binds.enumerated() {
                try check(Self.bind(bind, to: statement, at: Int32(index + 1)))
            }
            var rows: [SQLiteReaderRow] = []
            while true {
                let step = sqlite_nio_sqlite3_step(statement)
                if step == SQLITE_DONE { return rows }
                guard step == SQLITE_ROW else { throw error(step) }
                var values: [SQLiteData] = []
                values.reserveCapacity(columns.names.count)
                for column in 0..<Int32(columns.names.count) {
                    values.append(Self.value(statement, column))
                }
                rows.append(SQLiteReaderRow(columns: columns, values: values))
            }
        }

        func close() {
            for (statement, _) in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements = [:]
            sqlite_nio_sqlite3_close_v2(handle)
            handle = nil
        }

        deinit { close() }

        private func prepared(_ sql: String) throws -> (OpaquePointer, SQLiteReaderRow.Columns)? {
            if let known = statements[sql] { return known }
            var statement: OpaquePointer?
            let result = sqlite_nio_sqlite3_prepare_v3(
                handle,
                sql,
                -1,
                UInt32(SQLITE_PREPARE_PERSISTENT),
                &statement,
                nil
            )
            guard result == SQLITE_OK, let statement else { throw error(result) }
            guard sqlite_nio_sqlite3_stmt_readonly(statement) != 0 else {
                sqlite_nio_sqlite3_finalize(statement)
                return nil
            }
            // Texts that differ only in their number of parameters are many: keep a bounded set.
            if statements.count >= Self.statementLimit {
                for (old, _) in statements.values { sqlite_nio_sqlite3_finalize(old) }
                statements = [:]
            }
            let count = sqlite_nio_sqlite3_column_count(statement)
            let columns = SQLiteReaderRow.Columns(
                names: (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
            )
            statements[sql] = (statement, columns)
            return (statement, columns)
        }

        private static func bind(_ value: SQLiteData, to statement: OpaquePointer, at index: Int32) -> Int32 {
            switch value {
            case .integer(let integer): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
            case .float(let double): sqlite_nio_sqlite3_bind_double(statement, index, double)
            case .text(let text):
                sqlite_nio_sqlite3_bind_text64(
                    statement,
                    index,
                    text,
                    UInt64(text.utf8.count),
                    SQLITE_TRANSIENT,
                    UInt8(SQLITE_UTF8)
                )
            case .blob(let buffer):
                buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), SQLITE_TRANSIENT)
                }
            case .null: sqlite_nio_sqlite3_bind_null(statement, index)
            }
        }

        /// The same values SQLiteNIO's own rows hold.
        private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteData {
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: return .integer(.init(sqlite_nio_sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
            case SQLITE_TEXT:
                guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBufferAllocator().buffer(capacity: count)
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
                }
                return .blob(buffer)
            default: return .null
            }
        }

        private func check(_ result: Int32) throws {
            guard result == SQLITE_OK else { throw error(result) }
        }

        private func error(_ result: Int32) -> SQLiteReaderError {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "closed"
            return SQLiteReaderError(message: "\(message) (SQLite code \(result))")
        }
    }
}

/// A row read by ``SQLiteReader``: the statement's column names, shared by its rows, and the values.
struct SQLiteReaderRow: Sendable {
    final class Columns: Sendable {
        let names: [String]
        let index: [String: Int]

        init(names: [String]) {
            self.names = names
            // The first of two equal names wins, as in SQLiteNIO's rows.
            self.index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let columns: Columns
    let values: [SQLiteData]

    /// Nil when the statement has no such column.
    func column(_ name: String) -> SQLiteData? {
        columns.index[name].map { values[$0] }
    }
}

extension SQLiteReaderRow: SQLRow {
    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index[column] != nil }

    func decodeNil(column: String) throws -> Bool { (self.column(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as: D.Type) throws -> D {
        guard let value = self.column(column) else {
            throw DecodingError.keyNotFound(
                SQLiteReaderColumn(stringValue: column),
                .init(codingPath: [], debugDescription: "no column \"\(column)\" in the row")
            )
        }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }
}

private struct SQLiteReaderColumn: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// SQLite's "copy the value now" destructor, which the C header spells as a macro Swift cannot import.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

struct SQLiteReaderError: Error, CustomStringConvertible {
    var message: String
    var description: String { "SQLite read failed: \(message)" }
}
