import Foundation
import PostureCore
import PropertyBased
import Testing

/// The alert rules on generated situations: which events go out, what they name, and that each
/// incident is announced once.
@Suite struct AlertEvaluationTests {
    static let now = Date(iso8601: "2026-12-05T10:00:00Z")!

    static func entry(
        _ action: String,
        _ before: Double,
        _ after: Double,
        minutesAgo: Double = 1,
        cause: ChangeCause.Kind = .configurationChange,
        lost: [String] = []
    ) -> ChangeEntry {
        ChangeEntry(
            organizationID: "contoso",
            actionID: action,
            category: .identity,
            kind: after < before ? .pointsLost : .pointsGained,
            occurredAt: now.addingTimeInterval(-minutesAgo * 60),
            fromStatus: cause == .exceptionExpired ? .riskAccepted : .toAddress,
            toStatus: .toAddress,
            pointsBefore: before,
            pointsAfter: after,
            maxScore: 10,
            actor: "sensor",
            detail: "",
            cause: ChangeCause(kind: cause, entitiesLost: lost, summary: "\(action) changed")
        )
    }

    static func input(
        _ entries: [ChangeEntry] = [],
        comparison: ScoreDropRule.Comparison? = nil,
        percent: Double? = 60,
        exceptions: [AlertInput.Exception] = [],
        connection: AlertInput.Connection? = nil
    ) -> AlertInput {
        AlertInput(
            organizationID: "contoso",
            organizationName: "Contoso",
            changes: entries.enumerated().map { (Int64($0.offset + 11), $0.element) },
            comparison: comparison,
            currentPercent: percent,
            exceptions: exceptions,
            connection: connection,
            titles: ["AdminMFAV2": "Require MFA for administrative roles"],
            link: "https://posture.example/orgs/contoso"
        )
    }

    static func data(_ event: OutboundEvent) throws -> [String: Any] {
        let body = try #require(try JSONSerialization.jsonObject(with: Data(event.body.utf8)) as? [String: Any])
        return try #require(body["data"] as? [String: Any])
    }

    @Test(
        arguments: [
            ("nothing changed", [], []),
            ("a gain only", [entry("AdminMFAV2", 5, 10)], []),
            ("one loss", [entry("AdminMFAV2", 10, 5)], [OutboundEventType.actionRegressed]),
            ("a loss and a gain", [entry("AdminMFAV2", 10, 5), entry("OneAdmin", 0, 2)], [.actionRegressed]),
            ("an exception expired", [entry("OneAdmin", 2, 0, cause: .exceptionExpired)], [.exceptionExpired]),
            (
                "both",
                [entry("AdminMFAV2", 10, 5), entry("OneAdmin", 2, 0, cause: .exceptionExpired)],
                [.actionRegressed, .exceptionExpired]
            ),
            ("a loss two days ago (a back-fill)", [entry("AdminMFAV2", 10, 5, minutesAgo: 2_880)], []),
        ] as [(String, [ChangeEntry], [OutboundEventType])]
    )
    func changesBecomeEvents(_ name: String, _ entries: [ChangeEntry], _ expected: [OutboundEventType]) {
        let (state, events) = AlertEvaluation.evaluate(
            rules: AlertRules(),
            state: AlertState(changeCursor: 10),
            input: Self.input(entries),
            at: Self.now
        )
        #expect(events.map(\.type) == expected, "\(name)")
        #expect(state.changeCursor == 10 + Int64(entries.count), "\(name): the cursor passes what was read")
    }

    /// Regressions from several writes share one message; an action that moved twice is one line
    /// from its first "before" to its last "after", with the newest cause and its entities.
    @Test func regressionsAreGroupedPerAction() throws {
        let entries = [
            Self.entry("AdminMFAV2", 10, 8, minutesAgo: 3, lost: ["a@contoso.example"]),
            Self.entry("OneAdmin", 2, 0, minutesAgo: 2),
            Self.entry("AdminMFAV2", 8, 5, minutesAgo: 1, lost: ["b@contoso.example", "c@contoso.example"]),
        ]
        let (_, events) = AlertEvaluation.evaluate(
            rules: AlertRules(),
            state: AlertState(),
            input: Self.input(entries),
            at: Self.now
        )
        #expect(events.count == 1)
        let data = try Self.data(try #require(events.first))
        #expect(data["pointsLost"] as? Double == 7)
        let actions = try #require(data["actions"] as? [[String: Any]])
        #expect(actions.map { $0["id"] as? String } == ["AdminMFAV2", "OneAdmin"])
        #expect(actions[0]["title"] as? String == "Require MFA for administrative roles")
        #expect(actions[0]["pointsBefore"] as? Double == 10 && actions[0]["pointsAfter"] as? Double == 5)
        let cause = try #require(actions[0]["cause"] as? [String: Any])
        #expect(cause["entitiesLost"] as? [String] == ["b@contoso.example", "c@contoso.example"])
        #expect(actions[0]["url"] as? String == "https://posture.example/orgs/contoso/actions/AdminMFAV2")
        #expect(actions[1]["title"] as? String == "OneAdmin", "an action without a title is named by its id")
    }

    @Test func disabledRulesSendNothingButStillRead() {
        let rules = AlertRules(
            scoreDropEnabled: false,
            regressionsEnabled: false,
            exceptionsEnabled: false,
            connectionsEnabled: false
        )
        let (state, events) = AlertEvaluation.evaluate(
            rules: rules,
            state: AlertState(changeCursor: 10),
            input: Self.input(
                [Self.entry("AdminMFAV2", 10, 0), Self.entry("OneAdmin", 2, 0, cause: .exceptionExpired)],
                comparison: .init(previousPoints: 50, currentPoints: 30, maxPoints: 100, leftOut: 0),
                exceptions: [
                    .init(actionID: "x", status: .riskAccepted, expiresAt: Self.now.addingTimeInterval(86_400))
                ],
                connection: .init(health: .failing, consecutiveFailures: 3)
            ),
            at: Self.now
        )
        #expect(events.isEmpty)
        #expect(state.changeCursor == 12)
    }

    /// A drop is announced once; no second alert while it lasts; recovering to within a point of
    /// the baseline re-arms it, and so do seven days.
    @Test func aScoreDropIsOneIncident() throws {
        let drop = ScoreDropRule.Comparison(previousPoints: 60, currentPoints: 50, maxPoints: 100, leftOut: 2)
        var state = AlertState()
        var sent: [Int] = []
        let days: [(Double, ScoreDropRule.Comparison)] = [
            (0, drop), (1, drop),
            (2, .init(previousPoints: 60, currentPoints: 59.5, maxPoints: 100, leftOut: 0)),  // recovered
            (3, drop), (11, drop),  // seven days later
        ]
        for (index, (day, comparison)) in days.enumerated() {
            let result = AlertEvaluation.evaluate(
                rules: AlertRules(),
                state: state,
                input: Self.input(comparison: comparison),
                at: Self.now.addingTimeInterval(day * 86_400)
            )
            state = result.state
            if result.events.contains(where: { $0.type == .scoreDropped }) { sent.append(index) }
        }
        #expect(sent == [0, 3, 4])
        let first = AlertEvaluation.evaluate(
            rules: AlertRules(),
            state: AlertState(),
            input: Self.input(comparison: drop),
            at: Self.now
        )
        let data = try Self.data(try #require(first.events.first))
        #expect(data["previousPercent"] as? Double == 60 && data["currentPercent"] as? Double == 50)
        #expect(data["actionsLeftOut"] as? Int == 2 && data["organizationName"] as? String == "Contoso")
    }

    @Test(
        arguments: [
            (nil as Double?, 40.0, false), (50, 49.0, true), (50, 50.0, false), (50, 70.0, false),
        ] as [(Double?, Double, Bool)]
    )
    func theFloorIsOffByDefault(_ floor: Double?, _ percent: Double, _ fires: Bool) {
        var rules = AlertRules()
        if let floor {
            rules.floorEnabled = true
            rules.floorPercent = floor
        }
        let (state, events) = AlertEvaluation.evaluate(
            rules: rules,
            state: AlertState(),
            input: Self.input(percent: percent),
            at: Self.now
        )
        #expect(events.contains { $0.type == .scoreBelowFloor } == fires)
        #expect((state.floor != nil) == fires)
        // Once open, a second look under the floor is silent.
        let again = AlertEvaluation.evaluate(
            rules: rules,
            state: state,
            input: Self.input(percent: percent),
            at: Self.now
        )
        #expect(!again.events.contains { $0.type == .scoreBelowFloor })
    }

    /// Each expiry is announced once within the window; a renewed exception is announced again.
    @Test func expiringExceptionsAreAnnouncedOnce() throws {
        let soon = AlertInput.Exception(
            actionID: "AdminMFAV2",
            status: .riskAccepted,
            expiresAt: Self.now.addingTimeInterval(3 * 86_400 + 60)
        )
        let later = AlertInput.Exception(
            actionID: "OneAdmin",
            status: .resolvedThirdParty,
            expiresAt: Self.now.addingTimeInterval(30 * 86_400)
        )
        var result = AlertEvaluation.evaluate(
            rules: AlertRules(),
            state: AlertState(),
            input: Self.input(exceptions: [soon, later]),
            at: Self.now
        )
        let data = try Self.data(try #require(result.events.first { $0.type == .exceptionExpiring }))
        let actions = try #require(data["actions"] as? [[String: Any]])
        #expect(actions.map { $0["id"] as? String } == ["AdminMFAV2"], "only within 14 days")
        #expect(actions[0]["daysLeft"] as? Int == 4 && actions[0]["status"] as? String == "riskAccepted")

        result = AlertEvaluation.evaluate(
            rules: AlertRules(),
            state: result.state,
            input: Self.input(exceptions: [soon, later]),
            at: Self.now.addingTimeInterval(3_600)
        )
        #expect(result.events.isEmpty, "announced already")

        var renewed = soon
        renewed.expiresAt = Self.now.addingTimeInterval(10 * 86_400)
        result = AlertEvaluation.evaluate(
            rules: AlertRules(),
            state: result.state,
            input: Self.input(exceptions: [renewed, later]),
            at: Self.now.addingTimeInterval(7_200)
        )
        #expect(result.events.map(\.type) == [.exceptionExpiring], "a new expiry is news")
    }

    @Test func aFailingConnectionIsOneIncident() {
        var state = AlertState()
        var sent: [Int] = []
        let looks: [(Double, CollectionState.Health)] = [
            (0, .failing), (1, .failing), (2, .stale), (3, .healthy), (4, .failing), (4 + 7 * 24, .failing),
        ]
        for (index, (hours, health)) in looks.enumerated() {
            let result = AlertEvaluation.evaluate(
                rules: AlertRules(),
                state: state,
                input: Self.input(connection: .init(health: health, problem: "AADSTS7000215", consecutiveFailures: 2)),
                at: Self.now.addingTimeInterval(hours * 3_600)
            )
            state = result.state
            if !result.events.isEmpty { sent.append(index) }
        }
        #expect(sent == [0, 4, 5])
    }

    /// However much changed, a message stays under the size receivers accept.
    @Test func messagesStayUnderTheSizeBudget() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...400)) { count in
            let entries = (0..<count).map { index in
                Self.entry(
                    "action_\(index)_" + String(repeating: "x", count: 80),
                    10,
                    0,
                    lost: (0..<50).map { "user\($0)@" + String(repeating: "d", count: 60) + ".example" }
                )
            }
            let (_, events) = AlertEvaluation.evaluate(
                rules: AlertRules(),
                state: AlertState(),
                input: Self.input(entries),
                at: Self.now
            )
            #expect(events.allSatisfy { $0.body.utf8.count < OutboundEvent.maxBodyBytes })
            let data = events.first.flatMap { try? Self.data($0) }
            let named = (data?["actions"] as? [Any])?.count ?? 0
            #expect(named >= 1 && named <= min(count, AlertEvaluation.actionsNamed))
            #expect(named + (data?["moreActions"] as? Int ?? 0) == count, "every action named or counted")
        }
    }

    @Test(
        arguments: [
            (#"{"scoreBelowFloor": {"enabled": true, "percent": 40}}"#, nil),
            (#"{"scoreDropped": {"percentagePoints": 0.5}}"#, "scoreDropped.percentagePoints"),
            (#"{"exceptionExpiring": {"days": 400}}"#, "exceptionExpiring.days"),
            (#"{"exceptionExpiring": {"days": "soon"}}"#, "exceptionExpiring.days"),
            (#"{"scoreBelowFloor": {"percent": 100}}"#, "scoreBelowFloor.percent"),
            (#"{"scoreDrop": {"enabled": false}}"#, "scoreDrop"),
            (#"{"actionRegressed": {"enabled": true, "delay": 5}}"#, "actionRegressed.delay"),
            (#"{"actionRegressed": true}"#, "actionRegressed"),
        ] as [(String, String?)]
    )
    func rulesAreMergedOrRefusedByField(_ json: String, _ field: String?) throws {
        let node = try JSONSourceParser.parse(json, file: "body")
        do {
            let rules = try AlertRules().merging(node)
            #expect(field == nil, "\(json) was accepted")
            #expect(rules.floorEnabled && rules.floorPercent == 40 && rules.scoreDropEnabled)
            let again = try AlertRules().merging(try JSONSourceParser.parse(rules.json.jsonText, file: "body"))
            #expect(again == rules, "the wire form reads back as the same rules")
        } catch let error as DiagnosticList {
            #expect(error.diagnostics.map(\.field) == [field], "\(json): \(error.diagnostics)")
        }
    }
}
