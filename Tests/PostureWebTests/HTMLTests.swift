import Testing

@testable import PostureWeb

@Suite struct HTMLTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"),
        ("plain", "plain"),
    ])
    func escapesText(input: String, expected: String) {
        #expect(HTML.escape(input) == expected)
    }
}
