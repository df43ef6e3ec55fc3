import Foundation
import PostureApp
import PostureTestSupport
import SQLKit
import SQLiteKit
import Testing

@testable import PostureServices
@testable import PostureStore

/// Reads outside a transaction on SQLite run on the reader's own connections: the same values as
/// the pool gives, committed data only, writes left to the pool, failures that leave it usable.
@Suite struct SQLiteReaderTests {
    /// The pool itself, past the store's routing.
    static func pool(_ store: PostureStore) -> any SQLDatabase { store.database as! any SQLDatabase }

    static func createSamples(_ store: PostureStore) async throws {
        try await store.sql.raw(
            "CREATE TABLE samples (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n TEXT)"
        )
        .run()
        try await store.sql.raw(
            """
            INSERT INTO samples (id, i, r, t, b, n) VALUES
                (1, \(bind: Int64.max), \(bind: -0.125), \(bind: "Zoë — 東京 🛡️"), \(bind: Data([0, 255, 7])), NULL),
                (2, \(bind: -3), \(bind: 1e300), \(bind: ""), \(bind: Data()), NULL)
            """
        ).run()
    }

    @Test func readsTheSameValuesAsThePool() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let store = runtime.service.store
            #expect(store.reader != nil, "an SQLite runtime reads through its reader")
            try await Self.createSamples(store)
            let query: SQLQueryString = "SELECT id, i, r, t, b, n, i * 2 AS doubled FROM samples ORDER BY id"
            let read = try await store.sql.raw(query).all()
            let pooled = try await Self.pool(store).raw(query).all()
            #expect(read.count == 2 && read.allSatisfy { $0 is SQLiteReaderRow }, "served by the reader")
            #expect(pooled.allSatisfy { !($0 is SQLiteReaderRow) })
            for (mine, theirs) in zip(read, pooled) {
                #expect(mine.allColumns == theirs.allColumns)
                #expect(try mine.decode(column: "id", as: Int.self) == theirs.decode(column: "id", as: Int.self))
                #expect(try mine.decode(column: "i", as: Int64.self) == theirs.decode(column: "i", as: Int64.self))
                #expect(try mine.decode(column: "r", as: Double.self) == theirs.decode(column: "r", as: Double.self))
                #expect(try mine.decode(column: "t", as: String.self) == theirs.decode(column: "t", as: String.self))
                #expect(try mine.decode(column: "b", as: Data.self) == theirs.decode(column: "b", as: Data.self))
                #expect(try mine.decodeNil(column: "n") && theirs.decodeNil(column: "n"))
                #expect(try mine.decode(column: "n", as: String?.self) == nil)
            }
            #expect(try read[0].decode(column: "t", as: String.self) == "Zoë — 東京 🛡️")
            #expect(try read[0].decode(column: "b", as: Data.self) == Data([0, 255, 7]))
            #expect(try read[1].decode(column: "doubled", as: Int.self) == -6)
            #expect(!read[0].contains(column: "absent"))
            #expect(throws: DecodingError.self) { try read[0].decode(column: "absent", as: Int.self) }
            // The store's value rows take the same path.
            let values = try await store.valueRows("SELECT t, r FROM samples WHERE id = \(bind: 1)")
            #expect(try values.first?.string("t") == "Zoë — 東京 🛡️" && values.first?.double("r") == -0.125)
        }
    }

    @Test func seesCommittedDataAtOnceAndNothingUncommitted() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let store = runtime.service.store
            try await Self.createSamples(store)
            let query: SQLQueryString = "SELECT t FROM samples WHERE id = 2"
            try await store.transaction { inside in
                try await inside.sql.raw("UPDATE samples SET t = 'inside' WHERE id = 2").run()
                // The transaction reads its own write on its own connection…
                #expect(try await inside.sql.raw(query).first()?.decode(column: "t", as: String.self) == "inside")
                // …while a reader outside, not waiting for it, still sees the committed value.
                #expect(try await store.sql.raw(query).first()?.decode(column: "t", as: String.self) == "")
            }
            #expect(try await store.sql.raw(query).first()?.decode(column: "t", as: String.self) == "inside")
        }
    }

    @Test func writesGoToThePool() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let store = runtime.service.store
            try await Self.createSamples(store)
            // A statement that starts like a read but writes is SQLite's to tell apart.
            try await store.sql.raw(
                "WITH next AS (SELECT max(id) + 1 AS id FROM samples) INSERT INTO samples (id, t) SELECT id, 'with' FROM next"
            ).run()
            let inserted = try await store.sql.raw("INSERT INTO samples (id, t) VALUES (9, 'returned') RETURNING id")
                .all()
            #expect(try inserted.first?.decode(column: "id", as: Int.self) == 9)
            let texts = try await store.sql.raw("SELECT t FROM samples WHERE id > 2 ORDER BY id").all()
            #expect(try texts.map { try $0.decode(column: "t", as: String.self) } == ["with", "returned"])
        }
    }

    @Test func aFailedReadLeavesTheReaderUsable() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let store = runtime.service.store
            await #expect {
                try await store.sql.raw("SELECT * FROM no_such_table").all()
            } throws: { error in
                String(describing: error).contains("no such table: no_such_table")
            }
            try await Self.createSamples(store)
            #expect(
                try await store.sql.raw("SELECT count(*) AS n FROM samples").first()?.decode(column: "n", as: Int.self)
                    == 2
            )
        }
    }

    @Test func manyConcurrentReadsAllGetTheirOwnAnswers() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let store = runtime.service.store
            try await Self.createSamples(store)
            // More readers at once than the reader has connections: the rest go to the pool.
            let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let row = try await store.sql.raw("SELECT \(bind: index) * 3 + count(*) AS n FROM samples")
                            .first()
                        return (index, try row?.decode(column: "n", as: Int.self) ?? -1)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == 64 && answers.allSatisfy { $0.value == $0.key * 3 + 2 })
        }
    }

    @Test func aClosedReaderLeavesReadsToThePool() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let store = runtime.service.store
            try await Self.createSamples(store)
            store.reader?.close()
            #expect(try store.reader?.rows("SELECT 1", []) == nil)
            let rows = try await store.sql.raw("SELECT t FROM samples ORDER BY id").all()
            #expect(rows.count == 2 && rows.allSatisfy { !($0 is SQLiteReaderRow) })
        }
    }

    @Test(arguments: [
        ("SELECT 1", true), ("  select id FROM x", true), ("\n\tWith a AS (SELECT 1) SELECT * FROM a", true),
        ("INSERT INTO x VALUES (1)", false), ("UPDATE x SET a = 1", false), ("DELETE FROM x", false),
        ("SELEC", false), ("", false), ("PRAGMA journal_mode", false),
    ])
    func onlyStatementsThatStartAsReadsAreTried(sql: String, mayRead: Bool) {
        #expect(SQLiteReader.mayRead(sql) == mayRead)
    }
}
