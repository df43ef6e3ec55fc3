import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Today is live on both databases: every change to the score rewrites today's snapshot in the
/// same transaction, closed days stay as they were, and missed days are filled first.
@Suite struct LiveTodayStoreTests {
    @Test(arguments: TestDatabase.available)
    func todaysSnapshotFollowsEveryChange(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let today = CivilDay(TestDatabase.clock.now())
            try await service.store.createOrganization(
                Organization(id: "contoso", displayName: "Contoso", licensedUserCount: 50),
                at: Date(iso8601: "2026-11-01")!
            )
            let closedDay = today.adding(days: -3)
            _ = try await service.sync(day: closedDay)
            let closed = try #require(try await service.store.snapshot("contoso", day: closedDay))

            let measured = try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 5, total: 10))],
                actor: "sensor"
            )
            var live = try #require(try await service.store.snapshot("contoso", day: today))
            #expect(live.score == measured.currentScore && !live.filled)
            for offset in 1...2 {
                let filled = try #require(
                    try await service.store.snapshot("contoso", day: closedDay.adding(days: offset))
                )
                #expect(filled.filled, "the days missed since the last snapshot are filled first")
            }

            let claimed = try await service.setStatus(
                "contoso",
                StatusRecord(actionID: "SelfServicePasswordReset", status: .resolvedThirdParty, note: "Okta"),
                actor: "ana"
            )
            #expect(claimed.currentScore > measured.currentScore)
            live = try #require(try await service.store.snapshot("contoso", day: today))
            #expect(live.score == claimed.currentScore)

            let excluded = try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 9, total: 10))],
                actor: "sensor"
            )
            live = try #require(try await service.store.snapshot("contoso", day: today))
            #expect(live.score == excluded.currentScore)
            #expect(try await service.currentReport("contoso").currentScore == live.score)

            // The closed day did not move; the sync finds today taken and leaves it.
            #expect(try await service.store.snapshot("contoso", day: closedDay) == closed)
            let summary = try await service.sync(day: today)
            #expect(summary.alreadyTaken == 1 && summary.snapshotsWritten == 0)
            #expect(try await service.store.snapshot("contoso", day: today)?.score == excluded.currentScore)
        }
    }
}
