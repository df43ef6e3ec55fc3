import Foundation
import PostureCore
import Testing

/// One row per rule of the domain table: the inputs of one action and what must come out.
struct StatusRuleCase: CustomTestStringConvertible, Sendable {
    var name: String
    var actionID: String
    var measurement: ActionMeasurement?
    var status: StatusRecord?
    var asOf: Date = Fixtures.asOf
    var points: Double
    var verified: Double
    var claimed: Double
    var effective: ActionStatus
    var counted = true
    var hasData = true
    var ranked: Bool
    var hidden = false
    var expired = false
    var regressed = false

    var testDescription: String { name }
}

@Suite struct StatusRuleTests {
    static let cases: [StatusRuleCase] = [
        .init(
            name: "partial credit: 5 of 100 users on a 10-point action is 0.5",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 5, 100),
            points: 0.5,
            verified: 0.5,
            claimed: 0,
            effective: .toAddress,
            ranked: true
        ),
        .init(
            name: "binary implemented earns every point and completes",
            actionID: "Legacy",
            measurement: Fixtures.binary("Legacy", true),
            points: 8,
            verified: 8,
            claimed: 0,
            effective: .completed,
            ranked: false
        ),
        .init(
            name: "binary not implemented earns nothing",
            actionID: "Legacy",
            measurement: Fixtures.binary("Legacy", false),
            points: 0,
            verified: 0,
            claimed: 0,
            effective: .toAddress,
            ranked: true
        ),
        .init(
            name: "never measured: no data, 0 points, still ranked",
            actionID: "SSPR",
            measurement: nil,
            points: 0,
            verified: 0,
            claimed: 0,
            effective: .toAddress,
            hasData: false,
            ranked: true
        ),
        .init(
            name: "total 0 is not applicable",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 0, 0),
            points: 0,
            verified: 0,
            claimed: 0,
            effective: .toAddress,
            counted: false,
            ranked: false
        ),
        .init(
            name: "third party claims full points, verified keeps the measured ones",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 30, 100),
            status: Fixtures.status("MFA", .resolvedThirdParty),
            points: 10,
            verified: 3,
            claimed: 7,
            effective: .resolvedThirdParty,
            ranked: false
        ),
        .init(
            name: "alternate mitigation claims full points without data",
            actionID: "SSPR",
            measurement: nil,
            status: Fixtures.status("SSPR", .resolvedAlternateMitigation),
            points: 4,
            verified: 0,
            claimed: 4,
            effective: .resolvedAlternateMitigation,
            hasData: false,
            ranked: false
        ),
        .init(
            name: "risk accepted scores as measured, hidden and unranked",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 20, 100),
            status: Fixtures.status("MFA", .riskAccepted),
            points: 2,
            verified: 2,
            claimed: 0,
            effective: .riskAccepted,
            ranked: false,
            hidden: true
        ),
        .init(
            name: "planned scores as measured and stays ranked",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 50, 100),
            status: Fixtures.status("MFA", .planned, target: "2026-12-31"),
            points: 5,
            verified: 5,
            claimed: 0,
            effective: .planned,
            ranked: true
        ),
        .init(
            name: "data showing every point overrides a person's risk acceptance",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 100, 100),
            status: Fixtures.status("MFA", .riskAccepted),
            points: 10,
            verified: 10,
            claimed: 0,
            effective: .completed,
            ranked: false
        ),
        .init(
            name: "data showing every point turns a claim into a verified completion",
            actionID: "Legacy",
            measurement: Fixtures.binary("Legacy", true),
            status: Fixtures.status("Legacy", .resolvedThirdParty),
            points: 8,
            verified: 8,
            claimed: 0,
            effective: .completed,
            ranked: false
        ),
        .init(
            name: "completed by the system, then the data regresses: back to toAddress",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 90, 100),
            status: Fixtures.status("MFA", .completed),
            points: 9,
            verified: 9,
            claimed: 0,
            effective: .toAddress,
            ranked: true,
            regressed: true
        ),
        .init(
            name: "exception before its expiry holds",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 10, 100),
            status: Fixtures.status("MFA", .resolvedThirdParty, expires: "2026-11-28T12:00:01Z"),
            points: 10,
            verified: 1,
            claimed: 9,
            effective: .resolvedThirdParty,
            ranked: false
        ),
        .init(
            name: "exception at its expiry reopens as toAddress",
            actionID: "MFA",
            measurement: Fixtures.counted("MFA", 10, 100),
            status: Fixtures.status("MFA", .resolvedThirdParty, expires: "2026-11-28T12:00:00Z"),
            points: 1,
            verified: 1,
            claimed: 0,
            effective: .toAddress,
            ranked: true,
            expired: true
        ),
        .init(
            name: "expired risk acceptance reopens and is no longer hidden",
            actionID: "Legacy",
            measurement: Fixtures.binary("Legacy", false),
            status: Fixtures.status("Legacy", .riskAccepted, expires: "2026-01-01"),
            points: 0,
            verified: 0,
            claimed: 0,
            effective: .toAddress,
            ranked: true,
            expired: true
        ),
        .init(
            name: "externally managed action ignores a person's status",
            actionID: "Defender",
            measurement: Fixtures.counted("Defender", 40, 80),
            status: Fixtures.status("Defender", .resolvedThirdParty),
            points: 4,
            verified: 4,
            claimed: 0,
            effective: .toAddress,
            ranked: true
        ),
        .init(
            name: "deprecated action counts in neither score nor max",
            actionID: "Old",
            measurement: Fixtures.binary("Old", true),
            points: 0,
            verified: 0,
            claimed: 0,
            effective: .completed,
            counted: false,
            ranked: false
        ),
    ]

    @Test(arguments: cases)
    func rule(_ row: StatusRuleCase) throws {
        let report = Fixtures.score(row.measurement.map { [$0] } ?? [], row.status.map { [$0] } ?? [], asOf: row.asOf)
        let action = try #require(report[row.actionID])
        #expect(abs(action.points - row.points) < 1e-9, "points")
        #expect(abs(action.verifiedPoints - row.verified) < 1e-9, "verified")
        #expect(abs(action.claimedPoints - row.claimed) < 1e-9, "claimed")
        #expect(action.status == row.effective)
        #expect(action.counted == row.counted)
        #expect(action.hasData == row.hasData)
        #expect((action.rank != nil) == row.ranked)
        #expect(action.hiddenByDefault == row.hidden)
        #expect(action.exceptionExpired == row.expired)
        #expect(action.regressed == row.regressed)
        // Every other fixture action counts in max (unmeasured ones too); this one only when it counts.
        let definition = Fixtures.catalog[row.actionID]!
        let others = Fixtures.catalog.actions.filter { !$0.deprecated && $0.id != row.actionID }.reduce(0) {
            $0 + $1.maxScore
        }
        #expect(abs(report.maxScore - others - (row.counted ? definition.maxScore : 0)) < 1e-9, "max")
    }

    @Test func notApplicableLeavesMaxButNoDataStaysIn() {
        let base = Fixtures.score([])
        let notApplicable = Fixtures.score([Fixtures.counted("MFA", 0, 0)])
        #expect(base.maxScore - notApplicable.maxScore == 10)
        #expect(base.actions.filter { !$0.hasData && $0.counted }.count == 7)
        // Deprecated "Old" is never in max.
        #expect(base.maxScore == 10 + 8 + 4 + 6 + 8 + 9 + 5)
    }

    @Test func personCannotChooseCompleted() {
        let record = Fixtures.status("MFA", .completed)
        #expect(record.violations(in: Fixtures.catalog) == [.completedIsSystemOnly(actionID: "MFA")])
    }

    @Test func externallyManagedRefusesEveryStatusAndSaysWhere() {
        for status in ActionStatus.allCases {
            let violations = Fixtures.status("Defender", status).violations(in: Fixtures.catalog)
            #expect(violations == [.externallyManaged(actionID: "Defender", managedIn: "the device portal")])
            #expect(violations.first?.description.contains("the device portal") == true)
        }
    }

    @Test func expiryOnlyOnExceptionsAndNeverInThePast() {
        let planned = Fixtures.status("MFA", .planned, expires: "2027-01-01")
        #expect(planned.violations(in: Fixtures.catalog).map(\.field) == ["expiresAt"])
        let pastAccept = Fixtures.status("MFA", .riskAccepted, expires: "2026-01-01")
        #expect(pastAccept.violations(in: Fixtures.catalog, asOf: Fixtures.asOf).map(\.field) == ["expiresAt"])
        #expect(pastAccept.violations(in: Fixtures.catalog).isEmpty, "historic imports may carry lapsed exceptions")
        for status in [ActionStatus.riskAccepted, .resolvedThirdParty, .resolvedAlternateMitigation] {
            #expect(
                Fixtures.status("MFA", status, expires: "2027-01-01").violations(
                    in: Fixtures.catalog,
                    asOf: Fixtures.asOf
                ).isEmpty
            )
        }
    }

    @Test func targetDateOnlyOnPlanned() {
        #expect(Fixtures.status("MFA", .planned, target: "2027-01-01").violations(in: Fixtures.catalog).isEmpty)
        let wrong = Fixtures.status("MFA", .riskAccepted, target: "2027-01-01")
        #expect(wrong.violations(in: Fixtures.catalog).map(\.field) == ["targetDate"])
    }

    @Test func unknownActionIsRefused() {
        #expect(Fixtures.status("Nope", .planned).violations(in: Fixtures.catalog) == [.unknownAction("Nope")])
    }
}
