import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureTestSupport
import SQLKit
import Testing

@testable import PostureServices
@testable import PostureStore

/// Closed days are stored as what changed since the day before, on both databases: every day
/// reads back exactly as it was written, by range, by page or alone, and replacing a day leaves
/// the days built on it intact.
@Suite struct SnapshotStorageTests {
    @Test(arguments: TestDatabase.available)
    func everyDayReadsBackAsWritten(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            let generated = GeneratedHistory(
                organizations: 4,
                days: 75,
                lastDay: CivilDay("2026-11-27")!,
                catalog: runtime.service.catalog
            )
            try await generated.store(in: store)
            for member in generated.members {
                let id = member.organization.id
                let newestFirst = Array(member.snapshots.reversed())
                #expect(try await store.snapshots(OrganizationID(id)) == newestFirst)
                #expect(
                    try await store.snapshots(OrganizationID(id), offset: 20, limit: 7) == Array(newestFirst[20..<27])
                )
                let from = generated.firstDay.adding(days: 40)
                #expect(
                    try await store.snapshots(OrganizationID(id), from: from, to: from.adding(days: 9))
                        == newestFirst.filter { $0.day >= from && $0.day <= from.adding(days: 9) }
                )
                for snapshot in member.snapshots where snapshot.day.daysSinceEpoch % 7 == 0 {
                    #expect(try await store.snapshot(OrganizationID(id), day: snapshot.day) == snapshot)
                }
            }

            // Replacing a day in the middle of a chain keeps every later day as it was.
            let member = generated.members[1]
            let middle = member.snapshots[35]
            var replaced = middle
            replaced.actions = Array(middle.actions.dropFirst())
            replaced.score = middle.score - 1
            try await store.replaceSnapshot(replaced, at: Date())
            #expect(try await store.snapshot(OrganizationID(member.organization.id), day: middle.day) == replaced)
            let expected = member.snapshots.map { $0.day == middle.day ? replaced : $0 }
            #expect(try await store.snapshots(OrganizationID(member.organization.id)) == expected.reversed())

            // Quiet days cost little: most rows hold a delta, far smaller than a full list, and
            // every row is packed (compressed where that helps), the plain text columns empty.
            let sql = try #require(store.database as? any SQLDatabase)
            let rows = try await sql.raw(
                """
                SELECT actions, categories, actions_packed FROM snapshots
                WHERE organization_id = \(bind: member.organization.id)
                """
            ).all()
            #expect(try rows.allSatisfy { try $0.decode(column: "actions", as: String.self).isEmpty })
            #expect(try rows.allSatisfy { try $0.decode(column: "categories", as: String.self).isEmpty })
            let packed = try rows.map { try $0.decode(column: "actions_packed", as: Data.self) }
            let texts = try packed.map(PackedText.unpack)
            let deltas = texts.filter { $0.hasPrefix("{") }
            #expect(deltas.count >= texts.count - 4, "\(texts.count - deltas.count) full rows of \(texts.count)")
            let packedBytes = packed.map(\.count).reduce(0, +)
            let textBytes = texts.map(\.utf8.count).reduce(0, +)
            #expect(packedBytes <= textBytes + texts.count, "packed \(packedBytes) bytes of \(textBytes)")
            let full = zip(packed, texts).filter { $0.1.hasPrefix("[") }
            #expect(full.allSatisfy { $0.0.count * 3 < $0.1.utf8.count }, "a full list shrinks severalfold")
        }
    }
}
