import Foundation
import PostureApp
import PostureTestSupport
import SQLKit
import Testing

@testable import PostureStore

/// Rows read for their values give what SQLKit's decoding gives, on both databases: text, real,
/// integer, bytes and NULL, with a clear error for a missing column or a value of another type.
@Suite struct ValueRowTests {
    @Test(arguments: TestDatabase.available)
    func valuesAreWhatSQLKitDecodes(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.store
            let sql = try #require(store.database as? any SQLDatabase)
            try await sql.raw(
                "CREATE TABLE value_rows (t TEXT, r DOUBLE PRECISION, i BIGINT, b \(unsafeRaw: sql.dialect.name == "postgresql" ? "BYTEA" : "BLOB"), n TEXT)"
            ).run()
            let bytes = Data([0, 1, 2, 0xFF, 0x7F])
            let texts = ["", "plain", "“quoted” <b> & ünïcode", "2026-12-06"]
            for (index, text) in texts.enumerated() {
                try await sql.raw(
                    "INSERT INTO value_rows (t, r, i, b, n) VALUES (\(bind: text), \(bind: Double(index) / 3 - 1), \(bind: index * 1_000_000_007), \(bind: bytes + Data([UInt8(index)])), NULL)"
                ).run()
            }
            let query: SQLQueryString =
                "SELECT t, r, i, b, n, SUM(r) / CAST(COUNT(*) AS DOUBLE PRECISION) AS average FROM value_rows GROUP BY t, r, i, b, n ORDER BY i"
            let plain = try await sql.raw(query).all()
            let values = try await store.valueRows(query)
            #expect(values.count == texts.count && plain.count == texts.count)
            for (row, value) in zip(plain, values) {
                #expect(try value.string("t") == row.decode(column: "t", as: String.self))
                #expect(try value.double("r") == row.decode(column: "r", as: Double.self))
                #expect(try value.int("i") == row.decode(column: "i", as: Int.self))
                #expect(try value.data("b") == row.decode(column: "b", as: Data.self))
                #expect(try value.bytes("b") == [UInt8](row.decode(column: "b", as: Data.self)))
                #expect(try value.double("average") == row.decode(column: "average", as: Double.self))
                #expect(try value.string("n") == nil && value.data("n") == nil && value.bytes("n") == nil)
                #expect(throws: DecodingError.self) { try value.required("n", ValueRow.string) }
                #expect(throws: DecodingError.self) { try value.string("missing") }
                // Each driver names a value of another type in its own error.
                #expect(throws: (any Error).self) { try value.int("b") }
            }
            #expect(try values.map { try $0.required("t", ValueRow.string) } == texts)
        }
    }
}
