import PostureCore
import Testing

/// The limits on free text, as a table: what each field accepts and the message it refuses with.
@Suite struct TextLimitsTests {
    @Test(
        arguments: [
            (TextLimits.Field.note, String(repeating: "x", count: 2_000), false, nil),
            (.note, String(repeating: "x", count: 2_001), false, "note must be at most 2000 characters"),
            (.note, "a" + String(repeating: "\u{301}", count: 2_000), false, "note must be at most 2000 characters"),
            (.note, "line one\nline two\tend", false, nil),
            (.note, "bell \u{7}", false, "note must not contain control characters other than line breaks and tabs"),
            (.owner, String(repeating: "o", count: 201), false, "owner must be at most 200 characters"),
            (.owner, "two\nlines", false, "owner must be one line of text without control characters"),
            (.tag, String(repeating: "t", count: 64), true, nil),
            (.tag, String(repeating: "t", count: 65), true, "tag must be at most 64 characters"),
            (.tag, "  ", true, "tag must not be empty"),
            (
                .displayName, "Contoso\u{2028}Ltd", true,
                "displayName must be one line of text without control characters"
            ),
            (.reason, String(repeating: "r", count: 501), true, "reason must be at most 500 characters"),
            (.industry, String(repeating: "i", count: 100), false, nil),
        ] as [(TextLimits.Field, String, Bool, String?)]
    )
    func limits(field: TextLimits.Field, text: String, required: Bool, problem: String?) {
        #expect(TextLimits.problem(field, text, required: required) == problem)
    }

    @Test func statusRulesApplyTheLimits() {
        let record = StatusRecord(actionID: "MFA", status: .planned, note: String(repeating: "n", count: 2_001))
        #expect(
            record.violations(in: Fixtures.catalog) == [
                .text(field: .note, problem: "note must be at most 2000 characters")
            ]
        )
        #expect(record.violations(in: Fixtures.catalog).first?.field == "note")
        let graphState = StatusRecord(
            actionID: "MFA",
            status: .toAddress,
            clientState: String(repeating: "s", count: 65)
        )
        #expect(graphState.violations(in: Fixtures.catalog).map(\.field) == ["state"])
    }
}
