import FluentKit
import Foundation
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Every metric of the history and trends pages on a generated history of many organizations,
/// on both databases, checked against the pure computations of PostureCore.
@Suite struct TrendStoreTests {
    static let lastDay = CivilDay("2026-11-27")!

    @Test(arguments: TestDatabase.available)
    func metricsOnAYearOfManyOrganizations(database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let generated = GeneratedHistory(
                organizations: 200,
                days: 365,
                lastDay: Self.lastDay,
                catalog: service.catalog
            )
            try await generated.store(in: service.store)
            let year = DayInterval(from: generated.firstDay, to: generated.lastDay)
            let members = generated.cohortMembers

            // The cohort aggregate in SQL equals the in-memory reference, for every kind of filter.
            var filters = SeatBand.allCases.map(\.comparison)
            filters += [
                CustomComparison(industry: "finance"), CustomComparison(region: "EU", minSeats: 501, maxSeats: 5000),
                CustomComparison(industry: "Healthcare", region: "us"), CustomComparison(industry: "Retail"),
            ]
            for filter in filters {
                let stored = try await service.cohortDays(filter, from: year.from, to: year.to)
                let expected = Comparisons.cohortDays(members, filter: filter)
                #expect(stored.count == expected.count, "\(filter)")
                for (got, want) in zip(stored, expected) {
                    #expect(got.day == want.day && got.organizations == want.organizations, "\(filter) \(want.day)")
                    #expect(abs(got.averagePercentage - want.averagePercentage) < 1e-9)
                    for (a, b) in zip(got.categories, want.categories) {
                        #expect(a.category == b.category && abs(a.averageScore - b.averageScore) < 1e-9)
                        #expect(abs(a.averageMaxScore - b.averageMaxScore) < 1e-9)
                    }
                }
            }

            // A small band is never shown; a large one is, next to the organization's own line.
            let alone = try await service.comparisonTrend("gen-0000", year)
            #expect(alone.seatBand == .above10000)
            #expect(alone.seatBandPoints.count == 365)
            #expect(alone.seatBandPoints.allSatisfy { !$0.enoughOrganizations && $0.averagePercentage == nil })
            let member = try #require(generated.members.first { $0.organization.id == "gen-0001" })
            let crowded = try await service.comparisonTrend("gen-0001", year)
            #expect(crowded.seatBandPoints.allSatisfy { $0.enoughOrganizations && $0.averagePercentage != nil })
            #expect(crowded.seatBandPoints.map(\.percentage) == member.snapshots.map { Optional($0.percentage) })
            #expect(crowded.custom == nil)
            try await service.setCustomComparison(
                "gen-0001",
                CustomComparison(industry: "Finance", region: "US"),
                actor: "test"
            )
            let custom = try await service.comparisonTrend("gen-0001", year)
            let reference = Comparisons.cohortDays(members, filter: CustomComparison(industry: "Finance", region: "US"))
            #expect(custom.customPoints?.compactMap(\.averagePercentage).count == reference.count)
            #expect(
                zip(custom.customPoints?.compactMap(\.averagePercentage) ?? [], reference.map(\.averagePercentage))
                    .allSatisfy { abs($0 - $1) < 1e-9 }
            )

            // Score series, regressions, risk acceptance and score changes of one organization.
            let (series, _) = try await service.history("gen-0001", year, category: nil)
            #expect(series.map(\.score) == member.snapshots.map(\.score))
            let identity = try await service.history("gen-0001", year, category: .identity).series
            #expect(
                identity.map(\.score)
                    == member.snapshots.map { $0.categories.first { $0.category == .identity }!.score }
            )
            let regressions = try await service.regressionTrend("gen-0001", year, category: nil)
            let expected = Trends.regressions(member.snapshots, changes: [], catalog: service.catalog)
            #expect(regressions.regressions == expected.regressions)
            #expect(!regressions.regressions.isEmpty, "the generator drops points now and then")
            let changes = try await service.scoreChanges("gen-0001", year)
            #expect(abs(changes.pointsGained - changes.pointsRegressed - changes.netChange) < 1e-9)
            #expect(abs(changes.pointsRegressed - regressions.totalPointsLost) < 1e-9)
            let accepted = try await service.riskAcceptanceTrend("gen-0007", year)
            let acceptedMember = try #require(generated.members.first { $0.organization.id == "gen-0007" })
            #expect(accepted == Trends.riskAcceptance(acceptedMember.snapshots))
            #expect(accepted.contains { $0.actions > 0 } && accepted.contains { $0.actions == 0 })

            // A sub-range takes the day before as its baseline: a loss on the first day counts.
            let firstLoss = try #require(regressions.regressions.first)
            let single = DayInterval(from: firstLoss.day, to: firstLoss.day)
            let oneDay = try await service.regressionTrend("gen-0001", single, category: nil)
            #expect(oneDay.regressions.contains(firstLoss))
        }
    }

    @Test(arguments: TestDatabase.available)
    func expiringExceptionsReopenInTheSyncOfTheirDay(database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-10T12:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "acme", displayName: "Acme"), actor: "test")
            try await service.recordMeasurements(
                "acme",
                [ActionMeasurement(actionID: "SelfServicePasswordReset", result: .implemented(false))],
                actor: "sensor"
            )
            try await service.setStatus(
                "acme",
                StatusRecord(
                    actionID: "SelfServicePasswordReset",
                    status: .resolvedThirdParty,
                    note: "Okta",
                    expiresAt: Date(iso8601: "2026-11-11T09:00:00Z")!
                ),
                actor: "ana"
            )
            _ = try await service.sync(day: CivilDay("2026-11-10")!)
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-11T23:00:00Z")! }
            _ = try await service.sync(day: CivilDay("2026-11-11")!)
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-12T23:00:00Z")! }
            _ = try await service.sync(day: CivilDay("2026-11-12")!)

            let entries = try await service.store.changes("acme", actionID: "SelfServicePasswordReset")
            let expiries = entries.filter { $0.cause?.kind == .exceptionExpired }
            #expect(expiries.map(\.kind) == [.statusChanged, .pointsLost], "logged once, by the sync of the 11th")
            #expect(
                expiries.allSatisfy { $0.actor == "system" && $0.occurredAt == Date(iso8601: "2026-11-11T09:00:00Z")! }
            )
            let range = DayInterval(from: CivilDay("2026-11-10")!, to: CivilDay("2026-11-12")!)
            let history = try await service.history("acme", range, category: nil)
            #expect(history.actionsTaken.contains { $0.detail.contains("exception expired") })
            #expect(history.series.map(\.score)[1] < history.series.map(\.score)[0])
            let regressions = try await service.regressionTrend("acme", range, category: nil)
            #expect(regressions.regressions.map(\.cause.kind) == [.exceptionExpired])
            #expect(regressions.regressions.first?.day == CivilDay("2026-11-11"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func recomputeReportsAndAppliesOnlyWhenAsked(database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.seedDemo(endDay: CivilDay("2026-11-27")!, days: 30)
            let before = try await service.store.snapshots("contoso")
            let unchanged = try await service.recompute(
                "contoso",
                from: CivilDay("2026-11-01")!,
                apply: false,
                actor: "t"
            )
            #expect(unchanged.count == 27 && unchanged.allSatisfy { !$0.changed }, "same rules, same scores")

            // A new catalog release halves AdminMFAV2.
            var actions = service.catalog.actions
            let index = try #require(actions.firstIndex { $0.id == "AdminMFAV2" })
            actions[index].maxScore /= 2
            let newer = PostureService(
                store: service.store,
                catalog: Catalog(version: "2027.1.0", actions: actions),
                clock: service.clock
            )
            let dryRun = try await newer.recompute("contoso", from: CivilDay("2026-11-20")!, apply: false, actor: "t")
            #expect(dryRun.count == 8 && dryRun.allSatisfy(\.changed))
            #expect(dryRun.allSatisfy { $0.differences.contains { $0.actionID == "AdminMFAV2" } })
            #expect(try await service.store.snapshots("contoso") == before, "a dry run writes nothing")

            let applied = try await newer.recompute(
                "contoso",
                from: CivilDay("2026-11-20")!,
                apply: true,
                actor: "admin"
            )
            let after = try await service.store.snapshots("contoso")
            let rewritten = after.filter { $0.day >= CivilDay("2026-11-20")! }
            #expect(rewritten.count == 8 && rewritten.allSatisfy { $0.catalogVersion == "2027.1.0" })
            #expect(zip(rewritten, applied.reversed()).allSatisfy { $0.score == $1.recomputed.score })
            #expect(
                after.filter { $0.day < CivilDay("2026-11-20")! } == before.filter { $0.day < CivilDay("2026-11-20")! }
            )
            let audit = try await service.store.auditEntries(organizationID: "contoso")
            #expect(audit.last?.action == "history.recompute" && audit.last?.actor == "admin")
            // The version change shows as its own cause in the regression trend.
            let trend = try await newer.regressionTrend(
                "contoso",
                DayInterval(from: CivilDay("2026-11-20")!, to: CivilDay("2026-11-20")!),
                category: nil
            )
            #expect(
                trend.regressions.contains { $0.actionID == "AdminMFAV2" && $0.cause.kind == .catalogOrModelChange }
            )
            let again = try await newer.recompute("contoso", from: CivilDay("2026-11-20")!, apply: true, actor: "admin")
            #expect(again.allSatisfy { !$0.changed }, "applying twice changes nothing more")
        }
    }

    @Test(arguments: TestDatabase.available)
    func zonesAndComparisonsAreStoredAndAudited(database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "acme", displayName: "Acme"), actor: "test")
            #expect(try await service.zones("acme") == .default)
            let zones = try ScoreZones(ranges: [
                .init(zone: .bad, from: 0, to: 50), .init(zone: .okay, from: 50, to: 85),
                .init(zone: .good, from: 85, to: 100),
            ])
            try await service.setZones("acme", zones, actor: "ana")
            #expect(try await service.zones("acme") == zones)
            try await service.setZones("acme", nil, actor: "ana")
            #expect(try await service.zones("acme") == .default)
            let comparison = CustomComparison(industry: "Finance", minSeats: 100)
            try await service.setCustomComparison("acme", comparison, actor: "ana")
            #expect(try await service.customComparison("acme") == comparison)
            let actions = try await service.store.auditEntries(organizationID: "acme").map(\.action)
            #expect(actions.filter { $0 == "zones.set" }.count == 2 && actions.contains("comparison.set"))
            // Deleting the organization deletes its settings: a new one under the id starts fresh.
            _ = try await service.deleteOrganization("acme", actor: "test")
            try await service.createOrganization(Organization(id: "acme", displayName: "Acme"), actor: "test")
            #expect(try await service.customComparison("acme") == nil)
        }
    }
}
