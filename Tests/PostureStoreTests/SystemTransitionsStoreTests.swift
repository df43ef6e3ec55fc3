import FluentKit
import Foundation
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// What the data or time changes is recorded as the system's doing, on both databases: a
/// regression and an expired exception end the status history with `toAddress`, and the system's
/// own note is never shown or offered as a person's.
@Suite struct SystemTransitionsStoreTests {
    @Test(arguments: TestDatabase.available)
    func regressionsAndExpiriesEndTheHistoryWithTheStateInForce(_ database: TestDatabase) async throws {
        let instant = NIOLockedValueBox(Date(iso8601: "2026-11-28T12:00:00Z")!)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock) { runtime in
            let service = runtime.service
            try await service.store.createOrganization(
                Organization(id: "contoso", displayName: "Contoso"),
                at: Date(iso8601: "2026-11-01")!
            )
            let action = "BlockLegacyAuthentication"
            for done in [true, false] {
                try await service.recordMeasurements(
                    "contoso",
                    [ActionMeasurement(actionID: action, result: .implemented(done))],
                    actor: "sensor"
                )
            }
            let history = try await service.store.statusHistory("contoso", actionID: ActionID(action))
            #expect(history.map(\.status) == [.completed, .toAddress])
            #expect(history.last?.setBy == StatusRecord.system && history.last?.note == nil)
            let report = try await service.currentReport("contoso")
            let document = try #require(
                ScoreDocument(report: report, organization: nil).actions.first { $0.id == action }
            )
            #expect(document.status == "toAddress" && document.regressed)
            #expect(document.setStatus == nil, "nobody set completed: the system did")
            #expect(document.note == nil, "the system's note is not shown as someone's")

            // An exception that expires reopens in the next day's snapshot and in the history.
            let expiry = Date(iso8601: "2026-11-29T06:00:00Z")!
            try await service.setStatus(
                "contoso",
                StatusRecord(actionID: "OneAdmin", status: .riskAccepted, note: "CISO accepts", expiresAt: expiry),
                actor: "ana"
            )
            instant.withLockedValue { $0 = Date(iso8601: "2026-11-29T12:00:00Z")! }
            _ = try await service.sync(day: CivilDay("2026-11-29")!)
            let reopened = try await service.store.statusHistory("contoso", actionID: "OneAdmin")
            #expect(reopened.map(\.status) == [.riskAccepted, .toAddress])
            #expect(reopened.last?.setBy == StatusRecord.system && reopened.last?.setAt == expiry)
            #expect(reopened.first?.note == "CISO accepts", "the person's note stays in the history")
        }
    }
}
