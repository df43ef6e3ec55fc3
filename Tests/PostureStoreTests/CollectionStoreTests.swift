import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Collection leases and records on both databases: of several nodes exactly one takes a due
/// connection, a lease nobody renews expires, a lost lease writes nothing, and "Refresh now"
/// during a run survives the run's end.
@Suite struct CollectionStoreTests {
    static let start = TestDatabase.clock.now()

    static func connect(_ service: PostureService, _ ids: [String], at instant: Date) async throws {
        for id in ids {
            try await service.store.createOrganization(Organization(id: id, displayName: id), at: instant)
            _ = try await service.setConnection(
                OrganizationID(id),
                ConnectionStoreTests.settings,
                credential: .secret("s"),
                actor: "test"
            )
        }
    }

    @Test(arguments: TestDatabase.available)
    func leasesGoToOneHolderAndExpire(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.store
            let ids = (1...12).map { String(format: "org%02d", $0) }
            try await Self.connect(runtime.service, ids, at: Self.start)
            let now = Self.start.addingTimeInterval(1)
            let lease = now.addingTimeInterval(90)
            // Three nodes at once, each asking for up to five: every connection goes to exactly one.
            async let a = store.claimDueCollections(at: now, holder: "a", leaseUntil: lease, limit: 5)
            async let b = store.claimDueCollections(at: now, holder: "b", leaseUntil: lease, limit: 5)
            async let c = store.claimDueCollections(at: now, holder: "c", leaseUntil: lease, limit: 5)
            let taken = try await [a, b, c]
            let all = taken.flatMap { $0 }.map(\.rawValue)
            #expect(all.count == 12 && Set(all) == Set(ids), "\(taken)")
            #expect(taken.allSatisfy { $0.count <= 5 })
            // Nothing is left while the leases live.
            #expect(try await store.claimDueCollections(at: now, holder: "d", leaseUntil: lease, limit: 5).isEmpty)
            // A holder that is gone: its leases expire and another node takes them.
            let later = lease.addingTimeInterval(1)
            let retaken = try await store.claimDueCollections(
                at: later,
                holder: "d",
                leaseUntil: later.addingTimeInterval(90),
                limit: 20
            )
            #expect(Set(retaken.map(\.rawValue)) == Set(ids))
            // The old holder can neither renew nor finish.
            let first = try #require(taken.first { !$0.isEmpty }?.first)
            let oldHolder = ["a", "b", "c"][taken.firstIndex { $0.contains(first) }!]
            #expect(try await !store.renewCollectionLease(first, holder: oldHolder, until: later + 300))
            let outcome = CollectionOutcome(startedAt: now, finishedAt: later, resourcesCollected: 9)
            #expect(
                try await !store.finishCollection(
                    first,
                    holder: oldHolder,
                    outcome: outcome,
                    consecutiveFailures: 0,
                    nextRunAt: later + 3600
                )
            )
            #expect(try await store.connection(first)?.collection.lastSuccessAt == nil)
            #expect(try await store.renewCollectionLease(first, holder: "d", until: later + 300))
            // An orderly stop hands everything back at once.
            #expect(try await store.releaseCollectionLeases(holder: "d") == 12)
            #expect(
                try await store.claimDueCollections(at: later, holder: "e", leaseUntil: later + 90, limit: 50).count
                    == 12
            )
        }
    }

    @Test(arguments: TestDatabase.available)
    func finishingRecordsTheAttemptAndARefreshDuringItStands(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.store
            try await Self.connect(runtime.service, ["contoso", "fabrikam"], at: Self.start)
            let t1 = Self.start.addingTimeInterval(10)
            let claimed = try await store.claimDueCollections(at: t1, holder: "n", leaseUntil: t1 + 90, limit: 2)
            #expect(claimed.map(\.rawValue) == ["contoso", "fabrikam"])
            let running = try #require(try await store.connection("contoso"))
            #expect(running.collection.isRunning(at: t1) && running.collection.lastAttemptAt == t1)

            // contoso succeeds with one resource refused; fabrikam fails, and someone presses
            // "Refresh now" for it while it runs.
            let t2 = t1.addingTimeInterval(42)
            let success = CollectionOutcome(
                startedAt: t1,
                finishedAt: t2,
                resourcesCollected: 17,
                resourcesFailed: ["sharepointSettings": "HTTP 403: denied"],
                measured: 12
            )
            #expect(
                try await store.finishCollection(
                    "contoso",
                    holder: "n",
                    outcome: success,
                    consecutiveFailures: 0,
                    nextRunAt: t2 + 21_600
                )
            )
            #expect(try await store.requestCollection("fabrikam", at: t1 + 20))
            let failure = CollectionOutcome(
                startedAt: t1,
                finishedAt: t2,
                problem: "cannot get a Graph token: AADSTS7000215"
            )
            #expect(
                try await store.finishCollection(
                    "fabrikam",
                    holder: "n",
                    outcome: failure,
                    consecutiveFailures: 1,
                    nextRunAt: t2 + 300
                )
            )
            let contoso = try #require(try await store.connection("contoso")).collection
            #expect(contoso.lastSuccessAt == t2 && contoso.lastFinishedAt == t2 && contoso.lastDuration == 42)
            #expect(contoso.nextRunAt == t2 + 21_600 && contoso.leaseExpiresAt == nil)
            #expect(contoso.resourcesCollected == 17 && contoso.measured == 12 && contoso.lastProblem == nil)
            #expect(contoso.resourcesFailed == ["sharepointSettings": "HTTP 403: denied"])
            let fabrikam = try #require(try await store.connection("fabrikam")).collection
            #expect(fabrikam.consecutiveFailures == 1 && fabrikam.lastSuccessAt == nil)
            #expect(fabrikam.lastProblem == "cannot get a Graph token: AADSTS7000215")
            #expect(fabrikam.nextRunAt == t1 + 20, "the refresh pressed during the run stands")

            // A later failure keeps the last success; a later success clears the problem.
            let t3 = t2 + 21_600
            _ = try await store.claimDueCollections(at: t3, holder: "m", leaseUntil: t3 + 90, limit: 5)
            let throttled = CollectionOutcome(startedAt: t3, finishedAt: t3 + 5, problem: "HTTP 429", retryAfter: 120)
            #expect(
                try await store.finishCollection(
                    "contoso",
                    holder: "m",
                    outcome: throttled,
                    consecutiveFailures: 1,
                    nextRunAt: t3 + 300
                )
            )
            let after = try #require(try await store.connection("contoso")).collection
            #expect(after.lastSuccessAt == t2 && after.lastProblem == "HTTP 429" && after.resourcesFailed.isEmpty)
            #expect(try await store.requestCollection("nowhere", at: t3) == false)
        }
    }
}
