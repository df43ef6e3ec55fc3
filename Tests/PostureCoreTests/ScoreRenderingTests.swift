import Foundation
import PostureCore
import PropertyBased
import Testing

/// A score rendered when its state is stored gives, at any instant of its day, exactly the bytes
/// of the whole document encoded at that instant; on another day it gives nothing.
@Suite struct ScoreRenderingTests {
    static let organization = Organization(
        id: "contoso",
        displayName: #"Contoso "R&D" <EU>"#,
        licensedUserCount: 120,
        industry: "Finance"
    )

    static func whole(_ report: ScoreReport) throws -> [UInt8] {
        try CompactJSONEncoder.encode(ScoreDocument(report: report, organization: organization))
    }

    static func rendering(_ stored: CurrentScore, _ report: ScoreReport) -> ScoreRendering {
        let snapshot = stored.snapshot(
            of: organization,
            day: CivilDay(report.asOf),
            catalog: Fixtures.catalog,
            filled: false
        )
        return ScoreRendering(report: report, snapshot: snapshot, catalog: Fixtures.catalog)
    }

    @Test func theBodyIsTheWholeDocumentAtAnyInstantOfItsDay() async {
        let instants = Gen.int(in: -43_200...43_199)
        await propertyCheck(count: 200, input: zip(RandomState.generator, instants)) { rows, offset in
            var (measurements, statuses) = RandomState.build(rows)
            // A dated plan, so the projection has points that start from the day.
            statuses.removeAll { $0.actionID == "Legacy" }
            statuses.append(StatusRecord(actionID: "Legacy", status: .planned, targetDate: CivilDay("2026-12-15")))
            let report = Fixtures.score(measurements, statuses)
            let stored = CurrentScore(report: report, measurements: measurements, rulesKey: "rules")
            let rendering = Self.rendering(stored, report)
            #expect(rendering.day == CivilDay(report.asOf))
            let asOf = report.asOf.addingTimeInterval(Double(offset))
            let later = try #require(stored.report(catalog: Fixtures.catalog, asOf: asOf))
            #expect(rendering.document.body(organization: Self.organization, asOf: asOf) == (try Self.whole(later)))
            #expect(
                rendering.document.body(organization: Self.organization, asOf: report.asOf.addingTimeInterval(43_200))
                    == nil
            )
            #expect(
                rendering.document.body(organization: Self.organization, asOf: report.asOf.addingTimeInterval(-43_201))
                    == nil
            )
        }
    }

    @Test func theNextDaysProjectionDiffers() throws {
        let report = Fixtures.score(
            [Fixtures.binary("Legacy", false)],
            [StatusRecord(actionID: "Legacy", status: .planned, targetDate: CivilDay("2026-11-30"))]
        )
        let stored = CurrentScore(report: report, measurements: [], rulesKey: "rules")
        let rendering = Self.rendering(stored, report)
        // Two days on the plan is overdue: a rendering kept past its day would say otherwise.
        let next = try #require(
            stored.report(catalog: Fixtures.catalog, asOf: report.asOf.addingTimeInterval(3 * 86_400))
        )
        let document = ScoreDocument(report: next, organization: nil)
        #expect(document.projection.overdue == ["Legacy"])
        #expect(ScoreDocument(report: report, organization: nil).projection.overdue.isEmpty)
        #expect(rendering.document.body(organization: Self.organization, asOf: next.asOf) == nil)
    }
}
