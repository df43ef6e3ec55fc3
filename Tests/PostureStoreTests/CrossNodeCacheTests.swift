import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Two nodes on one PostgreSQL: a write on one moves the other's data stamp (LISTEN/NOTIFY), so
/// neither serves a cached response older than the data.
@Suite struct CrossNodeCacheTests {
    /// Another node on the same PostgreSQL database as the test's runtime.
    static func secondNode() async throws -> PostureRuntime {
        try await buildApplication(TestDatabase.postgres.configuration(), clock: TestDatabase.clock, migrate: false)
    }

    @Test func aWriteOnOneNodeReachesTheOther() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        try await TestDatabase.postgres.withRuntime { first in
            let second = try await Self.secondNode()
            try await first.boot()
            try await second.boot()
            func stampOf(_ runtime: PostureRuntime) async throws -> UInt64 {
                for _ in 0..<100 {
                    if let stamp = runtime.dataStamp?.read(nil) { return stamp }
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
                throw CancellationError()
            }
            let before = try await stampOf(second)
            try await first.service.store.createOrganization(Organization(id: "n1", displayName: "N1"), at: Date())
            var after = before
            for _ in 0..<100 where after == before {
                try await Task.sleep(nanoseconds: 50_000_000)
                after = try await stampOf(second)
            }
            #expect(after != before, "the second node heard of the first node's write")
            try await second.shutdown()
        }
    }

    /// Two nodes agree on today at once: after writes to one organization from both nodes at the
    /// same time, each node reads back every write, in the score and in today's snapshot.
    @Test func nodesAgreeOnTodayRightAfterWritesOnEither() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        try await TestDatabase.postgres.withRuntime { first in
            let second = try await Self.secondNode()
            let today = CivilDay(TestDatabase.clock.now())
            try await first.service.store.createOrganization(
                Organization(id: "shared", displayName: "Shared"),
                at: Date(iso8601: "2026-11-01")!
            )
            let actions = ["AdminMFAV2", "BlockLegacyAuthentication", "MFARegistrationV2", "PWAgePolicyNew"]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, action) in actions.enumerated() {
                    let node = index % 2 == 0 ? first : second
                    group.addTask {
                        try await node.service.recordMeasurements(
                            "shared",
                            [ActionMeasurement(actionID: action, result: .counted(achieved: index + 1, total: 10))],
                            actor: "node\(index % 2)"
                        )
                    }
                }
                try await group.waitForAll()
            }
            for node in [first, second] {
                let report = try await node.service.currentReport("shared")
                #expect(Set(report.actions.filter(\.hasData).map(\.action.id)) == Set(actions))
                let snapshot = try #require(try await node.service.store.snapshot("shared", day: today))
                #expect(abs(snapshot.score - report.currentScore) < 1e-9, "today's snapshot holds every write")
            }
            try await second.shutdown()
        }
    }
}
