import Foundation
import PostureApp
import PostureCore
import Testing

@Suite struct SyncScheduleTests {
    static let cases: [(String, Int, String)] = [
        ("2026-11-28T01:00:00Z", 120, "2026-11-28T02:00:00Z"),
        ("2026-11-28T02:00:00Z", 120, "2026-11-29T02:00:00Z"),
        ("2026-11-28T23:59:59Z", 0, "2026-11-29T00:00:00Z"),
        ("2026-12-31T12:00:00Z", 600, "2027-01-01T10:00:00Z"),
    ]

    @Test(arguments: cases)
    func nextRunIsTheNextConfiguredTime(_ now: String, _ minute: Int, _ expected: String) {
        #expect(SyncSchedule.nextRun(after: Date(iso8601: now)!, minuteOfDay: minute).iso8601 == expected)
    }
}
