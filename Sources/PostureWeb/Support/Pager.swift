import PostureCore

/// How a paged list says where it is and links to its neighbours, the same on every page.
enum Pager {
    /// "Showing 51–100 of 120."; nothing for an empty list.
    static func summary(_ page: ListPage) -> SafeHTML {
        page.total == 0
            ? ""
            : "<p class=\"hint\">Showing \(page.range.lowerBound + 1)–\(page.range.upperBound) of \(page.total).</p>"
    }

    /// The links to the previous and next pages, `href` giving the address of a page's start.
    static func links(
        _ page: ListPage,
        label: String,
        previous: String,
        next: String,
        href: (Int) -> String
    ) -> SafeHTML {
        var links: [SafeHTML] = []
        if let start = page.previous { links.append(#"<a href="\#(href: href(start))" rel="prev">\#(previous)</a>"#) }
        if let start = page.next { links.append(#"<a href="\#(href: href(start))" rel="next">\#(next)</a>"#) }
        return #"<nav class="pager" aria-label="\#(label)">\#(SafeHTML.join(links, separator: " · "))</nav>"#
    }
}
