import Foundation
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import PostureTestSupport
import Testing
import Vapor

/// Graph's newest entry (`$top=1`) from the stored state is, byte for byte, the entry the general
/// path builds from today's snapshot, on both databases; when the stored state cannot answer alone
/// (no snapshot today yet) the general path answers.
@Suite struct GraphNewestAPITests {
    static let newest = "/v1.0/security/secureScores?$top=1"
    /// The same question through the general path: an order sends it there.
    static let general = "/v1.0/security/secureScores?$top=1&$orderby=createdDateTime%20desc"

    static func write(_ harness: APIHarness, _ token: String, achieved: Int) async throws {
        let response = try await harness.send(
            .PUT,
            "/api/v1/organizations/contoso/measurements",
            token: token,
            json: #"{"measurements":[{"actionId":"AdminMFAV2","achieved":\#(achieved),"total":6}]}"#
        )
        #expect(response.status == .ok, "\(response.body)")
    }

    @Test(arguments: TestDatabase.available)
    func theStoredNewestEntryIsTheGeneralOne(_ database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let reader = try await harness.token()
            let writer = try await harness.token("contoso", .readWrite)
            for achieved in [2, 5] {
                try await Self.write(harness, writer, achieved: achieved)
                let stored = try #require(try await harness.runtime.service.newestSecureScore("contoso"))
                #expect(stored.day == CivilDay("2026-11-28"), "the stored state answers after a write")
                let fast = try await harness.send(.GET, Self.newest, token: reader)
                let general = try await harness.send(.GET, Self.general, token: reader)
                #expect(fast.status == .ok && fast.headers.contentType == .json)
                #expect(fast.body == general.body)
                let entry = try #require((try object(fast.body)["value"] as? [[String: Any]])?.first)
                #expect(entry["averageComparativeScores"] is [Any])
                let admin = try #require(
                    (entry["controlScores"] as? [[String: Any]])?.first { $0["controlName"] as? String == "AdminMFAV2" }
                )
                #expect(admin["count"] as? String == String(achieved))
                let select = "&$select=id,controlScores,averageComparativeScores"
                let selected = try await harness.send(.GET, Self.newest + select, token: reader)
                #expect(selected.body == (try await harness.send(.GET, Self.general + select, token: reader)).body)
            }
            let missing = try await harness.send(
                .GET,
                "/v1.0/security/secureScores?$top=1&organization=nobody",
                token: try await harness.token(nil)
            )
            #expect(missing.status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.available)
    func withoutASnapshotTodayTheGeneralPathAnswers(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await APIHarness.with(database: database, clock: clock) { harness in
            try await Self.write(harness, try await harness.token("contoso", .readWrite), achieved: 3)
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-29T00:20:00Z")! }
            let reader = try await harness.token()
            // The new day is rendered, but no snapshot of it exists until a write or the sync.
            _ = try await harness.runtime.service.refreshDueCurrentScores()
            #expect(try await harness.runtime.service.newestSecureScore("contoso") == nil)
            let fast = try await harness.send(.GET, Self.newest, token: reader)
            let general = try await harness.send(.GET, Self.general, token: reader)
            #expect(fast.body == general.body, "\(fast.body.prefix(300)) \(general.body.prefix(300))")
            let entry = try #require((try object(fast.body)["value"] as? [[String: Any]])?.first)
            #expect(entry["createdDateTime"] as? String == "2026-11-28T00:00:00Z")
        }
    }

    /// A clock set back: a snapshot dated after today is the newest entry, even when today's row
    /// and the stored score agree.
    @Test(arguments: TestDatabase.available)
    func aDayAfterTodayStaysTheNewest(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await APIHarness.with(database: database, clock: clock) { harness in
            let service = harness.runtime.service
            // Notes move no points: today's row, the later day's and the stored score all agree.
            func note(_ text: String) async throws {
                try await service.setStatus(
                    "contoso",
                    StatusRecord(actionID: "AdminMFAV2", status: .toAddress, note: text),
                    actor: "ana"
                )
            }
            try await Self.write(harness, try await harness.token("contoso", .readWrite), achieved: 3)
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-29T09:00:00Z")! }
            try await note("later")
            instant.withLockedValue { $0 = APIHarness.now.addingTimeInterval(60) }
            try await note("set back")
            #expect(try await harness.runtime.service.newestSecureScore("contoso") == nil)
            let reader = try await harness.token()
            let fast = try await harness.send(.GET, Self.newest, token: reader)
            #expect(fast.body == (try await harness.send(.GET, Self.general, token: reader)).body)
            let entry = try #require((try object(fast.body)["value"] as? [[String: Any]])?.first)
            #expect(entry["createdDateTime"] as? String == "2026-11-29T00:00:00Z")
        }
    }
}
