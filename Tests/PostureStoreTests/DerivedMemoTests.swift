import Foundation
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// What the server remembers of reports and plans: always what the state gives now.
@Suite struct DerivedMemoTests {
    @Test func aRememberedPlanIsAlwaysTheOneTheStateGives() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let service = runtime.service
            try await service.createOrganization(
                Organization(id: "contoso", displayName: "Contoso", licensedUserCount: 120),
                actor: "test"
            )
            let actions = service.catalog.actions.filter { !$0.deprecated && $0.scoringMethod == .partial }.prefix(4)
            try await service.recordMeasurements(
                "contoso",
                actions.map { ActionMeasurement(actionID: $0.id, result: .counted(achieved: 1, total: 4)) },
                actor: "sensor"
            )
            func fresh(_ report: ScoreReport, _ target: Double) -> WhatIfPlan {
                WhatIfPlanner.plan(report: report, targetPercentage: target, weights: service.weights)
            }
            let before = try await service.currentReport("contoso")
            let first = service.whatIfPlan("contoso", report: before, targetPercentage: 40)
            #expect(first == fresh(before, 40) && !first.steps.isEmpty)
            #expect(service.whatIfPlan("contoso", report: before, targetPercentage: 40) == first)
            #expect(service.memo.size == 1)
            #expect(service.whatIfPlan("contoso", report: before, targetPercentage: 20) == fresh(before, 20))

            // A write that completes the plan's first step: the next plan is worked out again.
            let done = try #require(first.steps.first)
            let measured = try #require(service.catalog[done.actionID])
            try await service.recordMeasurements(
                "contoso",
                [
                    ActionMeasurement(
                        actionID: done.actionID,
                        result: measured.scoringMethod == .partial
                            ? .counted(achieved: 4, total: 4) : .implemented(true)
                    )
                ],
                actor: "sensor"
            )
            let after = try await service.currentReport("contoso")
            let again = service.whatIfPlan("contoso", report: after, targetPercentage: 40)
            #expect(again == fresh(after, 40))
            #expect(!again.steps.contains { $0.actionID == done.actionID })
        }
    }

    /// A report read again comes from what was worked out for the same stored days and log; a
    /// loss written today, or a change-log entry alone, is in the next report at once.
    @Test(arguments: TestDatabase.available)
    func aReportsPeriodWorkFollowsEveryWrite(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let today = CivilDay(TestDatabase.clock.now())
            _ = try await service.seedDemo(endDay: today, days: 40)
            let period = DayInterval(from: today.adding(days: -30), to: today)
            func fresh() async throws -> DerivedMemo.PeriodWork {
                let moves = try await service.store.periodMoves("contoso", from: period.from, to: period.to)
                return try await service.periodWork("contoso", period: period, moves: moves)
            }
            func matches(_ report: OrganizationReport, _ work: DerivedMemo.PeriodWork) -> Bool {
                report.change?.pointsRegressed == work.changes.pointsRegressed
                    && report.change?.actionsRegressed == work.changes.actionsRegressed
                    && report.regressions.map(\.actionID) == OrganizationReport.kept(work.regressions).map(\.actionID)
            }
            let first = try await service.organizationReport("contoso", period: period)
            #expect(matches(first, try await fresh()))
            #expect(try await service.organizationReport("contoso", period: period) == first)

            // Every point of an earned action lost today.
            let current = try await service.currentReport("contoso")
            let earned = try #require(current.actions.first { $0.points > 1 && $0.action.scoringMethod == .binary })
            try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: earned.action.id, result: .implemented(false))],
                actor: "sensor"
            )
            let after = try await service.organizationReport("contoso", period: period)
            #expect(matches(after, try await fresh()))
            #expect(after.regressions.contains { $0.actionID == earned.action.id && $0.day == today })
            #expect((after.change?.pointsRegressed ?? 0) > (first.change?.pointsRegressed ?? 0))
        }
    }

    /// Cohort averages of sealed days are kept by range; a range that reaches a newly sealed day
    /// is another range, read from the cells.
    @Test(arguments: TestDatabase.available)
    func sealedCohortDaysAreTheStoredOnes(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(TestDatabase.clock.now())
        try await database.withRuntime(clock: PostureClock { instant.withLockedValue { $0 } }) { runtime in
            let service = runtime.service
            let today = CivilDay(instant.withLockedValue { $0 })
            _ = try await service.seedDemo(endDay: today, days: 30, peers: 6)
            let everyone = CustomComparison()
            let from = today.adding(days: -20)
            let first = try await service.cohortDays(everyone, from: from, to: today)
            let sealed = try await service.store.sealedCohortDays(everyone, from: from, to: today.adding(days: -1))
            #expect(!sealed.isEmpty)
            #expect(first.filter { $0.day < today } == sealed)
            #expect(try await service.cohortDays(everyone, from: from, to: today) == first)

            // A day later, yesterday is sealed too and read from its cells.
            instant.withLockedValue { $0 += 86_400 }
            let next = try await service.cohortDays(everyone, from: from, to: today.adding(days: 1))
            #expect(
                next.filter { $0.day <= today }
                    == (try await service.store.sealedCohortDays(everyone, from: from, to: today))
            )
            #expect(next.contains { $0.day == today })
        }
    }

    @Test func heldForAtMostCapacityOrganizations() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            try await runtime.service.createOrganization(
                Organization(id: "contoso", displayName: "Contoso"),
                actor: "test"
            )
            let report = try await runtime.service.currentReport("contoso")
            let memo = DerivedMemo(capacity: 2)
            for id in ["a", "b", "c", "d", "e"] {
                let plan = memo.plan(OrganizationID(id), report: report, targetPercentage: 90, weights: .default)
                #expect(plan == WhatIfPlanner.plan(report: report, targetPercentage: 90, weights: .default))
                #expect(memo.size <= 2)
            }
        }
    }
}
