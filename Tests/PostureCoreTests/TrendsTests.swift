import Foundation
import PostureCore
import Testing

@Suite struct ScoreZonesTests {
    static func ranges(_ bounds: [(ScoreZones.Zone, Double, Double)]) -> [ScoreZones.Range] {
        bounds.map { ScoreZones.Range(zone: $0.0, from: $0.1, to: $0.2) }
    }

    @Test(arguments: [
        (0.0, ScoreZones.Zone.bad), (39.99, .bad), (40, .okay), (69.999, .okay), (70, .good), (100, .good),
    ])
    func defaultZones(percentage: Double, zone: ScoreZones.Zone) {
        #expect(ScoreZones.default.zone(for: percentage) == zone)
    }

    @Test func customZonesAreAcceptedWhenContiguousAndComplete() throws {
        let zones = try ScoreZones(ranges: Self.ranges([(.bad, 0, 55), (.okay, 55, 80), (.good, 80, 100)]))
        #expect(zones.zone(for: 60) == .okay && zones.zone(for: 54.9) == .bad && zones.zone(for: 80) == .good)
    }

    @Test(arguments: [
        ([(ScoreZones.Zone.bad, 0.0, 40.0), (.okay, 45, 70), (.good, 70, 100)], "must start where bad ends"),
        ([(.bad, 0, 50), (.okay, 40, 70), (.good, 70, 100)], "must start where bad ends"),
        ([(.okay, 0, 40), (.bad, 40, 70), (.good, 70, 100)], "in that order"),
        ([(.bad, 10, 40), (.okay, 40, 70), (.good, 70, 100)], "first zone must start at 0"),
        ([(.bad, 0, 40), (.okay, 40, 70), (.good, 70, 90)], "last zone must end at 100"),
        ([(.bad, 0, 40), (.okay, 40, 40), (.good, 40, 100)], "must be below"),
        ([(.bad, 0, 40), (.good, 40, 100)], "each once"),
    ])
    func invalidZonesNameTheProblem(bounds: [(ScoreZones.Zone, Double, Double)], fragment: String) {
        do {
            _ = try ScoreZones(ranges: Self.ranges(bounds))
            Issue.record("accepted \(bounds)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func customComparisonRules() {
        #expect(!CustomComparison().problems.isEmpty, "an empty comparison compares with everyone")
        #expect(CustomComparison(minSeats: 500, maxSeats: 100).problems.contains("minSeats is above maxSeats"))
        let finance = CustomComparison(industry: "Finance", region: "eu", minSeats: 101, maxSeats: 1000)
        #expect(finance.problems.isEmpty)
        #expect(finance.matches(seats: 500, industry: "finance", region: "EU"))
        #expect(!finance.matches(seats: 50, industry: "Finance", region: "EU"))
        #expect(
            finance.matches(seats: 101, industry: "Finance", region: "EU")
                && finance.matches(seats: 1000, industry: "Finance", region: "EU")
        )
        #expect(!finance.matches(seats: 1001, industry: "Finance", region: "EU"))
        #expect(!finance.matches(seats: 500, industry: "Retail", region: "EU"))
        #expect(!finance.matches(seats: 500, industry: "Finance", region: nil))
        #expect(SeatBand.upTo100.comparison.matches(seats: 0, industry: nil, region: nil), "no seats: first band")
        #expect(!SeatBand.upTo500.comparison.matches(seats: 100, industry: nil, region: nil))
        #expect(SeatBand.above10000.comparison.matches(seats: 1_000_000, industry: nil, region: nil))
    }
}

@Suite struct ChangeCauseTests {
    static let mfa = Fixtures.catalog["MFA"]!
    static let legacy = Fixtures.catalog["Legacy"]!

    @Test func partialActionsNameTheEntitiesThatMoved() {
        let before = ActionMeasurement(
            actionID: "MFA",
            result: .counted(achieved: 3, total: 4),
            achievedEntities: ["a@x", "b@x", "c@x"],
            totalEntities: ["a@x", "b@x", "c@x", "d@x"]
        )
        let after = ActionMeasurement(
            actionID: "MFA",
            result: .counted(achieved: 2, total: 6),
            achievedEntities: ["c@x", "d@x"],
            totalEntities: ["a@x", "b@x", "c@x", "d@x", "e@x", "f@x"]
        )
        let cause = ChangeCause.explain(
            action: Self.mfa,
            fromStatus: .toAddress,
            toStatus: .toAddress,
            exceptionExpired: false,
            previous: before,
            current: after
        )
        #expect(cause.kind == .userOrDeviceChange)
        #expect(cause.entitiesLost == ["a@x", "b@x"] && cause.entitiesAdded == ["e@x", "f@x"])
        #expect(cause.entitiesGained == ["d@x"])
        #expect(
            cause.summary
                == "2 users lost it: a@x, b@x; 2 new users without it: e@x, f@x; 1 user gained it: d@x"
        )
    }

    @Test func longListsAreShortenedInTheSummaryOnly() {
        let names = (1...8).map { "u\($0)" }
        let cause = ChangeCause.explain(
            action: Self.mfa,
            fromStatus: .toAddress,
            toStatus: .toAddress,
            exceptionExpired: false,
            previous: ActionMeasurement(
                actionID: "MFA",
                result: .counted(achieved: 8, total: 8),
                achievedEntities: names,
                totalEntities: names
            ),
            current: ActionMeasurement(
                actionID: "MFA",
                result: .counted(achieved: 0, total: 8),
                achievedEntities: [],
                totalEntities: names
            )
        )
        #expect(cause.entitiesLost.count == 8)
        #expect(cause.summary == "8 users lost it: u1, u2, u3, u4, u5 and 3 more")
    }

    @Test func otherCauses() {
        func explain(
            _ action: ImprovementAction,
            _ from: ActionStatus,
            _ to: ActionStatus,
            expired: Bool = false,
            _ before: ActionMeasurement?,
            _ after: ActionMeasurement?
        ) -> ChangeCause {
            ChangeCause.explain(
                action: action,
                fromStatus: from,
                toStatus: to,
                exceptionExpired: expired,
                previous: before,
                current: after
            )
        }
        let off = explain(
            Self.legacy,
            .completed,
            .toAddress,
            Fixtures.binary("Legacy", true),
            Fixtures.binary("Legacy", false)
        )
        #expect(off.kind == .configurationChange && off.summary.contains("no longer implemented"))
        let expired = explain(Self.legacy, .resolvedThirdParty, .toAddress, expired: true, nil, nil)
        #expect(expired.kind == .exceptionExpired)
        let claim = explain(Self.legacy, .toAddress, .resolvedThirdParty, nil, nil)
        #expect(claim.kind == .statusChange)
        let counts = explain(
            Self.mfa,
            .toAddress,
            .toAddress,
            Fixtures.counted("MFA", 5, 10),
            Fixtures.counted("MFA", 3, 10)
        )
        #expect(counts.kind == .userOrDeviceChange && counts.summary == "5/10 → 3/10 users")
    }
}

@Suite struct TrendsTests {
    /// Random histories of the fixture actions: points wander, some days actions vanish.
    static func history(seed: UInt64, days: Int) -> [DailySnapshot] {
        var random = SplitMix64(seed: seed)
        let actions = Fixtures.catalog.actions
        let start = CivilDay("2026-01-01")!
        return (0..<days).map { offset in
            let entries = actions.compactMap { action -> DailySnapshot.Action? in
                if random.unit() < 0.1 { return nil }
                let points = (random.unit() * action.maxScore * 4).rounded() / 4
                let status: ActionStatus = random.unit() < 0.2 ? .riskAccepted : .toAddress
                return DailySnapshot.Action(
                    id: action.id,
                    category: action.category,
                    points: points,
                    verifiedPoints: points,
                    maxScore: action.maxScore,
                    status: status
                )
            }
            let score = entries.reduce(0) { $0 + $1.points }
            return DailySnapshot(
                organizationID: "org",
                day: start.adding(days: offset),
                score: score,
                maxScore: entries.reduce(0) { $0 + $1.maxScore },
                verifiedScore: score,
                categories: [],
                actions: entries,
                catalogVersion: offset < days / 2 ? "test-1" : "test-2",
                scoringModelVersion: "posture-1",
                filled: false,
                licensedUserCount: 10,
                activeUserCount: nil
            )
        }
    }

    @Test(arguments: 1...25)
    func gainsMinusLossesIsTheNetChange(seed: UInt64) {
        let snapshots = Self.history(seed: seed, days: 30)
        let changes = Trends.scoreChanges(snapshots)
        #expect(abs(changes.pointsGained - changes.pointsRegressed - changes.netChange) < 1e-9)
        #expect(changes.netChange == snapshots.last!.score - snapshots.first!.score)
        let regressions = Trends.regressions(snapshots, changes: [], catalog: Fixtures.catalog)
        #expect(abs(regressions.totalPointsLost - changes.pointsRegressed) < 1e-9, "the two views of losses agree")
        #expect(regressions.days.count == snapshots.count - 1)
        for regression in regressions.regressions {
            #expect(regression.pointsLost > 0 && regression.title == "Title of \(regression.actionID)")
        }
    }

    @Test func recordedCausesWinAndVersionChangesAreNamed() {
        let action = Fixtures.catalog["MFA"]!
        func snapshot(_ day: String, points: Double, achieved: Int, catalog: String) -> DailySnapshot {
            DailySnapshot(
                organizationID: "org",
                day: CivilDay(day)!,
                score: points,
                maxScore: 10,
                verifiedScore: points,
                categories: [],
                actions: [
                    DailySnapshot.Action(
                        id: "MFA",
                        category: .identity,
                        points: points,
                        verifiedPoints: points,
                        maxScore: 10,
                        status: .toAddress,
                        achieved: achieved,
                        total: 10
                    )
                ],
                catalogVersion: catalog,
                scoringModelVersion: "posture-1",
                filled: false,
                licensedUserCount: nil,
                activeUserCount: nil
            )
        }
        let recorded = ChangeEntry(
            organizationID: "org",
            actionID: "MFA",
            category: .identity,
            kind: .pointsLost,
            occurredAt: Date(iso8601: "2026-03-02T09:00:00Z")!,
            fromStatus: .toAddress,
            toStatus: .toAddress,
            pointsBefore: 8,
            pointsAfter: 6,
            maxScore: action.maxScore,
            actor: "sensor",
            detail: "",
            cause: ChangeCause(kind: .userOrDeviceChange, entitiesLost: ["a", "b"], summary: "2 users lost it: a, b")
        )
        let trend = Trends.regressions(
            [
                snapshot("2026-03-01", points: 8, achieved: 8, catalog: "v1"),
                snapshot("2026-03-02", points: 6, achieved: 6, catalog: "v1"),
                snapshot("2026-03-03", points: 4, achieved: 6, catalog: "v2"),
                snapshot("2026-03-04", points: 3, achieved: 3, catalog: "v2"),
            ],
            changes: [recorded],
            catalog: Fixtures.catalog
        )
        #expect(
            trend.regressions.map(\.cause.kind) == [.userOrDeviceChange, .catalogOrModelChange, .userOrDeviceChange]
        )
        #expect(trend.regressions[0].cause.entitiesLost == ["a", "b"] && trend.regressions[0].actor == "sensor")
        #expect(trend.regressions[1].cause.summary.contains("catalog v1 → v2"))
        #expect(trend.regressions[2].cause.summary == "6/10 → 3/10 users")
        #expect(trend.days.map(\.pointsLost) == [2, 2, 1])
    }

    @Test func riskAcceptanceCountsActionsAndThePointsGivenUp() {
        let snapshots = Self.history(seed: 7, days: 10)
        for (snapshot, point) in zip(snapshots, Trends.riskAcceptance(snapshots)) {
            let accepted = snapshot.actions.filter { $0.status == .riskAccepted }
            #expect(point.actions == accepted.count && point.actionIDs == accepted.map(\.id))
            #expect(abs(point.pointsAccepted - accepted.reduce(0) { $0 + $1.maxScore - $1.points }) < 1e-9)
        }
    }

    @Test func smallCohortsAreNeverShownAndCellsGrowInBatches() {
        let days = [CivilDay("2026-05-01")!, CivilDay("2026-05-02")!, CivilDay("2026-05-03")!]
        let members = (0..<9).flatMap { index in
            days.enumerated().compactMap { offset, day -> CohortMember? in
                // Day 1: 5 organizations; day 2: 6 (the smallest cell that counts); day 3: 9, but
                // three newcomers are too few a batch to join.
                if offset == 0 && index >= 5 || offset == 1 && index >= 6 { return nil }
                return CohortMember(
                    organizationID: "org\(index)",
                    day: day,
                    seats: 50,
                    industry: nil,
                    region: nil,
                    percentage: Double(index * 10),
                    categories: []
                )
            }
        }
        let cohort = Comparisons.cohortDays(members, filter: SeatBand.upTo100.comparison)
        let points = Comparisons.trend(own: [:], cohort: cohort, days: days)
        #expect(cohort.map(\.organizations) == [6, 6])
        #expect(points.map(\.averagePercentage) == [nil, 25, 25])
        #expect(points.map(\.enoughOrganizations) == [false, true, true])
        #expect(points[0].categories == nil)
    }

    @Test func recomputeUnderTheSameRulesChangesNothingAndUnderNewPointsSaysWhat() {
        let engine = ScoringEngine(catalog: Fixtures.catalog)
        let organization = Organization(id: "org", displayName: "Org")
        let measurements = [Fixtures.counted("MFA", 5, 10), Fixtures.binary("Legacy", true)]
        let report = engine.score(
            measurements: measurements,
            statuses: [Fixtures.status("SSPR", .resolvedThirdParty)],
            asOf: CivilDay("2026-06-01")!.adding(days: 1).start.addingTimeInterval(-1)
        )
        let snapshot = DailySnapshot(
            organization: organization,
            day: CivilDay("2026-06-01")!,
            report: report,
            measurements: measurements,
            filled: false
        )
        let same = Recompute.rescore(snapshot, organization: organization, engine: engine)
        #expect(!same.changed && same.recomputed.score == snapshot.score)

        var actions = Fixtures.catalog.actions
        let index = actions.firstIndex { $0.id == "MFA" }!
        actions[index].maxScore = 6
        let newer = ScoringEngine(catalog: Catalog(version: "test-2", actions: actions))
        let result = Recompute.rescore(snapshot, organization: organization, engine: newer)
        #expect(result.changed)
        #expect(result.differences.map(\.actionID) == ["MFA"])
        #expect(result.differences.first?.storedPoints == 5 && result.differences.first?.recomputedPoints == 3)
        #expect(
            result.recomputed.catalogVersion == "test-2" && abs(result.recomputed.score - (snapshot.score - 2)) < 1e-9
        )
    }
}
