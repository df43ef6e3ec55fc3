import FluentKit
import Foundation
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Sealed comparison days on both databases: written once, and left alone by everything that
/// later changes the snapshots behind them.
@Suite struct CohortSealingStoreTests {
    @Test(arguments: TestDatabase.available)
    func sealedDaysNeverChange(database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let lastDay = CivilDay(TestDatabase.clock.now()).adding(days: -1)
            let generated = GeneratedHistory(organizations: 200, days: 20, lastDay: lastDay, catalog: service.catalog)
            try await generated.store(in: service.store)
            let filters = [CustomComparison()] + SeatBand.allCases.map(\.comparison)
            func read() async throws -> [[CohortDay]] {
                var all: [[CohortDay]] = []
                for filter in filters {
                    all.append(try await service.cohortDays(filter, from: generated.firstDay, to: lastDay))
                }
                return all
            }
            let sealed = try await read()
            #expect(try await service.store.cohortSealedThrough() == lastDay)
            let reference = filters.map { Comparisons.cohortDays(generated.cohortMembers, filter: $0) }
            #expect(sealed.map(\.count) == reference.map(\.count))
            #expect(
                zip(sealed.joined(), reference.joined()).allSatisfy {
                    abs($0.averagePercentage - $1.averagePercentage) < 1e-9
                }
            )
            let published = try #require(filters.indices.first { sealed[$0].last?.day == lastDay })

            // Deleting organizations, and rewriting a sealed day's snapshots, change no sealed day.
            for member in generated.members.prefix(8) {
                #expect(try await service.deleteOrganization(OrganizationID(member.organization.id), actor: "test"))
            }
            let rewritten = generated.members[10].snapshots.last!
            var doubled = rewritten
            doubled.score = rewritten.maxScore
            try await service.store.replaceSnapshot(doubled, at: TestDatabase.clock.now())
            #expect(try await read() == sealed)

            // Today, still open, shows the last sealed day.
            let today = CivilDay(TestDatabase.clock.now())
            let open = try await service.cohortDays(filters[published], from: lastDay, to: today)
            #expect(open.map(\.day) == [lastDay, today])
            #expect(open.first?.averagePercentage == open.last?.averagePercentage)
        }
    }

    /// A process that has seen the cells sealed through yesterday does not ask again that day,
    /// and still seals the day that closes when the day turns.
    @Test(arguments: TestDatabase.available)
    func theDayThatClosesIsSealedThoughTheLastSealWasRemembered(database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(TestDatabase.clock.now())
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            let today = CivilDay(clock.now())
            let generated = GeneratedHistory(
                organizations: 12,
                days: 6,
                lastDay: today.adding(days: -1),
                catalog: service.catalog
            )
            try await generated.store(in: service.store)
            let all = CustomComparison()
            _ = try await service.cohortDays(all, from: generated.firstDay, to: today)
            #expect(service.memo.cohortsSealedThrough == today.adding(days: -1))

            instant.withLockedValue { $0 = $0.addingTimeInterval(86_400) }
            _ = try await service.cohortDays(all, from: generated.firstDay, to: today.adding(days: 1))
            #expect(try await service.store.cohortSealedThrough() == today)
            #expect(service.memo.cohortsSealedThrough == today)
        }
    }
}
