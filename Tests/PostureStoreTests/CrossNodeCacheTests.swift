import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

/// Two nodes on one PostgreSQL: a write on one moves the other's data stamp (LISTEN/NOTIFY), so
/// neither serves a cached response older than the data.
@Suite struct CrossNodeCacheTests {
    @Test func aWriteOnOneNodeReachesTheOther() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        try await TestDatabase.postgres.withRuntime { first in
            let second = try await buildApplication(
                TestDatabase.postgres.configuration(),
                clock: TestDatabase.clock,
                migrate: false
            )
            try await first.boot()
            try await second.boot()
            func stampOf(_ runtime: PostureRuntime) async throws -> UInt64 {
                for _ in 0..<100 {
                    if let stamp = runtime.dataStamp?.read() { return stamp }
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
}
