import Foundation
import PostureCore
import PropertyBased
import Testing

/// The plain reader of string lists agrees with Foundation's decoder wherever it answers, and
/// leaves everything else to it.
@Suite struct PlainJSONStringsTests {
    @Test(arguments: [
        ("[]", [String]?.some([])),
        (#"["HasAADP1"]"#, ["HasAADP1"]),
        (#"["HasAADP1","HasExchange"]"#, ["HasAADP1", "HasExchange"]),
        (#"["",""]"#, ["", ""]),
        (#"["Zürich ✓"]"#, ["Zürich ✓"]),
        // Not the plain form: the general decoder reads these.
        (#"["a", "b"]"#, nil),
        (#"["a\"b"]"#, nil),
        (#"["a\u0041"]"#, nil),
        (#"["a",1]"#, nil),
        (#"["a",]"#, nil),
        (#"["a""b"]"#, nil),
        (#"["a"#, nil),
        (#"{"a":"b"}"#, nil),
        ("", nil),
        ("[", nil),
    ])
    func readsThePlainFormOnly(text: String, expected: [String]?) {
        #expect(PlainJSONStrings.parse(text) == expected)
    }

    /// Whatever Foundation's encoder writes for a list of strings is either read the same or
    /// left to the general decoder; never read differently.
    @Test func agreesWithFoundation() async {
        let names = Gen.character(in: " "..."~").string(of: 0...12).array(of: 0...6)
        await propertyCheck(count: 300, input: names) { names in
            guard let encoded = try? JSONEncoder().encode(names), let text = String(data: encoded, encoding: .utf8)
            else { return }
            let plain = PlainJSONStrings.parse(text)
            #expect(plain == nil || plain == names)
            // Names without quotes, backslashes or slashes are always in the plain form.
            if !names.joined().contains(where: { "\"\\/".contains($0) }) { #expect(plain == names) }
        }
    }
}
