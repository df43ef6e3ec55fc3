import PostureCore
import Testing

/// The rules every requested range of days obeys, for the API and the dashboard alike.
@Suite struct DayIntervalTests {
    static let today = CivilDay("2026-11-28")!

    @Test(
        arguments: [
            (nil, nil, "2026-08-31", "2026-11-28"),
            ("2026-11-01", nil, "2026-11-01", "2026-11-28"),
            (nil, "2026-10-31", "2026-08-03", "2026-10-31"),
            ("", "", "2026-08-31", "2026-11-28"),
            ("2016-11-29", "2026-11-28", "2016-11-29", "2026-11-28"),
        ] as [(String?, String?, String, String)]
    )
    func rangesFillTheirDefaults(_ from: String?, _ to: String?, _ start: String, _ end: String) throws {
        let interval = try DayInterval.resolve(from: from, to: to, today: Self.today)
        #expect(interval == DayInterval(from: CivilDay(start)!, to: CivilDay(end)!))
    }

    @Test(
        arguments: [
            ("2026-13-01", nil, DayInterval.Problem.malformed(field: "from", text: "2026-13-01")),
            (nil, "yesterday", .malformed(field: "to", text: "yesterday")),
            ("2026-11-20", "2026-11-01", .inverted(from: CivilDay("2026-11-20")!, to: CivilDay("2026-11-01")!)),
            (nil, "2026-11-29", .inFuture(to: CivilDay("2026-11-29")!, today: CivilDay("2026-11-28")!)),
            ("2016-11-25", "2026-11-28", .tooLong),
            // A from alone more than ten years back: too long once to defaults to today.
            ("2000-01-01", nil, .tooLong),
        ] as [(String?, String?, DayInterval.Problem)]
    )
    func badRangesAreRefusedWithTheFieldToFix(_ from: String?, _ to: String?, _ problem: DayInterval.Problem) {
        #expect(throws: problem) { try DayInterval.resolve(from: from, to: to, today: Self.today) }
    }

    @Test func openBoundsAreChecked() throws {
        try DayInterval.check(from: CivilDay("2000-01-01")!, to: nil, today: Self.today)
        #expect(throws: DayInterval.Problem.inFuture(to: CivilDay("2026-12-01")!, today: Self.today)) {
            try DayInterval.check(from: nil, to: CivilDay("2026-12-01")!, today: Self.today)
        }
        #expect(DayInterval.Problem.inFuture(to: Self.today, today: Self.today).field == "to")
        #expect(DayInterval.Problem.tooLong.field == "from")
    }
}
