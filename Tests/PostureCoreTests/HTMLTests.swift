import Testing

@testable import PostureCore

@Suite struct HTMLTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"),
        ("plain", "plain"),
        // A quote followed by a combining mark is one grapheme that is not a quote; the escaper
        // must still see the quote.
        ("\"\u{301}", "&quot;\u{301}"), ("'\u{301}", "&#39;\u{301}"), ("<\u{338}", "&lt;\u{338}"),
        ("&\u{301}", "&amp;\u{301}"), ("x\"\u{301} onmouseover=1", "x&quot;\u{301} onmouseover=1"),
    ])
    func escapesText(input: String, expected: String) {
        #expect(HTML.escape(input).unicodeScalars.elementsEqual(expected.unicodeScalars))
    }

    @Test func interpolatedTextIsEscapedAndMarkupIsKept() {
        let name = "\"\u{301} onmouseover=alert(1) <b>"
        let cell: SafeHTML = "<td title=\"\(name)\">\(name)</td>"
        let row: SafeHTML = "<tr>\(cell)</tr>"
        #expect(
            row.markup.unicodeScalars.elementsEqual(
                "<tr><td title=\"&quot;\u{301} onmouseover=alert(1) &lt;b&gt;\">&quot;\u{301} onmouseover=alert(1) &lt;b&gt;</td></tr>"
                    .unicodeScalars
            )
        )
        #expect(row.markup.contains("&quot;\u{301} onmouseover=alert(1) &lt;b&gt;"))
        #expect(row.markup.hasPrefix("<tr><td title=\""))
        #expect(SafeHTML.join([cell, cell], separator: "\n").markup == cell.markup + "\n" + cell.markup)
    }

    @Test(arguments: [
        ("/orgs/contoso", true), ("https://learn.microsoft.com/x", true), ("mailto:?subject=x", true), ("#top", true),
        ("javascript:alert(1)", false), ("JaVaScRiPt:alert(1)", false), ("data:text/html,x", false),
        ("//evil.example/", false), ("/\\evil.example", false),
    ])
    func linksKeepOnlySafeSchemes(target: String, allowed: Bool) {
        let link: SafeHTML = "<a href=\"\(href: target)\">x</a>"
        #expect(link.markup.contains("href=\"#\"") != allowed, "\(target)")
    }
}
