import Foundation
import PostureCatalog
import PostureCore
import Testing

@testable import PostureStore

/// The stored current score is written by the one-pass encoder and read by Foundation's decoder:
/// what is read back is what was written, and documents written by Foundation's encoder (rows
/// from earlier releases) read as before.
@Suite struct CurrentScoreCodingTests {
    static func document() throws -> CurrentScore {
        let catalog = try CatalogLoader.builtIn()
        let at = Date(timeIntervalSince1970: 1_796_000_000.375)
        let measurements = [
            ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 3, total: 7), observedAt: at),
            ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(false), observedAt: at),
        ]
        let statuses = [
            StatusRecord(
                actionID: "BlockLegacyAuthentication",
                status: .riskAccepted,
                note: "Until the \"old\" printers go",
                expiresAt: at.addingTimeInterval(86_400.5)
            )
        ]
        let report = ScoringEngine(catalog: catalog).score(measurements: measurements, statuses: statuses, asOf: at)
        return CurrentScore(report: report, measurements: measurements, rulesKey: "rules")
    }

    @Test func whatIsWrittenIsReadBack() throws {
        let document = try Self.document()
        let text = CurrentScoreCoding.encode(document)
        #expect(try CurrentScoreCoding.decode(text) == document)
        #expect(text.contains("1796000000.375") == false, "dates are seconds since 2001, as before")
        #expect(text.contains(String(document.validUntil!.timeIntervalSinceReferenceDate)))
    }

    @Test func documentsWrittenByFoundationReadAsBefore() throws {
        let document = try Self.document()
        let earlier = String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
        #expect(try CurrentScoreCoding.decode(earlier) == document)
    }
}
