import Foundation
import PostureCore
import Testing

struct ValidQueryCase: CustomTestStringConvertible, Sendable {
    var query: String
    var expected: ODataQuery

    var testDescription: String { query.isEmpty ? "(no options)" : query }
}

struct InvalidQueryCase: CustomTestStringConvertible, Sendable {
    var query: String
    var parameter: String
    var fragment: String

    var testDescription: String { query }
}

@Suite struct ODataQueryTests {
    static let rankAscending = ODataOrderItem(property: "rank", descending: false, propertyType: .integer)
    static let rankDescending = ODataOrderItem(property: "rank", descending: true, propertyType: .integer)
    static let titleAscending = ODataOrderItem(property: "title", descending: false, propertyType: .string)

    static let valid: [ValidQueryCase] = [
        .init(query: "", expected: ODataQuery()),
        .init(query: "$top=5", expected: ODataQuery(top: 5)),
        .init(query: "$top=0", expected: ODataQuery(top: 0)),
        .init(query: "$top=1000", expected: ODataQuery(top: 1000)),
        .init(query: "$top= 7 ", expected: ODataQuery(top: 7)),
        .init(query: "top=7", expected: ODataQuery(top: 7)),
        .init(query: "%24top=3&%24skip=2", expected: ODataQuery(top: 3, skip: 2)),
        .init(query: "%24Top=3", expected: ODataQuery(top: 3)),
        .init(query: "$TOP=4&$Skip=1", expected: ODataQuery(top: 4, skip: 1)),
        .init(query: "$skip=0", expected: ODataQuery()),
        .init(query: "skip=12", expected: ODataQuery(skip: 12)),
        .init(query: "$skip=100000", expected: ODataQuery(skip: 100_000)),
        .init(query: "$count=true", expected: ODataQuery(count: true)),
        .init(query: "$count=TRUE", expected: ODataQuery(count: true)),
        .init(query: "Count=False", expected: ODataQuery(count: false)),
        .init(query: "$count=true&$top=999", expected: ODataQuery(top: 999, count: true)),
        .init(query: "$select=id,title", expected: ODataQuery(select: ["id", "title"])),
        .init(query: "$select= Title , MAXSCORE ", expected: ODataQuery(select: ["title", "maxScore"])),
        .init(query: "select=rank", expected: ODataQuery(select: ["rank"])),
        .init(query: "$select=title,TITLE", expected: ODataQuery(select: ["title"])),
        .init(
            query: "$select=threats,vendorInformation",
            expected: ODataQuery(select: ["threats", "vendorInformation"])
        ),
        .init(query: "$select=*", expected: ODataQuery()),
        .init(query: "$orderby=rank", expected: ODataQuery(orderBy: [rankAscending])),
        .init(query: "$orderby=rank desc,title", expected: ODataQuery(orderBy: [rankDescending, titleAscending])),
        .init(
            query: "$OrderBy=RANK DESC , Title ASC",
            expected: ODataQuery(orderBy: [rankDescending, titleAscending])
        ),
        .init(
            query: "orderby=createdDateTime desc",
            expected: ODataQuery(
                orderBy: [ODataOrderItem(property: "createdDateTime", descending: true, propertyType: .dateTime)]
            )
        ),
        .init(query: "$expand=*", expected: ODataQuery()),
        .init(query: "$expand=", expected: ODataQuery()),
        .init(query: "api-version=1&foo=bar&search=mfa", expected: ODataQuery()),
        .init(
            query: "$filter=id eq 'AdminMFAV2'",
            expected: ODataQuery(filter: .compare(property: "id", op: .eq, literal: .string("AdminMFAV2")))
        ),
        .init(
            query: "filter=RANK lt 5",
            expected: ODataQuery(filter: .compare(property: "rank", op: .lt, literal: .number(5)))
        ),
        .init(
            query: "%24filter=deprecated eq false&%24count=true",
            expected: ODataQuery(filter: .compare(property: "deprecated", op: .eq, literal: .bool(false)), count: true)
        ),
    ]

    @Test(arguments: valid)
    func parsesValidOptions(_ testCase: ValidQueryCase) {
        let result = ODataFixtures.query(testCase.query)
        #expect(result.failure == nil)
        #expect(result.value == testCase.expected)
    }

    static let invalid: [InvalidQueryCase] = [
        .init(
            query: "$top=abc",
            parameter: "$top",
            fragment: "$top must be a whole number between 0 and 1000, got 'abc'"
        ),
        .init(query: "$top=-1", parameter: "$top", fragment: "got '-1'"),
        .init(query: "$top=1001", parameter: "$top", fragment: "between 0 and 1000"),
        .init(query: "$top=2.5", parameter: "$top", fragment: "got '2.5'"),
        .init(query: "$top=+5", parameter: "$top", fragment: "got '+5'"),
        .init(query: "$top=", parameter: "$top", fragment: "got ''"),
        .init(query: "$top=99999999999999999999999", parameter: "$top", fragment: "whole number"),
        .init(query: "top=abc", parameter: "$top", fragment: "got 'abc'"),
        .init(
            query: "$skip=-3",
            parameter: "$skip",
            fragment: "$skip must be a whole number between 0 and 100000, got '-3'"
        ),
        // Near Int.max: `$skip + $top` would overflow and trap the server.
        .init(query: "$skip=9223372036854775807", parameter: "$skip", fragment: "between 0 and 100000"),
        .init(query: "$skip=100001", parameter: "$skip", fragment: "between 0 and 100000"),
        .init(query: "$skip=0000000000000000001", parameter: "$skip", fragment: "between 0 and 100000"),
        .init(query: "skip=x", parameter: "$skip", fragment: "got 'x'"),
        .init(query: "$count=yes", parameter: "$count", fragment: "$count must be true or false, got 'yes'"),
        .init(query: "$count=1", parameter: "$count", fragment: "got '1'"),
        .init(query: "$select=foo", parameter: "$select", fragment: "$select: unknown property 'foo'"),
        .init(query: "$select=controlScores/score", parameter: "$select", fragment: "unknown property"),
        .init(query: "$select=id,,title", parameter: "$select", fragment: "comma-separated list"),
        .init(query: "$select=", parameter: "$select", fragment: "comma-separated list"),
        .init(query: "$orderby=foo", parameter: "$orderby", fragment: "$orderby: unknown property 'foo'"),
        .init(
            query: "$orderby=rank up",
            parameter: "$orderby",
            fragment: "expected asc or desc after 'rank', got 'up'"
        ),
        .init(query: "$orderby=rank desc extra", parameter: "$orderby", fragment: "got 'rank desc extra'"),
        .init(query: "$orderby=", parameter: "$orderby", fragment: "expected 'property'"),
        .init(query: "$orderby=rank,,title", parameter: "$orderby", fragment: "expected 'property'"),
        .init(
            query: "$orderby=threats",
            parameter: "$orderby",
            fragment: "threats is a collection and cannot be sorted"
        ),
        .init(query: "$orderby=vendorInformation desc", parameter: "$orderby", fragment: "is an object"),
        .init(query: "$orderby=rank,Rank desc", parameter: "$orderby", fragment: "rank is listed more than once"),
        .init(query: "$search=mfa", parameter: "$search", fragment: "$search is not supported"),
        .init(query: "%24search=mfa", parameter: "$search", fragment: "$search is not supported"),
        .init(query: "$SEARCH=mfa", parameter: "$search", fragment: "$search is not supported"),
        .init(query: "$format=json", parameter: "$format", fragment: "$format is not supported"),
        .init(query: "$apply=groupby((service))", parameter: "$apply", fragment: "$apply is not supported"),
        .init(query: "$compute=rank mul 2 as double", parameter: "$compute", fragment: "$compute is not supported"),
        .init(query: "$skiptoken=abc", parameter: "$skiptoken", fragment: "$skiptoken is not supported"),
        .init(query: "$foo=1", parameter: "$foo", fragment: "$foo is not supported"),
        .init(query: "$expand=controlScores", parameter: "$expand", fragment: "$expand is not supported"),
        .init(query: "$top=1&$top=2", parameter: "$top", fragment: "$top is given more than once"),
        .init(query: "$top=1&top=2", parameter: "$top", fragment: "$top is given more than once"),
        .init(query: "$top=1&%24TOP=1", parameter: "$top", fragment: "$top is given more than once"),
        .init(
            query: "$filter=id eq 'a'&filter=id eq 'b'",
            parameter: "$filter",
            fragment: "$filter is given more than once"
        ),
        .init(query: "$filter=", parameter: "$filter", fragment: "$filter must not be empty"),
        .init(
            query: "$filter=contains(title,'MFA')",
            parameter: "$filter",
            fragment: "$filter: function 'contains' is not supported"
        ),
        .init(
            query: "$filter=currentScore eq 'abc'",
            parameter: "$filter",
            fragment: "$filter: currentScore is a number; compare it with a number, not 'abc'"
        ),
        .init(query: "$top=5&$search=x", parameter: "$search", fragment: "$search is not supported"),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidOptions(_ testCase: InvalidQueryCase) {
        let result = ODataFixtures.query(testCase.query)
        #expect(result.value == nil)
        let error = result.failure
        #expect(error?.parameter == testCase.parameter)
        #expect(error?.message.contains(testCase.fragment) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.hasPrefix(testCase.parameter) == true)
        #expect(error?.description == error?.message)
    }

    @Test func percentEncodedNamesAreDecodedOnlyWhenTheyStillCarryPercent24() {
        let parameters: [(name: String, value: String)] = [
            (name: "%24top", value: "2"),
            (name: "%24orderby", value: "rank desc"),
            (name: "%2Fignored", value: "x"),
        ]
        let result = ODataFixtures.query(parameters: parameters)
        #expect(result.value == ODataQuery(top: 2, orderBy: [Self.rankDescending]))
    }

    @Test func filterKeepsTheSchemaSpellingOfItsProperties() {
        let query = ODataFixtures.query("$filter=CONTROLCATEGORY eq 'Identity' and CurrentScore ge 1").value
        let expected: ODataFilter = .and(
            .compare(property: "controlCategory", op: .eq, literal: .string("Identity")),
            .compare(property: "currentScore", op: .ge, literal: .number(1))
        )
        #expect(query?.filter == expected)
    }
}
