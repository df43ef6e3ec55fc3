import Foundation
import PostureCore
import Testing

/// What a list of organizations may ask for, and the cursor it resumes from.
@Suite struct OrganizationListQueryTests {
    @Test func queriesRefuseWhatNoPageCanServe() throws {
        #expect(throws: OrganizationListQueryError.searchTooLong(limit: 200)) {
            try OrganizationListQuery(search: String(repeating: "a", count: 201))
        }
        #expect(throws: OrganizationListQueryError.searchHasControlCharacters) {
            try OrganizationListQuery(search: "a\u{0}b")
        }
        #expect(throws: OrganizationListQueryError.limitOutOfRange(minimum: 1, maximum: 500)) {
            try OrganizationListQuery(limit: 501)
        }
        let cursor = OrganizationListCursor(sort: .score, descending: true, key: 12.5, name: "Ä \"x\"", id: "o1")
        #expect(OrganizationListCursor(token: cursor.token) == cursor)
        #expect(throws: OrganizationListQueryError.cursorForAnotherOrder) {
            try OrganizationListQuery(sort: .name, after: cursor)
        }
        #expect(OrganizationListCursor(token: "not a cursor") == nil)
        #expect(OrganizationListCursor(token: String(cursor.token.dropLast(3))) == nil)
        #expect(try OrganizationListQuery(search: "  contoso \n").search == "contoso")
    }

    @Test func rowsWithoutAChangeSortBelowEveryChange() {
        let row = OrganizationListRow(
            id: "a",
            displayName: "A",
            score: 50,
            maxScore: 200,
            verifiedScore: 40,
            regressions: 2,
            zone: .bad,
            change30: nil
        )
        #expect(row.percentage == 25)
        #expect(row.key(.change) == OrganizationListRow.noChange)
        #expect(OrganizationListRow.noChange < -100, "a change is at least -100 points")
        #expect(row.key(.zone) == 0 && row.key(.regressions) == 2 && row.key(.name) == nil)
    }

    @Test(arguments: [0, 0.04, 0.06, -0.06, 12.345, -3.96, 99.94, 100, 1234.56, -0.01])
    func tenthsPrintAsAFormatStringWould(_ value: Double) {
        let expected = String(format: "%.1f", value)
        // %.1f keeps the sign of a value that rounds to zero; a list need not.
        #expect(ScoreFormat.tenths(value) == (expected == "-0.0" ? "0.0" : expected))
    }
}
