import Foundation
import SQLKit
import SQLiteKit

/// A row read for its plain values. SQLKit decodes every value through `Decodable` (on SQLite a
/// dynamic cast, a decoder and another cast per value), which is most of the time of a read of
/// hundreds of rows such as a year of days; on SQLite these rows convert the driver's values
/// directly, with the driver's own conversions, so both paths give the same values.
struct ValueRow {
    private enum Source {
        case sqlite(SQLiteRow)
        case read(SQLiteReaderRow)
        case other(any SQLRow)
    }

    private let source: Source

    /// Nil for SQL NULL.
    func string(_ column: String) throws -> String? { try value(column) { String(sqliteData: $0) } }

    func double(_ column: String) throws -> Double? { try value(column) { Double(sqliteData: $0) } }

    func int(_ column: String) throws -> Int? { try value(column) { Int(sqliteData: $0) } }

    func bool(_ column: String) throws -> Bool? { try value(column) { Bool(sqliteData: $0) } }

    func data(_ column: String) throws -> Data? { try value(column) { Data(sqliteData: $0) } }

    /// A blob's bytes, copied once out of the driver's buffer on SQLite.
    func bytes(_ column: String) throws -> [UInt8]? {
        try value(column, Self.bytes) { try Self.decode($0, column, as: Data.self).map { [UInt8]($0) } }
    }

    /// The column's driver value converted by `make` on SQLite (either kind of row); decoded by
    /// SQLKit on other databases.
    private func value<T: Decodable>(_ column: String, _ make: (SQLiteData) -> T?) throws -> T? {
        try value(column, make) { try Self.decode($0, column, as: T.self) }
    }

    private func value<T>(
        _ column: String,
        _ make: (SQLiteData) -> T?,
        other: (any SQLRow) throws -> T?
    ) throws -> T? {
        switch source {
        case .sqlite(let row): try Self.convert(row.column(column), column, make)
        case .read(let row): try Self.convert(row.column(column), column, make)
        case .other(let row): try other(row)
        }
    }

    /// A value that must be there.
    func required<T>(_ column: String, _ read: (ValueRow) -> (String) throws -> T?) throws -> T {
        guard let value = try read(self)(column) else {
            throw DecodingError.valueNotFound(
                T.self,
                .init(codingPath: [], debugDescription: "column \"\(column)\" is NULL")
            )
        }
        return value
    }

    private static func decode<T: Decodable>(_ row: any SQLRow, _ column: String, as type: T.Type) throws -> T? {
        guard row.contains(column: column) else { throw missing(column) }
        return try row.decodeIfPresent(column: column, as: T.self)
    }

    private static func missing(_ column: String) -> DecodingError {
        DecodingError.keyNotFound(
            ValueRowColumn(column),
            .init(codingPath: [], debugDescription: "no column \"\(column)\" in the row")
        )
    }

    private static func bytes(_ value: SQLiteData) -> [UInt8]? {
        switch value {
        case .blob(let buffer): buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes)
        case .text(let text): Array(text.utf8)
        default: nil
        }
    }

    private static func convert<T>(_ value: SQLiteData?, _ column: String, _ make: (SQLiteData) -> T?) throws -> T? {
        guard let value else { throw missing(column) }
        if value == .null { return nil }
        guard let converted = make(value) else {
            throw DecodingError.typeMismatch(
                T.self,
                .init(codingPath: [], debugDescription: "column \"\(column)\" holds \(value)")
            )
        }
        return converted
    }

    private init(_ source: Source) { self.source = source }

    static func sqlite(_ row: SQLiteRow) -> ValueRow { ValueRow(.sqlite(row)) }
    static func read(_ row: SQLiteReaderRow) -> ValueRow { ValueRow(.read(row)) }
    static func other(_ row: any SQLRow) -> ValueRow { ValueRow(.other(row)) }
}

private struct ValueRowColumn: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension PostureStore {
    /// The rows of `query` for their values (see ``ValueRow``).
    func valueRows(_ query: SQLQueryString) async throws -> [ValueRow] {
        if let sqlite = database as? any SQLiteDatabase {
            let (text, binds) = sql.serialize(query)
            let encoder = SQLiteDataEncoder()
            let values = try binds.map { try encoder.encode($0) }
            if let rows = try reader?.rows(text, values) { return rows.map(ValueRow.read) }
            return try await sqlite.query(text, values).map(ValueRow.sqlite)
        }
        return try await sql.raw(query).all().map(ValueRow.other)
    }
}
