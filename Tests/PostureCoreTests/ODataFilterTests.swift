import Foundation
import PostureCore
import Testing

struct FilterParseCase: CustomTestStringConvertible, Sendable {
    var text: String
    var expected: ODataFilter

    var testDescription: String { text }
}

struct FilterErrorCase: CustomTestStringConvertible, Sendable {
    var text: String
    var fragment: String

    var testDescription: String { text }
}

struct FilterEvaluationCase: CustomTestStringConvertible, Sendable {
    var text: String
    var expected: Bool

    var testDescription: String { "\(text) → \(expected)" }
}

@Suite struct ODataFilterTests {
    static let rank1 = ODataFixtures.compare("rank", .eq, .number(1))
    static let rank2 = ODataFixtures.compare("rank", .eq, .number(2))
    static let rank3 = ODataFixtures.compare("rank", .eq, .number(3))
    static let titleX = ODataFixtures.compare("title", .eq, .string("x"))
    static let midnight = ODataFixtures.date("2026-11-28T00:00:00Z")

    static let parses: [FilterParseCase] = [
        .init(text: "id eq 'AdminMFAV2'", expected: ODataFixtures.compare("id", .eq, .string("AdminMFAV2"))),
        .init(text: "ID EQ 'x'", expected: ODataFixtures.compare("id", .eq, .string("x"))),
        .init(
            text: "controlcategory Eq 'Identity'",
            expected: ODataFixtures.compare("controlCategory", .eq, .string("Identity"))
        ),
        .init(text: "title eq 'O''Brien'", expected: ODataFixtures.compare("title", .eq, .string("O'Brien"))),
        .init(text: "title eq ''", expected: ODataFixtures.compare("title", .eq, .string(""))),
        .init(text: "title eq ''''", expected: ODataFixtures.compare("title", .eq, .string("'"))),
        .init(
            text: "title eq 'a and b or not c'",
            expected: ODataFixtures.compare("title", .eq, .string("a and b or not c"))
        ),
        .init(text: "currentScore gt 10.5", expected: ODataFixtures.compare("currentScore", .gt, .number(10.5))),
        .init(text: "currentScore ge -2", expected: ODataFixtures.compare("currentScore", .ge, .number(-2))),
        .init(text: "maxScore lt 1e2", expected: ODataFixtures.compare("maxScore", .lt, .number(100))),
        .init(text: "maxScore lt 2.5E-1", expected: ODataFixtures.compare("maxScore", .lt, .number(0.25))),
        .init(text: "rank le 3", expected: ODataFixtures.compare("rank", .le, .number(3))),
        .init(text: "deprecated eq true", expected: ODataFixtures.compare("deprecated", .eq, .bool(true))),
        .init(text: "deprecated ne FALSE", expected: ODataFixtures.compare("deprecated", .ne, .bool(false))),
        .init(text: "title eq null", expected: ODataFixtures.compare("title", .eq, .null)),
        .init(text: "rank ne null", expected: ODataFixtures.compare("rank", .ne, .null)),
        .init(
            text: "createdDateTime ge 2026-11-28T00:00:00Z",
            expected: ODataFixtures.compare("createdDateTime", .ge, .dateTime(midnight))
        ),
        .init(
            text: "createdDateTime lt '2026-11-28T00:00:00Z'",
            expected: ODataFixtures.compare("createdDateTime", .lt, .dateTime(midnight))
        ),
        .init(
            text: "createdDateTime lt 2026-11-28",
            expected: ODataFixtures.compare("createdDateTime", .lt, .dateTime(midnight))
        ),
        .init(
            text: "createdDateTime gt 2026-11-28T01:30:00+01:30",
            expected: ODataFixtures.compare("createdDateTime", .gt, .dateTime(midnight))
        ),
        .init(text: "5 lt rank", expected: ODataFixtures.compare("rank", .gt, .number(5))),
        .init(text: "5 ge rank", expected: ODataFixtures.compare("rank", .le, .number(5))),
        .init(text: "5 ne rank", expected: ODataFixtures.compare("rank", .ne, .number(5))),
        .init(
            text: "'Identity' eq controlCategory",
            expected: ODataFixtures.compare("controlCategory", .eq, .string("Identity"))
        ),
        .init(text: "null eq tier", expected: ODataFixtures.compare("tier", .eq, .null)),
        .init(text: "rank eq 1 or rank eq 2 and title eq 'x'", expected: .or(rank1, .and(rank2, titleX))),
        .init(text: "rank eq 1 and rank eq 2 or title eq 'x'", expected: .or(.and(rank1, rank2), titleX)),
        .init(text: "(rank eq 1 or rank eq 2) and title eq 'x'", expected: .and(.or(rank1, rank2), titleX)),
        .init(text: "not rank eq 1 and title eq 'x'", expected: .and(.not(rank1), titleX)),
        .init(text: "not (rank eq 1 and title eq 'x')", expected: .not(.and(rank1, titleX))),
        .init(text: "not(rank eq 1)", expected: .not(rank1)),
        .init(text: "NOT rank eq 1", expected: .not(rank1)),
        .init(text: "not not rank eq 1", expected: .not(.not(rank1))),
        .init(text: "((rank eq 1))", expected: rank1),
        .init(text: "rank eq 1 and rank eq 2 and rank eq 3", expected: .and(.and(rank1, rank2), rank3)),
        .init(text: "rank eq 1 OR rank eq 2 Or rank eq 3", expected: .or(.or(rank1, rank2), rank3)),
        .init(text: "  rank eq 1\t", expected: rank1),
        .init(
            text: "service eq 'MDATP' and id eq 'scid_96'",
            expected: .and(
                ODataFixtures.compare("service", .eq, .string("MDATP")),
                ODataFixtures.compare("id", .eq, .string("scid_96"))
            )
        ),
    ]

    @Test(arguments: parses)
    func parsesFilters(_ testCase: FilterParseCase) {
        let result = ODataFixtures.filter(testCase.text)
        #expect(result.failure == nil)
        #expect(result.value == testCase.expected)
    }

    /// The canonical text is what next links carry, so it must read back as the same filter.
    @Test(arguments: parses)
    func descriptionParsesBackToTheSameFilter(_ testCase: FilterParseCase) {
        #expect(ODataFixtures.filter(testCase.expected.description).value == testCase.expected)
    }

    @Test func descriptionIsCanonical() {
        #expect(
            ODataFixtures.filter("RANK eq 1 or rank eq 2 and TITLE eq 'x'").value?.description
                == "rank eq 1 or (rank eq 2 and title eq 'x')"
        )
        #expect(ODataFixtures.filter("'O''Brien' eq title").value?.description == "title eq 'O''Brien'")
        #expect(ODataFixtures.filter("not (5 gt rank)").value?.description == "not rank lt 5")
        #expect(ODataFixtures.filter("currentScore ge 7.5").value?.description == "currentScore ge 7.5")
        #expect(
            ODataFixtures.filter("createdDateTime gt '2026-11-28T10:00:00.25+01:00'").value?.description
                == "createdDateTime gt 2026-11-28T09:00:00.25Z"
        )
    }

    static let errors: [FilterErrorCase] = [
        .init(text: "id", fragment: "$filter: expected a comparison operator after 'id' at position 3"),
        .init(text: "id 'x'", fragment: "expected a comparison operator after 'id' at position 4, found 'x'"),
        .init(text: "id = 'x'", fragment: "unexpected '=' at position 4; compare with eq"),
        .init(text: "id eq", fragment: "expected a property name or a value after 'eq' at position 6, found the end"),
        .init(text: "id eq 'x", fragment: "unterminated string starting at position 7"),
        .init(text: "title eq \"x\"", fragment: "quote strings with single quotes"),
        .init(text: "contains(title, 'MFA')", fragment: "$filter: function 'contains' is not supported"),
        .init(text: "startswith(id,'scid')", fragment: "function 'startswith' is not supported"),
        .init(text: "tolower(id) eq 'x'", fragment: "function 'tolower' is not supported"),
        .init(text: "threats/any(t: t eq 'Phishing')", fragment: "lambda operator 'any' is not supported"),
        .init(text: "threats/all(t:t ne 'x')", fragment: "lambda operator 'all' is not supported"),
        .init(
            text: "vendorInformation/provider eq 'SecureScore'",
            fragment: "property path 'vendorInformation/provider' is not supported"
        ),
        .init(text: "threats eq 'x'", fragment: "threats is a collection; filtering on it is not supported"),
        .init(text: "vendorInformation eq null", fragment: "vendorInformation is an object"),
        .init(text: "foo eq 1", fragment: "unknown property 'foo' at position 1"),
        .init(text: "rank eq 1 and bar eq 2", fragment: "unknown property 'bar' at position 15"),
        .init(
            text: "currentScore eq 'abc'",
            fragment: "$filter: currentScore is a number; compare it with a number, not 'abc'"
        ),
        .init(text: "id eq 5", fragment: "id is text; compare it with a quoted string like 'value', not 5"),
        .init(text: "'abc' lt rank", fragment: "rank is a number; compare it with a number, not 'abc'"),
        .init(text: "deprecated eq 'yes'", fragment: "deprecated is true or false; compare it with true or false"),
        .init(text: "rank eq true", fragment: "rank is a number"),
        .init(
            text: "createdDateTime gt 'yesterday'",
            fragment: "createdDateTime is a date and time; compare it with a date and time like 2026-11-28T00:00:00Z"
        ),
        .init(text: "createdDateTime gt 5", fragment: "createdDateTime is a date and time"),
        .init(text: "id eq 2026-11-28T00:00:00Z", fragment: "id is text"),
        .init(text: "rank eq 1 and", fragment: "expected a property name or a value at position 14, found the end"),
        .init(text: "(rank eq 1", fragment: "expected ')' to close the '(' at position 1, found the end"),
        .init(text: "rank eq 1)", fragment: "unexpected ')' at position 10"),
        .init(text: "rank eq 1 rank eq 2", fragment: "unexpected 'rank' at position 11"),
        .init(text: "and eq 1", fragment: "expected a property name or a value at position 1, found 'and'"),
        .init(text: "rank in (1, 2)", fragment: "operator 'in' is not supported"),
        .init(text: "rank add 1 eq 2", fragment: "operator 'add' is not supported"),
        .init(text: "rank eq maxScore", fragment: "comparing two properties ('rank' and 'maxScore')"),
        .init(text: "1 eq 1", fragment: "compares two values"),
        .init(text: "rank eq 12abc", fragment: "'12abc' at position 9 is neither a number nor a date"),
        .init(text: "rank eq 1e999", fragment: "the number 1e999 at position 9 is out of range"),
        .init(text: "rank eq 0x10", fragment: "'0x10' at position 9 is neither"),
        .init(text: "rank eq -x", fragment: "unexpected '-' at position 9"),
        .init(text: "", fragment: "$filter must not be empty"),
        .init(text: "   ", fragment: "$filter must not be empty"),
    ]

    @Test(arguments: errors)
    func rejectsFilters(_ testCase: FilterErrorCase) {
        let result = ODataFixtures.filter(testCase.text)
        #expect(result.value == nil)
        let error = result.failure
        #expect(error?.parameter == "$filter")
        #expect(error?.message.hasPrefix("$filter") == true)
        #expect(error?.message.contains(testCase.fragment) == true, "\(error?.message ?? "no error")")
    }

    @Test func nestingIsLimitedTo32Levels() {
        let deepest = String(repeating: "(", count: 32) + "rank eq 1" + String(repeating: ")", count: 32)
        #expect(ODataFixtures.filter(deepest).value == Self.rank1)
        let tooDeep = String(repeating: "(", count: 33) + "rank eq 1" + String(repeating: ")", count: 33)
        #expect(ODataFixtures.filter(tooDeep).failure?.message.contains("nested too deeply") == true)
        let manyNots = String(repeating: "not ", count: 33) + "rank eq 1"
        #expect(ODataFixtures.filter(manyNots).failure?.message.contains("nested too deeply") == true)
    }

    @Test func lengthIsLimitedTo2000Characters() {
        let longest = "title eq '" + String(repeating: "x", count: 1989) + "'"
        #expect(longest.count == 2000)
        #expect(ODataFixtures.filter(longest).failure == nil)
        let tooLong = "title eq '" + String(repeating: "x", count: 1990) + "'"
        let error = ODataFixtures.filter(tooLong).failure
        #expect(error?.parameter == "$filter")
        #expect(error?.message.hasPrefix("$filter is too long: 2001 characters") == true)
    }

    // MARK: - Evaluation

    /// One control profile: `service` is missing and `tier` is an explicit null.
    static let sample: JSONObject = JSONObject([
        ("id", .string("AdminMFAV2")),
        ("title", .string("O'Brien's control")),
        ("controlCategory", .string("Identity")),
        ("maxScore", .int(10)),
        ("currentScore", .double(7.5)),
        ("rank", .int(3)),
        ("deprecated", .bool(false)),
        ("createdDateTime", .string("2026-11-28T09:30:00Z")),
        ("tier", .null),
    ])

    static let evaluations: [FilterEvaluationCase] = [
        .init(text: "id eq 'adminmfav2'", expected: true),
        .init(text: "id eq 'AdminMFA'", expected: false),
        .init(text: "id ne 'ADMINMFAV2'", expected: false),
        .init(text: "controlCategory eq 'IDENTITY'", expected: true),
        .init(text: "controlCategory gt 'Apps'", expected: true),
        .init(text: "controlCategory lt 'Apps'", expected: false),
        .init(text: "controlCategory gt 'apps'", expected: false),
        .init(text: "controlCategory ge 'IDENTITY'", expected: true),
        .init(text: "controlCategory le 'identity'", expected: true),
        .init(text: "controlCategory lt 'identity'", expected: false),
        .init(text: "title eq 'O''Brien''s control'", expected: true),
        .init(text: "maxScore eq 10", expected: true),
        .init(text: "maxScore eq 10.0", expected: true),
        .init(text: "maxScore gt 9.5", expected: true),
        .init(text: "maxScore lt 10", expected: false),
        .init(text: "currentScore eq 7.5", expected: true),
        .init(text: "currentScore lt 8", expected: true),
        .init(text: "currentScore ge 7.6", expected: false),
        .init(text: "rank ge 3 and rank le 3", expected: true),
        .init(text: "3 ge rank", expected: true),
        .init(text: "4 le rank", expected: false),
        .init(text: "deprecated eq false", expected: true),
        .init(text: "deprecated ne true", expected: true),
        .init(text: "deprecated eq true", expected: false),
        .init(text: "deprecated gt false", expected: false),
        .init(text: "deprecated lt true", expected: false),
        .init(text: "deprecated ge false", expected: false),
        .init(text: "tier eq null", expected: true),
        .init(text: "service eq null", expected: true),
        .init(text: "service ne null", expected: false),
        .init(text: "id ne null", expected: true),
        .init(text: "id eq null", expected: false),
        .init(text: "tier ne 'Core'", expected: true),
        .init(text: "tier eq 'Core'", expected: false),
        .init(text: "service gt 'A'", expected: false),
        .init(text: "service lt 'A'", expected: false),
        .init(text: "tier ge null", expected: false),
        .init(text: "tier le null", expected: false),
        .init(text: "not (service gt 'A')", expected: true),
        .init(text: "createdDateTime eq 2026-11-28T09:30:00Z", expected: true),
        .init(text: "createdDateTime eq 2026-11-28T11:30:00+02:00", expected: true),
        .init(text: "createdDateTime gt 2026-11-28", expected: true),
        .init(text: "createdDateTime lt '2026-11-28T09:30:01Z'", expected: true),
        .init(text: "createdDateTime ge 2026-11-29", expected: false),
        .init(text: "createdDateTime ne 2026-11-28T09:30:00.5Z", expected: true),
        .init(text: "rank eq 3 or rank eq 1 and deprecated eq true", expected: true),
        .init(text: "(rank eq 3 or rank eq 1) and deprecated eq true", expected: false),
        .init(text: "not rank eq 1", expected: true),
        .init(text: "not rank eq 3 or id eq 'AdminMFAV2'", expected: true),
        .init(text: "not (rank eq 3 or id eq 'AdminMFAV2')", expected: false),
        .init(text: "service eq 'MDATP' and id eq 'AdminMFAV2'", expected: false),
    ]

    @Test(arguments: evaluations)
    func evaluatesLikeGraph(_ testCase: FilterEvaluationCase) throws {
        let filter = try #require(ODataFixtures.filter(testCase.text).value)
        #expect(filter.matches(Self.sample) == testCase.expected)
    }

    @Test func integersAndDoublesCompareNumerically() {
        let filter = ODataFixtures.compare("maxScore", .eq, .number(10))
        #expect(filter.matches(JSONObject([("maxScore", .int(10))])))
        #expect(filter.matches(JSONObject([("maxScore", .double(10.0))])))
        #expect(!filter.matches(JSONObject([("maxScore", .double(10.25))])))
        let larger = ODataFixtures.compare("maxScore", .gt, .number(9.75))
        #expect(larger.matches(JSONObject([("maxScore", .int(10))])))
        #expect(!larger.matches(JSONObject([("maxScore", .int(9))])))
    }

    @Test func valuesOfAnotherJSONTypeAreUnequalAndUnordered() {
        let text = JSONObject([("rank", .string("3")), ("createdDateTime", .string("not a date"))])
        #expect(!ODataFixtures.compare("rank", .eq, .number(3)).matches(text))
        #expect(ODataFixtures.compare("rank", .ne, .number(3)).matches(text))
        #expect(!ODataFixtures.compare("rank", .ge, .number(0)).matches(text))
        #expect(!ODataFixtures.compare("createdDateTime", .lt, .dateTime(Self.midnight)).matches(text))
        #expect(ODataFixtures.compare("createdDateTime", .ne, .dateTime(Self.midnight)).matches(text))
    }
}
