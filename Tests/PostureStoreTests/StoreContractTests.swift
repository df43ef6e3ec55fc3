import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// One contract, every database: what is stored comes back exactly, per organization.
@Suite struct StoreContractTests {
    static let at = Date(iso8601: "2026-11-28T10:00:00Z")!
    static let contoso = Organization(
        id: "contoso",
        displayName: "Contoso",
        licensedUserCount: 120,
        activeUserCount: 100,
        industry: "Retail",
        region: "EU"
    )
    static let fabrikam = Organization(id: "fabrikam", displayName: "Fabrikam")

    @Test(arguments: TestDatabase.available)
    func migratesRevertsAndMigratesAgain(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            try await runtime.service.store.createOrganization(Self.contoso, at: Self.at)
            try await runtime.revertMigrations()
            try await runtime.migrate()
            #expect(try await runtime.service.store.organizations().isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func organizationsRoundTripAndRefuseDuplicates(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            try await store.createOrganization(Self.contoso, enabledServices: ["HasAADP1"], at: Self.at)
            try await store.createOrganization(Self.fabrikam, at: Self.at)
            await #expect(throws: StoreError.organizationExists("contoso")) {
                try await store.createOrganization(Self.contoso, at: Self.at)
            }
            let stored = try #require(try await store.organization("contoso"))
            #expect(stored.organization == Self.contoso)
            #expect(stored.enabledServices == ["HasAADP1"])
            #expect(try await store.organizations().map(\.organization.id) == ["contoso", "fabrikam"])
            var renamed = Self.contoso
            renamed.displayName = "Contoso Group"
            renamed.licensedUserCount = 900
            try await store.updateOrganization(renamed, enabledServices: [], at: Self.at.addingTimeInterval(60))
            let updated = try #require(try await store.organization("contoso"))
            #expect(updated.organization == renamed && updated.enabledServices.isEmpty)
            #expect(updated.updatedAt == Self.at.addingTimeInterval(60) && updated.createdAt == Self.at)
            await #expect(throws: StoreError.organizationNotFound("nope")) {
                try await store.updateOrganization(
                    Organization(id: "nope", displayName: "x"),
                    enabledServices: [],
                    at: Self.at
                )
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func measurementUpsertIsIdempotentAndKeepsEverything(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            try await store.createOrganization(Self.contoso, at: Self.at)
            let batch = [
                ActionMeasurement(
                    actionID: "AdminMFAV2",
                    result: .counted(achieved: 1, total: 2),
                    observedAt: Self.at,
                    achievedEntities: ["a@x"],
                    totalEntities: ["a@x", "b@x"],
                    excluded: [Exclusion(entity: "bg@x", reason: "break glass", owner: "ciso", expiresAt: Self.at)]
                ),
                ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(true)),
            ]
            try await store.upsertMeasurements("contoso", batch, by: "sensor", at: Self.at)
            try await store.upsertMeasurements("contoso", batch, by: "sensor", at: Self.at)
            #expect(try await store.measurements("contoso") == batch)
            let replaced = [
                ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .counted(achieved: 0, total: 0))
            ]
            try await store.upsertMeasurements("contoso", replaced, by: "sensor", at: Self.at)
            #expect(try await store.measurements("contoso") == [batch[0], replaced[0]])
            #expect(try await store.measurements("fabrikam").isEmpty, "no measurement leaks to another organization")
        }
    }

    @Test(arguments: TestDatabase.available)
    func statusesKeepCurrentAndFullHistory(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            try await store.createOrganization(Self.contoso, at: Self.at)
            try await store.createOrganization(Self.fabrikam, at: Self.at)
            let first = StatusRecord(
                actionID: "PIMEnabled",
                status: .planned,
                note: "licences <ordered>",
                owner: "iam",
                targetDate: CivilDay("2026-12-31"),
                setBy: "alice",
                setAt: Self.at
            )
            let second = StatusRecord(
                actionID: "PIMEnabled",
                status: .riskAccepted,
                note: "budget",
                owner: "ciso",
                expiresAt: Date(iso8601: "2027-06-30T00:00:00Z"),
                setBy: "bob",
                setAt: Self.at.addingTimeInterval(60),
                clientState: "Ignored"
            )
            try await store.setStatus("contoso", first)
            try await store.setStatus("contoso", second)
            #expect(try await store.statuses("contoso") == [second])
            #expect(try await store.statusHistory("contoso") == [first, second])
            #expect(try await store.statusHistory("contoso", actionID: "Other").isEmpty)
            #expect(try await store.statuses("fabrikam").isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func statusBatchesReplaceWholeRecordsAndKeepEveryEntry(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            try await store.createOrganization(Self.contoso, at: Self.at)
            let planned = StatusRecord(
                actionID: "PIMEnabled",
                status: .planned,
                note: "licences",
                owner: "iam",
                targetDate: CivilDay("2026-12-31"),
                setBy: "alice",
                setAt: Self.at
            )
            try await store.setStatus("contoso", planned)
            // A batch: the planned action reset by the system (no note, owner or date left), a new
            // action twice (its last record is current, both are history), and a record with no
            // setter or time (stored as the system always stored it).
            let reset = StatusRecord(actionID: "PIMEnabled", status: .toAddress, setBy: "system", setAt: Self.at + 60)
            let mfaFirst = StatusRecord(actionID: "AdminMFAV2", status: .planned, setBy: "bob", setAt: Self.at + 60)
            let mfaLast = StatusRecord(
                actionID: "AdminMFAV2",
                status: .riskAccepted,
                note: "n",
                setBy: "bob",
                setAt: Self.at + 61
            )
            let anonymous = StatusRecord(actionID: "BlockLegacyAuth", status: .resolvedThirdParty)
            try await store.setStatuses("contoso", [reset, mfaFirst, anonymous, mfaLast])
            let stored = StatusRecord(
                actionID: "BlockLegacyAuth",
                status: .resolvedThirdParty,
                setBy: "unknown",
                setAt: Date(timeIntervalSince1970: 0)
            )
            #expect(try await store.statuses("contoso") == [mfaLast, stored, reset])
            #expect(try await store.statusHistory("contoso") == [planned, reset, mfaFirst, stored, mfaLast])
            #expect(try await store.statusHistory("contoso", actionID: "AdminMFAV2") == [mfaFirst, mfaLast])
        }
    }

    @Test(arguments: TestDatabase.available)
    func tagsAreASet(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            try await store.createOrganization(Self.contoso, at: Self.at)
            #expect(try await store.addTag("contoso", actionID: "AdminMFAV2", tag: "q1", at: Self.at))
            #expect(try await store.addTag("contoso", actionID: "AdminMFAV2", tag: "q1", at: Self.at) == false)
            #expect(try await store.addTag("contoso", actionID: "AdminMFAV2", tag: "board", at: Self.at))
            #expect(try await store.tags("contoso") == ["AdminMFAV2": ["board", "q1"]])
            #expect(try await store.removeTag("contoso", actionID: "AdminMFAV2", tag: "q1"))
            #expect(try await store.removeTag("contoso", actionID: "AdminMFAV2", tag: "q1") == false)
            #expect(try await store.tags("contoso") == ["AdminMFAV2": ["board"]])
        }
    }

    static func snapshot(_ organization: Organization, _ day: String, score: Double) -> DailySnapshot {
        DailySnapshot(
            organizationID: organization.id,
            day: CivilDay(day)!,
            score: score,
            maxScore: 100,
            verifiedScore: score - 1,
            categories: [.init(category: .identity, score: score, maxScore: 100, verifiedScore: score - 1)],
            actions: [],
            catalogVersion: "c1",
            scoringModelVersion: "m1",
            filled: day.hasSuffix("2"),
            licensedUserCount: organization.licensedUserCount,
            activeUserCount: organization.activeUserCount
        )
    }

    @Test(arguments: TestDatabase.available)
    func snapshotsAreOncePerDayNewestFirst(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            try await store.createOrganization(Self.contoso, at: Self.at)
            try await store.createOrganization(Self.fabrikam, at: Self.at)
            for (day, score) in [("2026-11-01", 10.0), ("2026-11-03", 30), ("2026-11-02", 20)] {
                #expect(try await store.insertSnapshot(Self.snapshot(Self.contoso, day, score: score), at: Self.at))
            }
            #expect(
                try await store.insertSnapshot(Self.snapshot(Self.contoso, "2026-11-02", score: 99), at: Self.at)
                    == false
            )
            try await store.insertSnapshot(Self.snapshot(Self.fabrikam, "2026-11-02", score: 50), at: Self.at)

            let all = try await store.snapshots("contoso")
            #expect(all.map(\.day.description) == ["2026-11-03", "2026-11-02", "2026-11-01"])
            #expect(all[1] == Self.snapshot(Self.contoso, "2026-11-02", score: 20), "the first write of a day stands")
            #expect(try await store.snapshots("contoso", offset: 1, limit: 1).map(\.score) == [20])
            #expect(
                try await store.snapshots("contoso", from: CivilDay("2026-11-02"), to: CivilDay("2026-11-02")).map(
                    \.score
                )
                    == [20]
            )
            #expect(try await store.snapshotCount("contoso") == 3)
            #expect(try await store.latestSnapshotDay("contoso") == CivilDay("2026-11-03"))
            #expect(try await store.snapshot("contoso", day: CivilDay("2026-11-04")!) == nil)
            let summaries = try await store.scoreSummaries(days: [CivilDay("2026-11-02")!])
            #expect(Set(summaries.map(\.organizationID)) == ["contoso", "fabrikam"])
            #expect(summaries.allSatisfy { $0.actions.isEmpty && $0.categories.count == 1 })
        }
    }

    @Test(arguments: TestDatabase.available)
    func changeLogIsAppendOnlyInOrder(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            try await store.createOrganization(Self.contoso, at: Self.at)
            func entry(_ minutes: Double, _ kind: ChangeEntry.Kind) -> ChangeEntry {
                ChangeEntry(
                    organizationID: "contoso",
                    actionID: "AdminMFAV2",
                    category: .identity,
                    kind: kind,
                    occurredAt: Self.at.addingTimeInterval(minutes * 60),
                    fromStatus: .toAddress,
                    toStatus: .toAddress,
                    pointsBefore: 1,
                    pointsAfter: kind == .pointsGained ? 2 : 0.5,
                    maxScore: 10,
                    actor: "sensor",
                    detail: "d\(minutes)"
                )
            }
            let entries = [entry(0, .pointsGained), entry(0, .pointsLost), entry(90, .pointsGained)]
            try await store.appendChanges("contoso", Array(entries.prefix(2)))
            try await store.appendChanges("contoso", [entries[2]])
            #expect(try await store.changes("contoso") == entries)
            #expect(
                try await store.changes(
                    "contoso",
                    from: Self.at.addingTimeInterval(60),
                    to: Self.at.addingTimeInterval(100 * 60)
                )
                    == [entries[2]]
            )
            #expect(try await store.changes("contoso", actionID: "Other").isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func deletingAnOrganizationRemovesItsWholeHistoryOnly(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            for organization in [Self.contoso, Self.fabrikam] {
                try await service.store.createOrganization(organization, at: Self.at)
                try await service.recordMeasurements(
                    OrganizationID(organization.id),
                    [ActionMeasurement(actionID: "OneAdmin", result: .implemented(true))],
                    actor: "t"
                )
                try await service.snapshot(OrganizationID(organization.id), day: CivilDay("2026-11-28")!, filled: false)
                _ = try await service.store.addTag(
                    OrganizationID(organization.id),
                    actionID: "OneAdmin",
                    tag: "x",
                    at: Self.at
                )
            }
            #expect(try await service.store.deleteOrganization("contoso"))
            #expect(try await service.store.deleteOrganization("contoso") == false)
            #expect(try await service.store.measurements("contoso").isEmpty)
            #expect(try await service.store.snapshots("contoso").isEmpty)
            #expect(try await service.store.changes("contoso").isEmpty)
            #expect(try await service.store.statusHistory("contoso").isEmpty)
            #expect(try await service.store.measurements("fabrikam").count == 1)
            #expect(try await service.store.snapshotCount("fabrikam") == 1)
            #expect(try await service.store.statusHistory("fabrikam").map(\.status) == [.completed])
        }
    }
}
