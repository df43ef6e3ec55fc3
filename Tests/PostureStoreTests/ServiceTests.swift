import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

@Suite struct ServiceTests {
    static let organization = Organization(id: "contoso", displayName: "Contoso", licensedUserCount: 50)

    @Test(arguments: TestDatabase.available)
    func measurementsChangeTheScoreAndTheLogInOneStep(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.store.createOrganization(Self.organization, at: Date(iso8601: "2026-11-01")!)
            let before = try await service.currentReport("contoso")
            let after = try await service.recordMeasurements(
                "contoso",
                [
                    ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 5, total: 100)),
                    ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(true)),
                ],
                actor: "sensor-1"
            )
            #expect(abs(after.currentScore - before.currentScore - 8.5) < 1e-9)
            #expect(try await service.currentReport("contoso") == after, "the stored state gives the same score")
            let changes = try await service.store.changes("contoso")
            #expect(Set(changes.map(\.actionID)) == ["AdminMFAV2", "BlockLegacyAuthentication"])
            let completion = try #require(changes.first { $0.kind == .statusChanged })
            #expect(completion.toStatus == .completed && completion.actor == "system")
            #expect(changes.first { $0.kind == .pointsGained && $0.actionID == "AdminMFAV2" }?.actor == "sensor-1")
            // The system records `completed`, so a later shortfall is a regression, not silence.
            #expect(try await service.store.statuses("contoso").map(\.status) == [.completed])
            let regressed = try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(false))],
                actor: "sensor-1"
            )
            #expect(regressed["BlockLegacyAuthentication"]?.regressed == true)
            let last = try await service.store.changes("contoso").suffix(2)
            #expect(last.map(\.kind) == [.statusChanged, .pointsLost])
            #expect(last.first?.toStatus == .toAddress)
        }
    }

    @Test(arguments: TestDatabase.available)
    func statusRulesAreEnforcedBeforeStoring(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.store.createOrganization(Self.organization, at: Date(iso8601: "2026-11-01")!)
            await #expect(throws: ServiceError.statusRefused([.completedIsSystemOnly(actionID: "PIMEnabled")])) {
                try await service.setStatus(
                    "contoso",
                    StatusRecord(actionID: "PIMEnabled", status: .completed),
                    actor: "a"
                )
            }
            let past = StatusRecord(
                actionID: "PIMEnabled",
                status: .riskAccepted,
                expiresAt: Date(iso8601: "2026-01-01")
            )
            await #expect(throws: ServiceError.self) { try await service.setStatus("contoso", past, actor: "a") }
            let claim = StatusRecord(actionID: "SelfServicePasswordReset", status: .resolvedThirdParty, note: "Okta")
            let report = try await service.setStatus("contoso", claim, actor: "alice")
            #expect(
                report["SelfServicePasswordReset"]?.claimedPoints == report["SelfServicePasswordReset"]?.action.maxScore
            )
            #expect(try await service.store.statusHistory("contoso").first?.setBy == "alice")
            _ = try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "OneAdmin", result: .implemented(true))],
                actor: "s"
            )
            await #expect(throws: ServiceError.statusRefused([.actionCompleted(actionID: "OneAdmin")])) {
                try await service.setStatus(
                    "contoso",
                    StatusRecord(actionID: "OneAdmin", status: .riskAccepted),
                    actor: "a"
                )
            }
            await #expect(throws: ServiceError.organizationNotFound("nope")) {
                try await service.setStatus("nope", claim, actor: "a")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func syncIsIdempotentAndFillsMissedDays(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.store.createOrganization(Self.organization, at: Date(iso8601: "2026-11-20T09:00:00Z")!)
            let first = try await service.sync(day: CivilDay("2026-11-24")!)
            #expect(first.snapshotsWritten == 1 && first.daysFilled == 0, "a first snapshot does not back-fill")
            let again = try await service.sync(day: CivilDay("2026-11-24")!)
            #expect(again.snapshotsWritten == 0 && again.alreadyTaken == 1)
            let later = try await service.sync(day: CivilDay("2026-11-28")!)
            #expect(later.daysFilled == 3 && later.snapshotsWritten == 1)
            let snapshots = try await service.store.snapshots("contoso")
            #expect(
                snapshots.map(\.day.description) == [
                    "2026-11-28", "2026-11-27", "2026-11-26", "2026-11-25", "2026-11-24",
                ]
            )
            #expect(snapshots.map(\.filled) == [false, true, true, true, false])
            #expect(try await service.fillMissedDays(through: CivilDay("2026-11-27")!).daysFilled == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func exceptionsReopenInTheSnapshotOfTheDayTheyExpire(_ database: TestDatabase) async throws {
        let clock = PostureClock.fixed(Date(iso8601: "2026-11-10T12:00:00Z")!)
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.store.createOrganization(Self.organization, at: Date(iso8601: "2026-11-01")!)
            // Stored as it was set on 2026-11-01, before it expired.
            try await service.store.setStatus(
                "contoso",
                StatusRecord(
                    actionID: "PIMEnabled",
                    status: .resolvedThirdParty,
                    expiresAt: Date(iso8601: "2026-11-05T08:00:00Z"),
                    setBy: "alice",
                    setAt: Date(iso8601: "2026-11-01")
                )
            )
            // Snapshots of past days are evaluated at the end of each day.
            try await service.snapshot("contoso", day: CivilDay("2026-11-04")!, filled: false)
            try await service.snapshot("contoso", day: CivilDay("2026-11-05")!, filled: false)
            let fourth = try #require(try await service.store.snapshot("contoso", day: CivilDay("2026-11-04")!))
            let fifth = try #require(try await service.store.snapshot("contoso", day: CivilDay("2026-11-05")!))
            #expect(fourth.actions.first { $0.id == "PIMEnabled" }?.status == .resolvedThirdParty)
            #expect(fifth.actions.first { $0.id == "PIMEnabled" }?.status == .toAddress)
            #expect(fourth.score - fifth.score == 10)
        }
    }

    @Test(arguments: TestDatabase.available)
    func demoHasTheWholeStory(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            #expect(try await service.seedDemo(endDay: CivilDay("2026-11-28")!))
            #expect(try await service.seedDemo(endDay: CivilDay("2026-11-28")!) == false, "seeding twice does nothing")
            let snapshots = try await service.store.snapshots("contoso")
            #expect(snapshots.count == 120)
            #expect(snapshots.first?.day == CivilDay("2026-11-28") && snapshots.last?.day == CivilDay("2026-08-01"))
            let changes = try await service.store.changes("contoso")
            #expect(changes.contains { $0.kind == .pointsLost && $0.actionID == "BlockLegacyAuthentication" })
            #expect(changes.contains { $0.kind == .pointsLost && $0.actionID == "AdminMFAV2" })
            #expect(changes.contains { $0.toStatus == .toAddress && $0.detail.contains("exception expired") })
            let report = try await service.currentReport("contoso")
            #expect(report.actions.contains { $0.status == .planned && $0.statusRecord?.targetDate != nil })
            #expect(report.actions.contains { $0.status == .riskAccepted })
            #expect(report.actions.contains { $0.status.isClaim })
            #expect(report.actions.contains { !$0.hasData && $0.counted })
            #expect(snapshots.first!.score != snapshots.last!.score)
        }
    }
}
