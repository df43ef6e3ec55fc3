import Foundation
import PostureCore
import Testing

struct SortCase: CustomTestStringConvertible, Sendable {
    var orderBy: String
    var expected: [String]

    var testDescription: String { "$orderby=\(orderBy)" }
}

struct PagingCase: CustomTestStringConvertible, Sendable {
    var top: Int?
    var skip: Int
    var pageSize: Int
    var expected: [String]
    var nextSkip: Int?
    var nextTop: Int?

    var testDescription: String {
        let topText = top.map { String($0) } ?? "nil"
        return "top \(topText), skip \(skip), page size \(pageSize)"
    }
}

@Suite struct ODataApplyTests {
    static func item(_ id: String, rank: JSONValue? = nil, title: JSONValue? = nil) -> JSONObject {
        var object = JSONObject()
        object["id"] = .string(id)
        object["title"] = title
        object["rank"] = rank
        return object
    }

    static func ids(_ items: [JSONObject]) -> [String] {
        items.map { object in
            if case .string(let id)? = object["id"] { return id }
            return "?"
        }
    }

    static func linkText(_ parameters: [(String, String)]) -> [String] {
        parameters.map { "\($0.0)=\($0.1)" }
    }

    static func page(_ query: String, _ items: [JSONObject], pageSize: Int = 100) throws -> ODataPage {
        let parsed = try #require(ODataFixtures.query(query).value)
        return parsed.apply(to: items, pageSize: pageSize)
    }

    /// Ties, explicit nulls, missing properties and letter case, in an order no sort produces by accident.
    static let sortItems: [JSONObject] = [
        item("A", rank: .int(2), title: .string("beta")),
        item("B"),
        item("C", rank: .int(1), title: .string("Alpha")),
        item("D", rank: .int(2), title: .string("alpha")),
        item("E", rank: .null, title: .string("Gamma")),
        item("F", rank: .int(1), title: .string("alpha")),
    ]

    static let sorts: [SortCase] = [
        .init(orderBy: "rank", expected: ["B", "E", "C", "F", "A", "D"]),
        .init(orderBy: "rank asc", expected: ["B", "E", "C", "F", "A", "D"]),
        .init(orderBy: "rank desc", expected: ["A", "D", "C", "F", "B", "E"]),
        .init(orderBy: "rank,title", expected: ["B", "E", "C", "F", "D", "A"]),
        .init(orderBy: "rank desc,title desc", expected: ["A", "D", "C", "F", "E", "B"]),
        .init(orderBy: "title", expected: ["B", "C", "D", "F", "A", "E"]),
        .init(orderBy: "TITLE DESC", expected: ["E", "A", "C", "D", "F", "B"]),
    ]

    @Test(arguments: sorts)
    func sortsStablyWithNullsFirstAscending(_ testCase: SortCase) throws {
        let result = try Self.page("$orderby=\(testCase.orderBy)", Self.sortItems)
        #expect(Self.ids(result.items) == testCase.expected)
    }

    @Test func sortsNumbersNumericallyAndDatesAsInstants() throws {
        let numbers = [
            Self.item("ten", rank: .int(10)),
            Self.item("one and a half", rank: .double(1.5)),
            Self.item("two", rank: .int(2)),
        ]
        let byRank = try Self.page("$orderby=rank", numbers)
        #expect(Self.ids(byRank.items) == ["one and a half", "two", "ten"])

        var late = JSONObject([("id", .string("late"))])
        late["createdDateTime"] = .string("2026-11-28T09:00:00Z")
        var early = JSONObject([("id", .string("early"))])
        early["createdDateTime"] = .string("2026-11-28T10:00:00+02:00")
        var previousDay = JSONObject([("id", .string("previous day"))])
        previousDay["createdDateTime"] = .string("2026-11-27T23:00:00Z")
        let dates = [late, early, previousDay]
        let ascending = try Self.page("$orderby=createdDateTime", dates)
        #expect(Self.ids(ascending.items) == ["previous day", "early", "late"])
        let descending = try Self.page("$orderby=createdDateTime desc", dates)
        #expect(Self.ids(descending.items) == ["late", "early", "previous day"])
    }

    static let tenItems: [JSONObject] = (0..<10).map { ODataApplyTests.item("i\($0)", rank: .int($0)) }

    static func names(_ range: Range<Int>) -> [String] {
        range.map { "i\($0)" }
    }

    static let paging: [PagingCase] = [
        .init(top: nil, skip: 0, pageSize: 4, expected: names(0..<4), nextSkip: 4, nextTop: nil),
        .init(top: nil, skip: 4, pageSize: 4, expected: names(4..<8), nextSkip: 8, nextTop: nil),
        .init(top: nil, skip: 8, pageSize: 4, expected: names(8..<10), nextSkip: nil, nextTop: nil),
        .init(top: nil, skip: 6, pageSize: 4, expected: names(6..<10), nextSkip: nil, nextTop: nil),
        .init(top: nil, skip: 0, pageSize: 100, expected: names(0..<10), nextSkip: nil, nextTop: nil),
        .init(top: 5, skip: 0, pageSize: 3, expected: names(0..<3), nextSkip: 3, nextTop: 2),
        .init(top: 2, skip: 3, pageSize: 3, expected: names(3..<5), nextSkip: nil, nextTop: nil),
        .init(top: 3, skip: 0, pageSize: 3, expected: names(0..<3), nextSkip: nil, nextTop: nil),
        .init(top: 20, skip: 8, pageSize: 5, expected: names(8..<10), nextSkip: nil, nextTop: nil),
        .init(top: 20, skip: 2, pageSize: 5, expected: names(2..<7), nextSkip: 7, nextTop: 15),
        .init(top: 7, skip: 2, pageSize: 100, expected: names(2..<9), nextSkip: nil, nextTop: nil),
        .init(top: 0, skip: 0, pageSize: 4, expected: [], nextSkip: nil, nextTop: nil),
        .init(top: nil, skip: 15, pageSize: 4, expected: [], nextSkip: nil, nextTop: nil),
        .init(top: nil, skip: 10, pageSize: 4, expected: [], nextSkip: nil, nextTop: nil),
        .init(top: nil, skip: 0, pageSize: 0, expected: names(0..<1), nextSkip: 1, nextTop: nil),
    ]

    @Test(arguments: paging)
    func pagesLikeGraph(_ testCase: PagingCase) {
        let query = ODataQuery(top: testCase.top, skip: testCase.skip)
        let result = query.apply(to: Self.tenItems, pageSize: testCase.pageSize)
        #expect(Self.ids(result.items) == testCase.expected)
        #expect(result.totalCount == 10)
        #expect(result.nextSkip == testCase.nextSkip)
        #expect(result.nextTop == testCase.nextTop)
    }

    @Test func countsAfterFilterAndBeforePaging() throws {
        let result = try Self.page("$filter=rank ge 5&$count=true&$top=2", Self.tenItems)
        #expect(Self.ids(result.items) == ["i5", "i6"])
        #expect(result.totalCount == 5)
        #expect(result.nextSkip == nil)
    }

    @Test func filtersThenSortsThenSkips() throws {
        let result = try Self.page("$filter=rank lt 6&$orderby=rank desc&$skip=1&$top=2", Self.tenItems)
        #expect(Self.ids(result.items) == ["i4", "i3"])
        #expect(result.totalCount == 6)
    }

    @Test func selectKeepsIdAndTheObjectsOwnOrder() throws {
        var full = JSONObject()
        full["id"] = .string("AdminMFAV2")
        full["title"] = .string("Require MFA for administrative roles")
        full["rank"] = .int(1)
        full["threats"] = .array([.string("Password Cracking")])
        let result = try Self.page("$select=threats,RANK", [full, JSONObject([("title", .string("no id"))])])
        #expect(result.items.map(\.keys) == [["id", "rank", "threats"], []])
        #expect(result.items.first?["threats"] == .array([.string("Password Cracking")]))
        let titleOnly = try Self.page("$select=title", [full])
        #expect(titleOnly.items.first?.keys == ["id", "title"])
        let everything = try Self.page("$select=*", [full])
        #expect(everything.items.first == full)
    }

    @Test func nextLinkParametersRebuildTheQuery() throws {
        let query = try #require(
            ODataFixtures.query(
                "$filter=RANK ge 1 and title ne null&$select=Title&$orderby=rank desc,title&$count=true&$top=5"
            ).value
        )
        let items = (0..<10).map { Self.item("i\($0)", rank: .int($0), title: .string("t\($0)")) }
        let first = query.apply(to: items, pageSize: 2)
        let parameters = try #require(query.nextLinkParameters(for: first))
        #expect(
            Self.linkText(parameters) == [
                "$filter=rank ge 1 and title ne null",
                "$select=title",
                "$orderby=rank desc,title",
                "$count=true",
                "$top=3",
                "$skip=2",
            ]
        )
        let next = try #require(
            ODataFixtures.query(parameters: parameters.map { (name: $0.0, value: $0.1) }).value
        )
        let expected = ODataQuery(
            top: 3,
            skip: 2,
            filter: query.filter,
            select: query.select,
            orderBy: query.orderBy,
            count: true
        )
        #expect(next == expected)
        #expect(next.select == ["title"])
    }

    @Test func nextLinkParametersOmitWhatWasNotAsked() throws {
        let query = ODataQuery()
        let first = query.apply(to: Self.tenItems, pageSize: 4)
        let parameters = try #require(query.nextLinkParameters(for: first))
        #expect(Self.linkText(parameters) == ["$skip=4"])
        let last = ODataQuery(skip: 8).apply(to: Self.tenItems, pageSize: 4)
        #expect(ODataQuery(skip: 8).nextLinkParameters(for: last).map(Self.linkText) == nil)
    }

    /// Following next links must visit every requested item exactly once, in order.
    @Test(arguments: [nil, 7] as [Int?])
    func followingNextLinksVisitsEveryItemOnce(_ top: Int?) throws {
        var query = ODataQuery(top: top, orderBy: [ODataOrderItem(property: "rank", propertyType: .integer)])
        var seen: [String] = []
        for _ in 0..<20 {
            let current = query.apply(to: Self.tenItems, pageSize: 3)
            seen += Self.ids(current.items)
            guard let parameters = query.nextLinkParameters(for: current) else { break }
            query = try #require(ODataFixtures.query(parameters: parameters.map { (name: $0.0, value: $0.1) }).value)
        }
        #expect(seen == Self.names(0..<(top ?? 10)))
    }
}
