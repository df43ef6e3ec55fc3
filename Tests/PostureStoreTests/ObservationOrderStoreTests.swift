import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Newest observation wins on both databases: an older measurement never replaces the stored one.
@Suite struct ObservationOrderStoreTests {
    @Test(arguments: TestDatabase.available)
    func olderMeasurementsLeaveTheCurrentStateAlone(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let now = TestDatabase.clock.now()
            try await service.store.createOrganization(
                Organization(id: "contoso", displayName: "Contoso"),
                at: Date(iso8601: "2026-11-01")!
            )
            var today = ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 11, total: 12))
            today.observedAt = now
            let first = try await service.recordObservations("contoso", [today], actor: "sensor")
            #expect(first.older.isEmpty)
            let changesBefore = try await service.store.changes("contoso")
            let auditBefore = try await service.store.auditEntries().count

            var october = ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 1, total: 12))
            october.observedAt = Date(iso8601: "2026-10-01T00:00:00Z")!
            let late = try await service.recordObservations("contoso", [october], actor: "sensor")
            #expect(
                late.older == [
                    OlderObservation(actionID: "AdminMFAV2", observedAt: october.observedAt!, storedObservedAt: now)
                ]
            )
            #expect(late.report == first.report, "the score does not move")
            #expect(late.report["AdminMFAV2"]?.lastMeasuredAt == now)
            #expect(try await service.store.changes("contoso") == changesBefore, "no regression is logged")
            #expect(try await service.store.auditEntries().count == auditBefore, "nothing was written")
            #expect(try await service.store.measurements("contoso").first?.result == today.result)

            // A replay of the newest batch is idempotent: same state, no new change entries.
            let replay = try await service.recordObservations("contoso", [today], actor: "sensor")
            #expect(replay.older.isEmpty && replay.report == first.report)
            #expect(try await service.store.changes("contoso") == changesBefore)
        }
    }
}
