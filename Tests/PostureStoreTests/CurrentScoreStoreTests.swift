import FluentKit
import Foundation
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import SQLKit
import Testing

@testable import PostureServices

/// The stored current score on both databases: every write leaves it equal to what the data
/// scores, time-driven changes are applied once, new rules are picked up, and a deleted and
/// recreated organization never reads its predecessor's score.
@Suite struct CurrentScoreStoreTests {
    /// What must agree between the stored score and the data scored afresh.
    static func facts(_ report: ScoreReport) -> [String] {
        [
            "score \(report.currentScore) max \(report.maxScore) verified \(report.verifiedScore)",
            report.categories.map { "\($0.category) \($0.score)/\($0.maxScore)/\($0.verifiedScore)" }.joined(
                separator: ","
            ),
        ]
            + report.actions.map {
                "\($0.action.id) \($0.points) \($0.verifiedPoints) \($0.status) \($0.rank ?? -1) "
                    + "\($0.regressed) \($0.exceptionExpired) \($0.excluded.count) \($0.statusRecord?.note ?? "-")"
            }
    }

    static func storedRows(_ runtime: PostureRuntime, _ organizationID: String) async throws -> Int {
        let sql = try #require(runtime.service.store.database as? any SQLDatabase)
        let row = try await sql.raw(
            "SELECT COUNT(*) AS n FROM current_scores WHERE organization_id = \(bind: organizationID)"
        ).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    @Test(arguments: TestDatabase.available)
    func everyWriteLeavesTheStoredScoreEqualToTheData(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T08:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(
                Organization(id: "contoso", displayName: "Contoso", licensedUserCount: 120),
                actor: "test"
            )
            var generator = SplitMix64(seed: 20_261_204)
            let actions = service.catalog.actions.filter { !$0.deprecated }.prefix(25).map { $0 }
            for step in 0..<40 {
                instant.withLockedValue { $0 = $0.addingTimeInterval(600) }
                let action = actions[Int(generator.next() % UInt64(actions.count))]
                switch step % 4 {
                case 0, 1:
                    let total = Int(generator.next() % 20) + 1
                    let result: ActionMeasurement.Result =
                        action.scoringMethod == .partial
                        ? .counted(achieved: Int(generator.next() % UInt64(total + 1)), total: total)
                        : .implemented(generator.next() % 2 == 0)
                    try await service.recordMeasurements(
                        "contoso",
                        [ActionMeasurement(actionID: action.id, result: result)],
                        actor: "sensor"
                    )
                case 2:
                    let statuses: [ActionStatus] = [.planned, .toAddress, .riskAccepted, .resolvedThirdParty]
                    let status = statuses[Int(generator.next() % UInt64(statuses.count))]
                    _ = try? await service.setStatus(
                        "contoso",
                        StatusRecord(
                            actionID: action.id,
                            status: status,
                            note: "step \(step)",
                            expiresAt: status.isException ? clock.now().addingTimeInterval(3_600) : nil,
                            targetDate: status == .planned ? CivilDay("2027-01-31") : nil
                        ),
                        actor: "ana"
                    )
                default:
                    try await service.recordMeasurements(
                        "contoso",
                        [
                            ActionMeasurement(
                                actionID: "AdminMFAV2",
                                result: .counted(achieved: step % 5, total: 6),
                                totalEntities: (0..<6).map { "u\($0)@contoso.example" }
                            )
                        ],
                        actor: "sensor"
                    )
                }
                let stored = try await service.currentReport("contoso")
                let fresh = try await service.evaluatedReport("contoso", asOf: clock.now())
                #expect(Self.facts(stored) == Self.facts(fresh), "step \(step)")
                let today = try #require(try await service.store.snapshot("contoso", day: CivilDay(clock.now())))
                #expect(abs(today.score - fresh.currentScore) < 1e-9, "step \(step): today's snapshot follows")
            }
            #expect(try await Self.storedRows(runtime, "contoso") == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMidDayExpiryIsAppliedOnceByTheScheduler(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T08:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            let expiry = Date(iso8601: "2026-11-28T10:00:00Z")!
            try await service.setStatus(
                "contoso",
                StatusRecord(actionID: "OneAdmin", status: .riskAccepted, note: "CISO accepts", expiresAt: expiry),
                actor: "ana"
            )
            #expect(try await service.refreshDueCurrentScores() == 0, "nothing is due before the expiry")
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-28T10:30:00Z")! }
            #expect(try await service.refreshDueCurrentScores() == 1)
            #expect(try await service.refreshDueCurrentScores() == 0, "applied once")
            let report = try await service.currentReport("contoso")
            #expect(report["OneAdmin"]?.status == .toAddress && report["OneAdmin"]?.exceptionExpired == true)
            let today = try #require(try await service.store.snapshot("contoso", day: CivilDay("2026-11-28")!))
            #expect(today.actions.first { $0.id == "OneAdmin" }?.status == .toAddress, "today follows at once")
            let history = try await service.store.statusHistory("contoso", actionID: "OneAdmin")
            #expect(history.map(\.status) == [.riskAccepted, .toAddress])
            #expect(history.last?.setBy == StatusRecord.system && history.last?.setAt == expiry)

            // The day closes and later writes come: the expiry stays logged once.
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-29T00:30:00Z")! }
            _ = try await service.sync(day: CivilDay("2026-11-29")!)
            try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 2, total: 4))],
                actor: "sensor"
            )
            let expiries = try await service.store.changes("contoso", actionID: "OneAdmin").filter {
                $0.cause?.kind == .exceptionExpired && $0.kind == .statusChanged
            }
            #expect(expiries.count == 1 && expiries.first?.occurredAt == expiry)
            #expect(try await service.store.statusHistory("contoso", actionID: "OneAdmin").count == 2)
        }
    }

    /// A read that finds the score due (the scheduler has not come yet) applies the expiry itself,
    /// and several at once apply it once.
    @Test(arguments: TestDatabase.available)
    func readsThatFindTheScoreDueApplyItOnce(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T08:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            try await service.setStatus(
                "contoso",
                StatusRecord(
                    actionID: "OneAdmin",
                    status: .resolvedThirdParty,
                    expiresAt: Date(iso8601: "2026-11-28T09:00:00Z")!
                ),
                actor: "ana"
            )
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-28T09:05:00Z")! }
            let statuses = try await withThrowingTaskGroup(of: ActionStatus?.self) { group in
                for _ in 0..<6 { group.addTask { try await service.currentReport("contoso")["OneAdmin"]?.status } }
                return try await group.reduce(into: [ActionStatus?]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .toAddress })
            let logged = try await service.store.changes("contoso", actionID: "OneAdmin").filter {
                $0.cause?.kind == .exceptionExpired && $0.kind == .statusChanged
            }
            #expect(logged.count == 1, "\(logged.map { "\($0.occurredAt) \($0.detail)" })")
        }
    }

    @Test(arguments: TestDatabase.available)
    func otherRulesRecomputeTheStoredScore(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 1, total: 4))],
                actor: "sensor"
            )
            // Weights that rank by points alone.
            let other = PostureService(
                store: service.store,
                catalog: service.catalog,
                weights: RankingWeights(points: 1, cost: 0, userImpact: 0, complexity: 0),
                clock: service.clock
            )
            let before = try await service.currentReport("contoso")
            let reranked = try await other.currentReport("contoso")
            let fresh = try await other.evaluatedReport("contoso", asOf: service.clock.now())
            #expect(Self.facts(reranked) == Self.facts(fresh))
            #expect(Self.facts(reranked) != Self.facts(before), "the ranking moved with the weights")
            #expect(try await other.refreshDueCurrentScores() == 0)
            #expect(try await service.refreshDueCurrentScores() == 1, "the first service's rules are due again")
        }
    }

    /// Data written before stored scores existed (or straight into the store) gets its document
    /// from the scheduler's pass, before anyone reads it.
    @Test(arguments: TestDatabase.available)
    func theSchedulerStoresMissingScores(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.store.createOrganization(Organization(id: "legacy", displayName: "Legacy"), at: Date())
            try await service.store.upsertMeasurements(
                "legacy",
                [ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(true))],
                by: "sensor",
                at: service.clock.now()
            )
            #expect(try await Self.storedRows(runtime, "legacy") == 0)
            #expect(try await service.refreshDueCurrentScores() == 1)
            #expect(try await Self.storedRows(runtime, "legacy") == 1)
            #expect(try await service.refreshDueCurrentScores() == 0)
            let listed = try await service.organizationPage(OrganizationListQuery(), visible: nil).rows
                .first { $0.row.id == "legacy" }
            let fresh = try await service.evaluatedReport("legacy", asOf: service.clock.now())
            #expect(listed?.row.score == fresh.currentScore && fresh.currentScore > 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRecreatedOrganizationNeverReadsItsPredecessorsScore(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(true))],
                actor: "sensor"
            )
            #expect(try await service.currentReport("contoso").currentScore > 0)
            #expect(try await service.deleteOrganization("contoso", actor: "test"))
            #expect(try await Self.storedRows(runtime, "contoso") == 0)
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            #expect(try await service.currentReport("contoso").currentScore == 0)
        }
    }
}
