import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureTestSupport
import SQLKit
import Testing

@testable import PostureServices
@testable import PostureStore

/// The change log, stored one packed row per write, on both databases: every read (all, by
/// action, by period, the newest few) gives what a plain list of the appended entries gives, in
/// the same order; organizations stay apart; migration 012 moves an existing log over intact.
@Suite struct ChangeLogStoreTests {
    static let start = Date(iso8601: "2026-06-01T08:00:00Z")!

    /// A fixed-seed generator, so a failure can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11 ^ state
        }
    }

    /// Writes of 1 to 40 entries, with the odd import past the row limit; times move forward by
    /// hours, with back-filled entries now and then, and a second actor in some writes.
    static func writes(_ generator: inout Seeded, organizationID: String, count: Int) -> [[ChangeEntry]] {
        let actions = ["AdminMFAV2", "scid_2004", "MDMPWReq", "exo_mailboxaudit", "AATP_Sensor"]
        var time = start
        return (0..<count).map { write in
            time += Double(Int.random(in: 1...30, using: &generator)) * 3_600
            let size = write == 3 ? PostureStore.changeBatchLimit + 17 : Int.random(in: 1...40, using: &generator)
            return (0..<size).map { index in
                let before = Double(Int.random(in: 0...100, using: &generator)) / 7
                let backFilled = Int.random(in: 0..<10, using: &generator) == 0
                return ChangeEntry(
                    organizationID: organizationID,
                    actionID: actions[Int.random(in: 0..<actions.count, using: &generator)],
                    category: ActionCategory.allCases[index % ActionCategory.allCases.count],
                    kind: index % 3 == 0 ? .statusChanged : (index % 3 == 1 ? .pointsGained : .pointsLost),
                    occurredAt: backFilled ? time - 86_400 * 3 : time,
                    fromStatus: index % 3 == 0 ? .toAddress : nil,
                    toStatus: index % 3 == 0 ? .riskAccepted : nil,
                    pointsBefore: before,
                    pointsAfter: before + 1.0 / 3,
                    maxScore: 10,
                    actor: index % 5 == 4 ? "someone@contoso.example" : "sensor",
                    detail: "move \(write).\(index) “quoted” <b>",
                    cause: index % 2 == 0
                        ? ChangeCause(
                            kind: .userOrDeviceChange,
                            entitiesLost: index % 4 == 0 ? ["a@x"] : [],
                            summary: "1/2 → 2/2"
                        )
                        : nil
                )
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyReadMatchesThePlainList(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            var generator = Seeded(state: 20_261_204)
            for id in ["contoso", "fabrikam"] {
                try await store.createOrganization(Organization(id: id, displayName: id), at: Self.start)
            }
            let writes = Self.writes(&generator, organizationID: "contoso", count: 40)
            for write in writes { try await store.appendChanges("contoso", write) }
            try await store.appendChanges("fabrikam", Self.writes(&generator, organizationID: "fabrikam", count: 2)[1])
            let all = writes.flatMap { $0 }

            #expect(try await store.changes("contoso") == all)
            #expect(
                try await store.changes("contoso", actionID: "MDMPWReq") == all.filter { $0.actionID == "MDMPWReq" }
            )
            let from = Self.start + 86_400 * 5
            let to = from + 86_400 * 4
            #expect(
                try await store.changes("contoso", from: from, to: to)
                    == all.filter { $0.occurredAt >= from && $0.occurredAt < to }
            )
            // Newest first by time, then by the order they were appended.
            let newestFirst = all.enumerated().sorted {
                ($0.element.occurredAt, $0.offset) > ($1.element.occurredAt, $1.offset)
            }
            .map(\.element)
            for limit in [1, 10, 37, 600, 5_000] {
                #expect(try await store.recentChanges("contoso", limit: limit) == Array(newestFirst.prefix(limit)))
            }
            #expect(try await store.recentChanges("contoso", limit: 0).isEmpty)
            #expect(try await store.changes("fabrikam").allSatisfy { $0.organizationID == "fabrikam" })

            // A write past the row limit is split, and the log stays one per write otherwise.
            let sql = try #require(store.database as? any SQLDatabase)
            let rows = try await sql.raw("SELECT COUNT(*) AS n FROM change_batches WHERE organization_id = 'contoso'")
                .first()
            #expect(try rows?.decode(column: "n", as: Int.self) == writes.count + 1)

            #expect(try await store.deleteOrganization("contoso"))
            #expect(try await store.changes("contoso").isEmpty)
            #expect(try await !store.changes("fabrikam").isEmpty)

            // Decoded rows are held; an organization written again under the same id starts its
            // log at the same sequences, and what was held of the deleted log must not come back.
            #expect(store.history.changeSize >= all.count)
            try await store.createOrganization(Organization(id: "contoso", displayName: "contoso"), at: Self.start)
            let again = Self.writes(&generator, organizationID: "contoso", count: 6)
            for write in again { try await store.appendChanges("contoso", write) }
            #expect(try await store.changes("contoso") == again.flatMap { $0 })
            #expect(try await store.changes("contoso") == again.flatMap { $0 }, "read again, from what is held")

            // A cache smaller than one read keeps giving the same entries and stays in its bound.
            let small = HistoryCache(changeCapacity: 25)
            let bounded = PostureStore(database: store.database, history: small)
            for _ in 0..<2 { #expect(try await bounded.changes("contoso") == again.flatMap { $0 }) }
            #expect(small.changeSize <= 25)
        }
    }

    /// A write whose entries span the whole history (a back-fill that ends today) keeps every
    /// older row in play, so the first, bounded read of row spans cannot settle which rows hold
    /// the newest entries and the whole list is walked.
    @Test(arguments: TestDatabase.available)
    func aWideBackFillStillGivesTheNewestEntries(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            var generator = Seeded(state: 20_261_205)
            try await store.createOrganization(Organization(id: "contoso", displayName: "contoso"), at: Self.start)
            let writes = Self.writes(&generator, organizationID: "contoso", count: 60)
            var wide = writes[0]
            wide[0].occurredAt = Self.start - 86_400 * 400
            wide[wide.count - 1].occurredAt = Self.start + 86_400 * 1_000
            let all = [wide] + writes.dropFirst()
            for write in all { try await store.appendChanges("contoso", write) }
            let newestFirst = all.flatMap { $0 }.enumerated().sorted {
                ($0.element.occurredAt, $0.offset) > ($1.element.occurredAt, $1.offset)
            }
            .map(\.element)
            for limit in [1, 2, 10, 45] {
                #expect(try await store.recentChanges("contoso", limit: limit) == Array(newestFirst.prefix(limit)))
            }
        }
    }

    /// The reads of an organization's newest rows go through an index in the order they want, so
    /// they cost the same however long the history is (SQLite says how it will read; PostgreSQL's
    /// plan for a small test table is a scan whatever the indexes).
    @Test func newestRowsAreReadThroughAnIndexNotASort() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let sql = try #require(runtime.service.store.database as? any SQLDatabase)
            func plan(_ query: SQLQueryString) async throws -> String {
                try await sql.raw("EXPLAIN QUERY PLAN " + query).all()
                    .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
            }
            let spans = try await plan(PostureStore.newestSpans("contoso", spans: 42))
            #expect(spans.contains("USING COVERING INDEX change_batches_newest"), "\(spans)")
            #expect(!spans.contains("TEMP B-TREE"), "\(spans)")
            let last = try await plan(PostureStore.lastStatusSequence("contoso"))
            #expect(last.contains("USING COVERING INDEX status_history_org_sequence"), "\(last)")
        }
    }

    @Test(arguments: TestDatabase.available)
    func migrationMovesAnExistingLogBothWays(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            var generator = Seeded(state: 7)
            try await store.createOrganization(Organization(id: "contoso", displayName: "Contoso"), at: Self.start)
            let writes = Self.writes(&generator, organizationID: "contoso", count: 6)
            for write in writes { try await store.appendChanges("contoso", write) }
            let before = try await store.changes("contoso")

            // Back to one row per entry, then forward again: the log reads back the same.
            try await M012PackHistory().revert(on: store.database)
            let sql = try #require(store.database as? any SQLDatabase)
            let rows = try await sql.raw("SELECT COUNT(*) AS n FROM changes").first()
            #expect(try rows?.decode(column: "n", as: Int.self) == before.count)
            try await M012PackHistory().prepare(on: store.database)
            #expect(try await store.changes("contoso") == before)
        }
    }

    /// Pages read from the cursor on give the filtered log, once, in order, whatever the page size.
    @Test(arguments: TestDatabase.available)
    func pagesFromACursorWalkTheFilteredLog(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            _ = try await service.seedDemo(endDay: CivilDay(service.clock.now()), days: 60, peers: 0)
            let everything = try await service.changes("contoso")
            #expect(everything.count > 100)
            for filter in ChangeFilter.allCases {
                let expected = everything.filter(filter.matches)
                for limit in [1, 7, 500] where limit > 1 || filter == .statusChanges {
                    var walked: [ChangeEntry] = []
                    var after: Int64 = 0
                    var pages = 0
                    while pages < 2_000 {
                        let page = try await service.changePage(
                            "contoso",
                            after: after,
                            limit: limit,
                            matching: filter.matches
                        )
                        #expect(page.entries.count <= limit)
                        walked += page.entries.map(\.entry)
                        pages += 1
                        guard page.more, let last = page.entries.last else { break }
                        after = last.sequence
                    }
                    #expect(walked == expected, "\(filter) by \(limit)")
                }
            }
        }
    }
}
