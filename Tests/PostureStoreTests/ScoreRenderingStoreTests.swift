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

/// The score's rendering stored with the current score, on both databases: every write stores
/// the rendering of what it stored, a read serves exactly the whole document of the state now, a
/// new day or a row from before the rendering is rendered again once by the scheduler's pass,
/// and a write on one node is read back at once from another.
@Suite struct ScoreRenderingStoreTests {
    /// The whole document of the current state, encoded at the reader's instant.
    static func whole(_ service: PostureService, _ id: OrganizationID) async throws -> [UInt8] {
        let organization = try await service.organization(id).organization
        return try CompactJSONEncoder.encode(
            ScoreDocument(report: try await service.currentReport(id), organization: organization)
        )
    }

    static func storedDay(_ service: PostureService, _ id: OrganizationID) async throws -> CivilDay? {
        try await service.store.scoreView(id)?.rendering?.day
    }

    static func plan(_ service: PostureService, target: String) async throws {
        try await service.setStatus(
            "contoso",
            StatusRecord(actionID: "MFARegistrationV2", status: .planned, targetDate: CivilDay(target)),
            actor: "ana"
        )
    }

    @Test(arguments: TestDatabase.available)
    func readsServeTheStoredRenderingOfEveryWrite(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T08:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(
                Organization(id: "contoso", displayName: #"Contoso "R&D""#, licensedUserCount: 120),
                actor: "test"
            )
            try await Self.plan(service, target: "2026-12-02")
            var previous: [UInt8] = []
            for step in 0..<6 {
                instant.withLockedValue { $0 = $0.addingTimeInterval(1_800) }
                try await service.recordMeasurements(
                    "contoso",
                    [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: step, total: 6))],
                    actor: "sensor"
                )
                #expect(try await Self.storedDay(service, "contoso") == CivilDay("2026-11-28"), "rendered on write")
                instant.withLockedValue { $0 = $0.addingTimeInterval(7) }
                let served = try await service.currentScoreJSON("contoso")
                #expect(served.json.joined == (try await Self.whole(service, "contoso")), "step \(step)")
                #expect(served.json.joined != previous, "step \(step): the write is in the read")
                #expect(served.validUntil == Date(iso8601: "2026-11-29T00:00:00Z")!)
                previous = served.json.joined
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aNewDayIsRenderedOnceByTheScheduler(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T22:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            try await Self.plan(service, target: "2026-11-29")
            #expect(try await service.refreshDueCurrentScores() == 0)
            // After midnight the plan's day has come: the projection must start from the new day,
            // before and after the scheduler's pass.
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-30T00:10:00Z")! }
            let before = try await service.currentScoreJSON("contoso")
            #expect(before.json.joined == (try await Self.whole(service, "contoso")))
            let document = try JSONDecoder().decode(ScoreDocument.self, from: Data(before.json.joined))
            #expect(document.projection.overdue == ["MFARegistrationV2"])
            #expect(try await Self.storedDay(service, "contoso") == CivilDay("2026-11-28"))
            #expect(try await service.refreshDueCurrentScores() == 1)
            #expect(try await service.refreshDueCurrentScores() == 0, "rendered once")
            #expect(try await Self.storedDay(service, "contoso") == CivilDay("2026-11-30"))
            #expect(try await service.currentScoreJSON("contoso").json.joined == before.json.joined)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rowsStoredBeforeTheRenderingAreServedAndRendered(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T08:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 2, total: 6))],
                actor: "sensor"
            )
            let sql = try #require(service.store.database as? any SQLDatabase)
            try await sql.raw("UPDATE current_scores SET rendered = NULL, rendered_day = NULL").run()
            #expect(
                try await service.currentScoreJSON("contoso").json.joined == (try await Self.whole(service, "contoso"))
            )
            #expect(try await service.refreshDueCurrentScores() == 1)
            #expect(try await Self.storedDay(service, "contoso") == CivilDay("2026-11-28"))
            #expect(
                try await service.currentScoreJSON("contoso").json.joined == (try await Self.whole(service, "contoso"))
            )
            await #expect(throws: ServiceError.self) { try await service.currentScoreJSON("fabrikam") }
        }
    }

    /// Two nodes on one database: a write on one is read back at once from the other, which has
    /// never seen the state before.
    @Test(arguments: TestDatabase.available)
    func aWriteOnOneNodeIsReadAtOnceOnAnother(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let other = PostureService(store: service.store, catalog: service.catalog, clock: service.clock)
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            for achieved in [1, 4, 2] {
                try await service.recordMeasurements(
                    "contoso",
                    [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: achieved, total: 6))],
                    actor: "sensor"
                )
                let json = try await other.currentScoreJSON("contoso").json.joined
                #expect(json == (try await service.currentScoreJSON("contoso").json.joined))
                let document = try JSONDecoder().decode(ScoreDocument.self, from: Data(json))
                #expect(document.actions.first { $0.id == "AdminMFAV2" }?.achieved == achieved)
                // Graph's newest entry too, though the other node holds the last one it read.
                let controls = try #require(try await other.newestSecureScore("contoso")).controlScores
                #expect(controls == (try await service.newestSecureScore("contoso"))?.controlScores)
                #expect(controls.contains(#""controlName":"AdminMFAV2","description""#))
                #expect(controls.contains(#""count":"\#(achieved)","total":"6""#))
            }
        }
    }

    /// A rendering the reader already holds is not sent again, and only under its own revision
    /// and day: another write or a new day's rendering is read afresh.
    @Test(arguments: TestDatabase.available)
    func aKnownRenderingIsNotReadAgain(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T08:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            let store = service.store
            try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "test")
            try await Self.plan(service, target: "2026-12-02")
            let stored = try #require(try await store.scoreView("contoso"))
            let key = try #require(stored.renderedKey)
            let tail = try #require(stored.rendering).tail
            let held: [UInt8] = Array(#"{"held":true}"#.utf8)
            #expect(try await store.scoreView("contoso", known: (key, held))?.rendering?.tail == held)
            var other = key
            other.revision &+= 1
            #expect(try await store.scoreView("contoso", known: (other, held))?.rendering?.tail == tail)
            other = key
            other.day = other.day.adding(days: -1)
            #expect(try await store.scoreView("contoso", known: (other, held))?.rendering?.tail == tail)

            func newest(_ known: (key: RenderedKey, controlScores: String)?) async throws -> NewestSecureScore? {
                let now = clock.now()
                guard
                    case .stored(let newest) = try await store.newestSecureScore(
                        "contoso",
                        today: CivilDay(now),
                        rulesKey: service.rulesKey,
                        now: now,
                        known: known
                    )
                else { return nil }
                return newest
            }
            let controls = try #require(try await newest(nil))
            #expect(controls.renderedKey == key)
            #expect(try await newest((key, "[]"))?.controlScores == "[]")
            #expect(try await newest((other, "[]"))?.controlScores == controls.controlScores)

            // The service's reads hold what they read, and a write replaces it.
            let before = try await service.currentScoreJSON("contoso").json.joined
            #expect(service.renderings.document("contoso")?.key == key)
            #expect(try await service.newestSecureScore("contoso")?.controlScores == controls.controlScores)
            #expect(service.renderings.controlScores("contoso")?.key == key)
            try await service.recordMeasurements(
                "contoso",
                [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 3, total: 6))],
                actor: "sensor"
            )
            // The write holds what it stored: the read after it need not read it back.
            let written = try #require(try await store.scoreView("contoso")?.renderedKey)
            #expect(service.renderings.document("contoso")?.key == written)
            #expect(service.renderings.controlScores("contoso")?.key == written)
            let after = try await service.currentScoreJSON("contoso").json.joined
            #expect(after != before)
            #expect(after == (try await Self.whole(service, "contoso")))
            #expect(service.renderings.document("contoso")?.key != key)
        }
    }
}
