import PostureCore
import Testing

/// The demo history for any length a person may ask for (`POSTURE_DEMO_DAYS` accepts 1 to
/// 3,650): one entry per consecutive day ending on the given day, each with measurements.
@Suite struct DemoHistoryTests {
    @Test(arguments: [1, 2, 3, 5, 8, 13, 30, 120])
    func everyLengthGivesThatManyConsecutiveDays(_ count: Int) {
        let end = CivilDay("2026-12-04")!
        let history = DemoHistory(catalog: Fixtures.catalog, endDay: end, count: count)
        #expect(history.days.count == count)
        #expect(history.days.last?.day == end)
        #expect(history.days.enumerated().allSatisfy { $0.element.day == end.adding(days: $0.offset - count + 1) })
        #expect(history.days.allSatisfy { !$0.measurements.isEmpty })
    }
}
