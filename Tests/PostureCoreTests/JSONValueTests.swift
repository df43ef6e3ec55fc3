import Foundation
import PostureCore
import Testing

@Suite struct JSONValueTests {
    static func encoded(_ value: JSONValue, sortedKeys: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sortedKeys ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func jsonTextKeepsInsertionOrder() {
        var object = JSONObject()
        object["zeta"] = .int(1)
        object["alpha"] = .double(2.5)
        object["mid"] = .object(JSONObject([("b", .null), ("a", .bool(true))]))
        object["list"] = .array([.string("x"), .int(-3)])
        #expect(object.jsonText == #"{"zeta":1,"alpha":2.5,"mid":{"b":null,"a":true},"list":["x",-3]}"#)
        #expect(JSONValue.object(object).jsonText == object.jsonText)
        #expect(JSONValue.object(object).jsonData == Data(object.jsonText.utf8))
    }

    /// In parts, each rendered value is a part of its own and the parts join to the same text.
    @Test func partsHoldRenderedValuesApart() {
        let rendered = #"[{"controlName":"AdminMFAV2","score":10}]"#
        let value: JSONValue = .object(
            JSONObject([
                ("@odata.context", .string("ctx")),
                (
                    "value",
                    .array([
                        .object(JSONObject([("id", .string("a\u{1}\"b")), ("controlScores", .rendered(rendered))]))
                    ])
                ),
                ("tail", .rendered("true")),
            ])
        )
        let parts = JSONTextParts(value)
        #expect(parts.parts.joined() == value.jsonText)
        #expect(
            parts.parts == [
                #"{"@odata.context":"ctx","value":[{"id":"a\u0001\"b","controlScores":"#, rendered, #"}],"tail":"#,
                "true", "}",
            ]
        )
        #expect(parts.byteCount == value.jsonText.utf8.count)
        #expect(JSONTextParts(.string("ü")).parts == ["\"ü\""])
        #expect(JSONTextParts(.rendered("")).parts == [""])
    }

    @Test func numbersAreWrittenAsGraphClientsReadThem() throws {
        let numbers: JSONValue = .array([.int(17), .double(863), .double(342.94), .double(0.5), .double(-0.25)])
        #expect(numbers.jsonText == "[17,863,342.94,0.5,-0.25]")
        #expect(try Self.encoded(numbers) == "[17,863,342.94,0.5,-0.25]")
        #expect(JSONValue.double(.infinity).jsonText == "null")
        #expect(try Self.encoded(.array([.double(.nan)])) == "[null]")
    }

    @Test func jsonEncoderWritesTheSameDocument() throws {
        let value: JSONValue = .object(
            JSONObject([
                ("id", .string("tenant_2026-11-28")),
                ("activeUserCount", .int(17)),
                ("currentScore", .double(342.5)),
                ("enabledServices", .array([.string("HasExchange")])),
                (
                    "vendorInformation",
                    .object(JSONObject([("providerVersion", .null), ("vendor", .string("Microsoft"))]))
                ),
                ("deprecated", .bool(false)),
            ])
        )
        // JSONEncoder does not keep key order, so the comparison sorts keys.
        let expected =
            #"{"activeUserCount":17,"currentScore":342.5,"deprecated":false,"enabledServices":["HasExchange"],"#
            + #""id":"tenant_2026-11-28","vendorInformation":{"providerVersion":null,"vendor":"Microsoft"}}"#
        #expect(try Self.encoded(value, sortedKeys: true) == expected)
        #expect(try Self.encoded(.object(JSONObject([("activeUserCount", .int(17))]))) == #"{"activeUserCount":17}"#)
    }

    @Test func stringsAreEscaped() {
        let text: JSONValue = .string("a\"b\\c\nd\te\u{01}/é")
        #expect(text.jsonText == #""a\"b\\c\nd\te\u0001/é""#)
        #expect(JSONObject([("k\"ey", .string(""))]).jsonText == #"{"k\"ey":""}"#)
    }

    @Test func literalsBuildTheMatchingCases() {
        let object: JSONObject = [
            "name": "MFA", "count": 3, "score": 2.5, "on": true, "tags": ["a"], "nested": ["x": 1],
        ]
        #expect(object["name"] == .string("MFA"))
        #expect(object["count"] == .int(3))
        #expect(object["score"] == .double(2.5))
        #expect(object["on"] == .bool(true))
        #expect(object["tags"] == .array([.string("a")]))
        #expect(object["nested"] == .object(JSONObject([("x", .int(1))])))
        #expect(object.keys == ["name", "count", "score", "on", "tags", "nested"])
    }

    @Test func settingReplacesInPlaceAppendsOrRemoves() {
        var object = JSONObject([("a", .int(1)), ("b", .int(2)), ("c", .int(3))])
        object["a"] = .int(10)
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["a"] == .int(10))
        object["d"] = .null
        #expect(object.keys == ["a", "b", "c", "d"])
        #expect(object["d"] == .null)
        object["a"] = nil
        #expect(object.keys == ["b", "c", "d"])
        #expect(object["a"] == nil)
        object["c"] = .int(30)
        #expect(object.values == [.int(2), .int(30), .null])
        #expect(object.pairs.map { $0.key } == ["b", "c", "d"])
        #expect(object.count == 3)
        object["missing"] = nil
        #expect(object.count == 3)
    }

    @Test func laterDuplicatesReplaceTheFirstValue() {
        let object = JSONObject([("a", .int(1)), ("b", .int(2)), ("a", .int(3))])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .int(3))
    }

    @Test func equalityDependsOnOrder() {
        let ab = JSONObject([("a", .int(1)), ("b", .int(2))])
        let ba = JSONObject([("b", .int(2)), ("a", .int(1))])
        #expect(ab != ba)
        #expect(ab == JSONObject([("a", .int(1)), ("b", .int(2))]))
    }

    @Test func caseInsensitiveLookupPrefersTheExactKey() {
        let object = JSONObject([("State", .string("Ignored")), ("state", .string("Reviewed")), ("Comment", .null)])
        #expect(object.value(forCaseInsensitiveKey: "state")?.value == .string("Reviewed"))
        #expect(object.value(forCaseInsensitiveKey: "STATE")?.key == "State")
        #expect(object.value(forCaseInsensitiveKey: "comment")?.key == "Comment")
        #expect(object.value(forCaseInsensitiveKey: "assignedTo")?.key == nil)
    }

    @Test func selectingKeepsTheObjectsOwnOrder() {
        let object = JSONObject([("id", .string("x")), ("title", .string("t")), ("rank", .int(1))])
        let selected = object.selecting(["rank", "id", "missing"])
        #expect(selected.keys == ["id", "rank"])
        #expect(selected["rank"] == .int(1))
        #expect(object.selecting([]).isEmpty)
    }
}
