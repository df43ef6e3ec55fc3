import Foundation
import PostureCore
import PropertyBased
import Testing

/// Paging and the change filter shared by the History page and the API.
@Suite struct ListPageTests {
    /// Walking a list page by page from any start shows every entry after it exactly once, in
    /// order, and walking back returns to the first page.
    @Test func pagesCoverTheListOnce() async {
        await propertyCheck(count: 300, input: zip(Gen.int(in: 0...400), Gen.int(in: 1...60))) { total, size in
            var page = ListPage(offset: 0, size: size, total: total)
            var seen: [Int] = []
            var steps = 0
            while true {
                seen += Array(page.range)
                steps += 1
                guard let next = page.next, steps < 1_000 else { break }
                page = ListPage(offset: next, size: size, total: total)
            }
            #expect(seen == Array(0..<total))
            while let previous = page.previous { page = ListPage(offset: previous, size: size, total: total) }
            #expect(page.offset == 0)
        }
    }

    @Test(arguments: [
        (-5, 50, 120, 0..<50), (60, 50, 120, 60..<110), (500, 50, 120, 100..<120), (0, 0, 3, 0..<1),
        (0, 10_000, 3, 0..<3), (7, 50, 0, 0..<0),
    ])
    func requestsAreClamped(_ offset: Int, _ size: Int, _ total: Int, _ expected: Range<Int>) {
        #expect(ListPage(offset: offset, size: size, total: total).range == expected)
    }

    @Test func filtersKeepTheirKind() {
        func entry(_ kind: ChangeEntry.Kind, _ from: ActionStatus, _ to: ActionStatus) -> ChangeEntry {
            ChangeEntry(
                organizationID: "o",
                actionID: "a",
                category: .identity,
                kind: kind,
                occurredAt: Date(timeIntervalSince1970: 0),
                fromStatus: from,
                toStatus: to,
                pointsBefore: 1,
                pointsAfter: kind == .pointsLost ? 0 : 2,
                maxScore: 5,
                actor: "x",
                detail: ""
            )
        }
        let status = entry(.statusChanged, .toAddress, .planned)
        let lost = entry(.pointsLost, .toAddress, .toAddress)
        let gained = entry(.pointsGained, .toAddress, .toAddress)
        let reopened = entry(.pointsLost, .completed, .toAddress)
        let all = [status, lost, gained, reopened]
        #expect(all.filter(ChangeFilter.all.matches) == all)
        #expect(all.filter(ChangeFilter.statusChanges.matches) == [status, reopened])
        #expect(all.filter(ChangeFilter.regressions.matches) == [lost, reopened])
        #expect(all.filter(ChangeFilter.gains.matches) == [gained])
        #expect(ChangeFilter.allCases.map(\.rawValue) == ["all", "status", "regressions", "gains"])
    }

    @Test(arguments: [
        ("2026-12-04T06:00:00Z", "2026-12-04 06:00"), ("2026-01-01T23:59:59Z", "2026-01-01 23:59"),
        ("1969-12-31T23:30:00Z", "1969-12-31 23:30"),
    ])
    func minutesReadShort(_ instant: String, _ expected: String) throws {
        #expect(ScoreFormat.minute(try #require(Date(iso8601: instant))) == expected)
    }
}
