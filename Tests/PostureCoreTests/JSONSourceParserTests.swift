import PostureCore
import Testing

@Suite struct JSONSourceParserTests {
    @Test func parsesEveryKindWithLines() throws {
        let text = """
            {
              "a": 1.5e2,
              "b": [true, false, null],
              "c": "x\\u00e9\\ud83d\\ude00\\n"
            }
            """
        let root = try JSONSourceParser.parse(text, file: "t.json")
        #expect(root.line == 1)
        #expect(root.member("a") == SourceNode(.number(150), line: 2))
        #expect(root.member("b")?.line == 3)
        #expect(root.member("c")?.value == .string("xé😀\n"))
        #expect(root.member("c")?.line == 4)
    }

    static let malformed: [(String, Int, String)] = [
        ("{\"a\": 1,}", 1, "expected a quoted member name"),
        ("{\n\"a\" 1}", 2, "expected ':'"),
        ("[1, 2", 1, "end of file"),
        ("{\"a\": tru}", 1, "expected 'true'"),
        ("{\"a\": 01}", 1, "expected ',' or '}'"),
        ("{\"a\": \"x\ny\"}", 1, "control character"),
        ("{\"a\": 1, \"a\": 2}", 1, "appears twice"),
        ("{}\n{}", 2, "after the end of the document"),
        ("{\"a\": 1e}", 1, "exponent"),
        ("\"\\ud800\"", 1, "unpaired surrogate"),
        ("", 1, "expected a value"),
    ]

    @Test(arguments: malformed)
    func reportsLineAndReason(_ input: String, _ line: Int, _ reason: String) {
        #expect {
            try JSONSourceParser.parse(input, file: "bad.json")
        } throws: { error in
            guard let diagnostic = error as? Diagnostic else { return false }
            return diagnostic.line == line && diagnostic.file == "bad.json" && diagnostic.message.contains(reason)
        }
    }

    @Test func rejectsDeepNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: Diagnostic.self) { try JSONSourceParser.parse(deep, file: "deep.json") }
    }
}
