import PostureCore
import Testing

/// What people read: counts with their nouns in the right number, and explanations that say
/// how the points were reached for each scoring shape.
@Suite struct WordingTests {
    @Test(arguments: [
        (EntityType.user, "user", "users"), (.mailbox, "mailbox", "mailboxes"), (.policy, "policy", "policies"),
        (.device, "device", "devices"), (.application, "application", "applications"),
    ])
    func entityNouns(_ type: EntityType, _ one: String, _ many: String) {
        #expect(type.noun(count: 1) == one)
        #expect(type.noun(count: 2) == many && type.noun(count: 0) == many)
    }

    @Test func everyEntityTypeHasARegularOrKnownPlural() {
        for type in EntityType.allCases {
            #expect(!type.noun(count: 2).hasSuffix("xs") && !type.noun(count: 2).hasSuffix("ys"), "\(type)")
        }
    }

    @Test(arguments: [
        (1, "entity", "entities", "1 entity"), (3, "entity", "entities", "3 entities"), (0, "action", nil, "0 actions"),
        (1, "action", nil, "1 action"),
    ])
    func countsTakeTheirNumber(_ count: Int, _ singular: String, _ plural: String?, _ expected: String) {
        #expect(counted(count, singular, plural) == expected)
    }

    @Test(arguments: [
        // A binary action sent as counts earns all or nothing, and says so.
        ("Legacy", 1, 2, "1/2 items, all needed: 0.00 of 8.00"),
        ("Legacy", 2, 2, "2/2 items, all needed: 8.00 of 8.00"),
        ("MFA", 3, 4, "3/4 users × 10.00 = 7.50"),
        ("MFA", 1, 1, "1/1 user × 10.00 = 10.00"),
    ])
    func explanationsFollowTheScoringShape(_ actionID: String, _ achieved: Int, _ total: Int, _ expected: String) {
        let report = Fixtures.score([Fixtures.counted(actionID, achieved, total)])
        let explanation = report.actions.first { $0.action.id == actionID }?.explanation ?? ""
        #expect(explanation.hasPrefix(expected), "\(explanation)")
    }
}
