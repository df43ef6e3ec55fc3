import Foundation
import PostureCore
import PropertyBased
import Testing

/// Random organizations over the fixture catalog: every action may be unmeasured, binary or
/// counted (including `total == 0`), and may carry any person-settable status with or without an
/// expiry on either side of the evaluation instant.
enum RandomState {
    static let ids = Fixtures.catalog.actions.map(\.id)

    static func measurement(for id: String, choice: Int, achieved: Int, total: Int) -> ActionMeasurement? {
        switch choice % 4 {
        case 0: return nil
        case 1: return Fixtures.binary(id, achieved % 2 == 0)
        default: return Fixtures.counted(id, min(achieved, total), total)
        }
    }

    static func status(for id: String, choice: Int, expiryDays: Int) -> StatusRecord? {
        let statuses: [ActionStatus?] = [
            nil, .toAddress, .planned, .riskAccepted, .resolvedThirdParty, .resolvedAlternateMitigation, .completed,
        ]
        guard let status = statuses[choice % statuses.count] else { return nil }
        let expires =
            status.isException && expiryDays != 0 ? Fixtures.asOf.addingTimeInterval(Double(expiryDays) * 86_400) : nil
        return StatusRecord(actionID: id, status: status, expiresAt: expires)
    }

    /// One generated input per catalog action: (measurement kind, achieved, total, status kind, expiry offset).
    static let generator = zip(
        Gen.int(in: 0...3),
        Gen.int(in: 0...50),
        Gen.int(in: 0...50),
        Gen.int(in: 0...6),
        Gen.int(in: -3...3)
    ).array(of: ids.count)

    static func build(_ rows: [(Int, Int, Int, Int, Int)]) -> ([ActionMeasurement], [StatusRecord]) {
        var measurements: [ActionMeasurement] = []
        var statuses: [StatusRecord] = []
        for (id, row) in zip(ids, rows) {
            if let m = measurement(for: id, choice: row.0, achieved: row.1, total: row.2) { measurements.append(m) }
            if let s = status(for: id, choice: row.3, expiryDays: row.4) { statuses.append(s) }
        }
        return (measurements, statuses)
    }
}

@Suite struct ScoringPropertyTests {
    @Test func pointsStayWithinZeroAndMax() async {
        await propertyCheck(count: 300, input: RandomState.generator) { rows in
            let (measurements, statuses) = RandomState.build(rows)
            let report = Fixtures.score(measurements, statuses)
            for action in report.actions {
                #expect(action.points >= 0 && action.points <= action.action.maxScore + 1e-9)
                #expect(action.verifiedPoints >= 0 && action.verifiedPoints <= action.points + 1e-9)
                #expect(abs(action.points - action.verifiedPoints - action.claimedPoints) < 1e-9)
            }
        }
    }

    @Test func scoreIsTheSumAndBoundedByMax() async {
        await propertyCheck(count: 300, input: RandomState.generator) { rows in
            let (measurements, statuses) = RandomState.build(rows)
            let report = Fixtures.score(measurements, statuses)
            let sum = report.actions.reduce(0) { $0 + $1.points }
            let maxSum = report.actions.filter(\.counted).reduce(0) { $0 + $1.action.maxScore }
            #expect(abs(report.currentScore - sum) < 1e-9)
            #expect(abs(report.maxScore - maxSum) < 1e-9)
            #expect(report.currentScore <= report.maxScore + 1e-9)
            #expect(report.verifiedScore <= report.currentScore + 1e-9)
            #expect(abs(report.categories.reduce(0) { $0 + $1.score } - report.currentScore) < 1e-9)
        }
    }

    @Test func addingAMeasurementChangesMaxOnlyThroughApplicability() async {
        await propertyCheck(
            count: 300,
            input: RandomState.generator,
            Gen.int(in: 0..<RandomState.ids.count),
            Gen.int(in: 0...3),
            Gen.int(in: 0...20)
        ) { rows, index, total, achieved in
            var (measurements, statuses) = RandomState.build(rows)
            let id = RandomState.ids[index]
            measurements.removeAll { $0.actionID == id }
            let before = Fixtures.score(measurements, statuses)
            let added = total == 0 ? Fixtures.counted(id, 0, 0) : Fixtures.counted(id, min(achieved, total), total)
            let after = Fixtures.score(measurements + [added], statuses)
            let action = Fixtures.catalog[id]!
            let expectedDrop = (total == 0 && !action.deprecated) ? action.maxScore : 0
            #expect(abs((before.maxScore - after.maxScore) - expectedDrop) < 1e-9)
        }
    }

    @Test func rankingIsAStrictTotalOrder() async {
        await propertyCheck(count: 300, input: RandomState.generator) { rows in
            let (measurements, statuses) = RandomState.build(rows)
            let report = Fixtures.score(measurements, statuses)
            let ranked = report.rankedActions
            #expect(ranked.map { $0.rank! } == Array(1...max(1, ranked.count)).prefix(ranked.count).map { $0 })
            for (i, a) in ranked.enumerated() {
                #expect(!Ranking.precedes(a, a), "irreflexive")
                #expect(Ranking.isRankable(a))
                for b in ranked[(i + 1)...] {
                    #expect(Ranking.precedes(a, b) && !Ranking.precedes(b, a), "asymmetric and total")
                }
            }
            for action in report.actions where action.rank == nil {
                #expect(!Ranking.isRankable(action))
            }
        }
    }

    @Test func scoringIsDeterministicWhateverTheInputOrder() async {
        await propertyCheck(count: 100, input: RandomState.generator) { rows in
            let (measurements, statuses) = RandomState.build(rows)
            let forward = Fixtures.score(measurements, statuses)
            let backward = Fixtures.score(measurements.reversed(), statuses.reversed())
            #expect(forward == backward)
        }
    }
}
