import Foundation
import PostureApp
import PostureCore
import PostureTestSupport
import SQLKit
import Testing

@testable import PostureServices
@testable import PostureStore

/// A period's moves read from the stored deltas equal those of its snapshots compared day by day,
/// on both databases: for ranges that start at the first day, inside a chain, on a chain's key,
/// across a replaced day, and past the last day.
@Suite struct PeriodMovesStoreTests {
    @Test(arguments: TestDatabase.available)
    func movesFromDeltasEqualMovesFromSnapshots(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            let generated = GeneratedHistory(
                organizations: 3,
                days: 95,
                lastDay: CivilDay("2026-11-27")!,
                catalog: runtime.service.catalog
            )
            try await generated.store(in: store)
            let member = generated.members[2]
            let id = OrganizationID(member.organization.id)
            // A day replaced mid-chain, with one action fewer: the next day's delta still applies.
            var replaced = member.snapshots[47]
            replaced.actions = Array(replaced.actions.dropFirst(2))
            replaced.score -= 2
            try await store.replaceSnapshot(replaced, at: Date())
            let snapshots = member.snapshots.map { $0.day == replaced.day ? replaced : $0 }

            let first = generated.firstDay
            var checked = 0
            for (from, to) in [
                (first, generated.lastDay), (first.adding(days: -10), first.adding(days: 3)),
                (first.adding(days: 13), first.adding(days: 71)), (first.adding(days: 30), first.adding(days: 30)),
                (first.adding(days: 45), first.adding(days: 50)),
                (first.adding(days: 60), generated.lastDay.adding(days: 9)),
            ] {
                let baseline = snapshots.last { $0.day < from }
                let inRange = snapshots.filter { $0.day >= from && $0.day <= to }
                let expected = PeriodMoves((baseline.map { [$0] } ?? []) + inRange)
                let stored = try await store.periodMoves(id, from: from, to: to)
                #expect(stored == expected, "\(from) to \(to)")
                #expect(Trends.scoreChanges(stored) == Trends.scoreChanges(expected))
                checked += stored.days.reduce(0) { $0 + $1.moves.count }
            }
            #expect(checked > 100, "the history moves: \(checked)")

            // A report works out regressions only from the first day of those it keeps, and keeps
            // the same ones as from the whole period.
            let year = try await store.periodMoves(id, from: first, to: generated.lastDay)
            let all = Trends.regressions(year, changes: [], catalog: runtime.service.catalog).regressions
            #expect(all.count > OrganizationReport.regressionLimit, "more than a report keeps: \(all.count)")
            let firstKept = try #require(OrganizationReport.firstKeptDay(year, from: first))
            var recent = year
            recent.days = year.days.filter { $0.day >= firstKept }
            let fromThere = Trends.regressions(recent, changes: [], catalog: runtime.service.catalog).regressions
            #expect(fromThere.count < all.count)
            #expect(OrganizationReport.kept(fromThere) == OrganizationReport.kept(all))
            #expect(store.history.size > 90, "worked-out days are kept")

            // A day replaced again (here: today's snapshot following a write) is worked out anew,
            // and so is the day after it; the others still come from the cache.
            var again = snapshots[80]
            again.actions = again.actions.map { action in
                var changed = action
                if action.id == again.actions[0].id { changed.points = action.points == 0 ? 1 : 0 }
                return changed
            }
            try await store.replaceSnapshot(again, at: Date(timeIntervalSince1970: 0))
            let now = snapshots.map { $0.day == again.day ? again : $0 }
            let whole = try await store.periodMoves(id, from: first, to: generated.lastDay)
            #expect(whole == PeriodMoves(now), "the replaced day and the next are not taken from the cache")
            #expect(whole != PeriodMoves(snapshots))

            // A cache that holds little keeps working: entries of other organizations make way.
            let small = HistoryCache(capacity: 50)
            let other = PostureStore(database: store.database, history: small)
            let otherID = OrganizationID(generated.members[0].organization.id)
            #expect(
                try await other.periodMoves(otherID, from: first, to: generated.lastDay)
                    == PeriodMoves(generated.members[0].snapshots)
            )
            #expect(try await other.periodMoves(id, from: first, to: generated.lastDay) == PeriodMoves(now))
            #expect(small.size <= 50)
            let none = try await store.periodMoves("nobody", from: first, to: generated.lastDay)
            #expect(none.firstDay == nil && none.days.isEmpty)
        }
    }

    /// Every way of writing a day stores the fingerprint of its actions as stored; rows from
    /// before the fingerprint was stored are fingerprinted from their bytes, with the same moves.
    @Test(arguments: TestDatabase.available)
    func storedFingerprintsMatchTheStoredActions(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            let generated = GeneratedHistory(
                organizations: 1,
                days: 40,
                lastDay: CivilDay("2026-11-27")!,
                catalog: runtime.service.catalog
            )
            try await generated.store(in: store)
            let member = generated.members[0]
            let id = OrganizationID(member.organization.id)
            var replaced = member.snapshots[20]
            replaced.actions = Array(replaced.actions.dropFirst())
            try await store.replaceSnapshot(replaced, at: Date())
            let snapshots = member.snapshots.map { $0.day == replaced.day ? replaced : $0 }

            let sql = try #require(store.database as? any SQLDatabase)
            let rows = try await sql.raw(
                "SELECT day, actions, actions_packed, actions_hash FROM snapshots WHERE organization_id = \(bind: id.rawValue)"
            ).all()
            #expect(rows.count == snapshots.count)
            for row in rows {
                let bytes =
                    try row.decodeIfPresent(column: "actions_packed", as: Data.self)
                    ?? Data(try row.decode(column: "actions", as: String.self).utf8)
                let day = try row.decode(column: "day", as: String.self)
                #expect(
                    try row.decodeIfPresent(column: "actions_hash", as: Int64.self)
                        == SnapshotRecord.actionsFingerprint(bytes),
                    "\(day)"
                )
            }

            // Older rows, without a stored fingerprint, read through a cache that holds nothing.
            try await sql.raw(
                "UPDATE snapshots SET actions_hash = NULL WHERE organization_id = \(bind: id.rawValue) AND day < \(bind: snapshots[30].day.description)"
            ).run()
            let fresh = PostureStore(database: store.database, history: HistoryCache())
            let (moves, fingerprint, percentages) = try await fresh.fingerprintedMoves(
                id,
                from: generated.firstDay,
                to: generated.lastDay
            )
            #expect(moves == PeriodMoves(snapshots))
            #expect(percentages == (try await store.percentages(id, from: generated.firstDay, to: generated.lastDay)))
            let (again, same, _) = try await fresh.fingerprintedMoves(
                id,
                from: generated.firstDay,
                to: generated.lastDay
            )
            #expect(again == moves && same == fingerprint)
            let inside = generated.firstDay.adding(days: 10)
            #expect(
                try await fresh.fingerprintedMoves(id, from: inside, to: generated.lastDay).percentages
                    == (try await store.percentages(id, from: inside, to: generated.lastDay))
            )

            // A day written again changes the period's fingerprint.
            replaced.actions = Array(replaced.actions.dropFirst())
            try await store.replaceSnapshot(replaced, at: Date())
            let (changed, other, _) = try await fresh.fingerprintedMoves(
                id,
                from: generated.firstDay,
                to: generated.lastDay
            )
            #expect(other != fingerprint)
            #expect(changed == PeriodMoves(member.snapshots.map { $0.day == replaced.day ? replaced : $0 }))

            // Migration 030 fingerprints what 028 left without one, in batches, as writes would.
            try await sql.raw("UPDATE snapshots SET actions_hash = NULL").run()
            try await M030BackfillSnapshotActionsHash(batch: 7).prepare(on: store.database)
            let expected = try await Self.fingerprintsOfBytes(sql, id)
            #expect(expected.count == snapshots.count)
            #expect(try await Self.storedFingerprints(sql, id) == expected)
        }
    }

    static func fingerprintsOfBytes(_ sql: any SQLDatabase, _ id: OrganizationID) async throws -> [String: Int64?] {
        var fingerprints: [String: Int64?] = [:]
        for row in try await sql.raw(
            "SELECT day, actions, actions_packed FROM snapshots WHERE organization_id = \(bind: id.rawValue)"
        ).all() {
            let bytes =
                try row.decodeIfPresent(column: "actions_packed", as: Data.self)
                ?? Data(try row.decode(column: "actions", as: String.self).utf8)
            fingerprints[try row.decode(column: "day", as: String.self)] = SnapshotRecord.actionsFingerprint(bytes)
        }
        return fingerprints
    }

    static func storedFingerprints(_ sql: any SQLDatabase, _ id: OrganizationID) async throws -> [String: Int64?] {
        var fingerprints: [String: Int64?] = [:]
        for row in try await sql.raw(
            "SELECT day, actions_hash FROM snapshots WHERE organization_id = \(bind: id.rawValue)"
        ).all() {
            fingerprints[try row.decode(column: "day", as: String.self)] = try row.decodeIfPresent(
                column: "actions_hash",
                as: Int64.self
            )
        }
        return fingerprints
    }
}
