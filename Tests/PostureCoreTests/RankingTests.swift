import Foundation
import PostureCore
import Testing

@Suite struct RankingTests {
    @Test func moreRemainingPointsRankHigherAtEqualEffort() {
        let report = Fixtures.score([Fixtures.counted("MFA", 50, 100), Fixtures.binary("Legacy", false)])
        // Legacy has 8 remaining, MFA 5, both Low/Low/Low.
        #expect(report["Legacy"]!.rank! < report["MFA"]!.rank!)
    }

    @Test func effortLowersRankAtEqualPoints() {
        let catalog = Catalog(
            version: "t",
            actions: [
                Fixtures.action("Easy", max: 5), Fixtures.action("Costly", max: 5, cost: .high),
                Fixtures.action("Disruptive", max: 5, impact: .moderate),
                Fixtures.action("Hard", max: 5, complexity: .high),
            ]
        )
        let report = ScoringEngine(catalog: catalog).score(measurements: [], statuses: [], asOf: Fixtures.asOf)
        #expect(report.rankedActions.map(\.action.id) == ["Easy", "Disruptive", "Costly", "Hard"])
        #expect(report["Easy"]!.priority! == 5)
        #expect(report["Costly"]!.priority! == 2.5)
    }

    @Test func weightsChangeTheOrder() {
        let catalog = Catalog(
            version: "t",
            actions: [Fixtures.action("BigHard", max: 10, cost: .high), Fixtures.action("SmallEasy", max: 4)]
        )
        let byDefault = ScoringEngine(catalog: catalog).score(measurements: [], statuses: [], asOf: Fixtures.asOf)
        #expect(byDefault.rankedActions.map(\.action.id) == ["BigHard", "SmallEasy"])  // 10/2 = 5 > 4
        let costAverse = RankingWeights(points: 1, cost: 2, userImpact: 0.5, complexity: 0.5)
        let weighted = ScoringEngine(catalog: catalog, weights: costAverse).score(
            measurements: [],
            statuses: [],
            asOf: Fixtures.asOf
        )
        #expect(weighted.rankedActions.map(\.action.id) == ["SmallEasy", "BigHard"])  // 10/5 = 2 < 4
    }

    @Test func tiesBreakByIdSoTheOrderIsStable() {
        let catalog = Catalog(version: "t", actions: ["b", "c", "a"].map { Fixtures.action($0, max: 3) })
        let report = ScoringEngine(catalog: catalog).score(measurements: [], statuses: [], asOf: Fixtures.asOf)
        #expect(report.rankedActions.map(\.action.id) == ["a", "b", "c"])
    }

    @Test func invalidWeightsAreNamed() {
        #expect(
            RankingWeights(points: 1, cost: -1, userImpact: .nan, complexity: 0).invalidWeights == [
                "cost", "userImpact",
            ]
        )
        #expect(RankingWeights.default.invalidWeights.isEmpty)
    }
}
