import Foundation
import PropertyBased
import Testing

@testable import PostureCore

/// The query options' trim is Foundation's `.whitespaces` trim, spaces of every script included.
@Suite struct WhitespaceTrimTests {
    @Test func trimsAsFoundationDoes() async {
        let pieces: [String] = ["", "a", "top", " ", "\t", "\u{00A0}", "\u{3000}", "\n", "é", "1", "$"]
        let texts = Gen.int(in: 0...(pieces.count - 1)).array(of: 0...6).map { $0.map { pieces[$0] }.joined() }
        await propertyCheck(count: 400, input: texts) { text in
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
            #expect(text[...].trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        }
    }
}
