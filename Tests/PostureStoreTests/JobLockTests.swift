import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Two nodes on one database: while one holds the sync lock, the other's sync does nothing.
@Suite struct JobLockTests {
    @Test(arguments: TestDatabase.available)
    func onlyOneNodeSyncsAtATime(_ database: TestDatabase) async throws {
        try await database.withRuntime { first in
            // A second node: its own application and connection pool on the same database.
            let second: PostureRuntime
            if database == .postgres {
                second = try await buildApplication(
                    database.configuration(),
                    clock: TestDatabase.clock,
                    migrate: false
                )
            } else {
                second = first
            }
            try await first.service.store.createOrganization(
                Organization(id: "contoso", displayName: "Contoso"),
                at: Date(iso8601: "2026-11-01")!
            )
            let held = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await first.service.store.withJobLock("posture.sync") {
                    held.continuation.yield()
                    for await _ in release.stream { break }
                    return true
                }
            }
            for await _ in held.stream { break }
            let blocked = try await second.service.sync(day: CivilDay("2026-11-28")!)
            #expect(blocked.ran == false && blocked.snapshotsWritten == 0)
            release.continuation.yield()
            #expect(try await holder.value == true)
            let free = try await second.service.sync(day: CivilDay("2026-11-28")!)
            #expect(free.ran && free.snapshotsWritten == 1)
            if database == .postgres { try await second.shutdown() }
        }
    }
}
