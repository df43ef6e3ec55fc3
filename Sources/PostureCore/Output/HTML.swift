/// Escaping for HTML text and attribute values.
public enum HTML {
    /// Escapes over Unicode scalars, not `Character`s: a quote followed by a combining mark is one
    /// grapheme that is not `"`, and walking graphemes would let it close an attribute.
    public static func escape(_ text: String) -> String {
        // The five characters are ASCII, and ASCII bytes never occur inside a multi-byte UTF-8
        // sequence, so a byte scan decides exactly whether anything needs replacing.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 })
        else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output.append(contentsOf: "&amp;".unicodeScalars)
            case "<": output.append(contentsOf: "&lt;".unicodeScalars)
            case ">": output.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": output.append(contentsOf: "&quot;".unicodeScalars)
            case "'": output.append(contentsOf: "&#39;".unicodeScalars)
            default: output.append(scalar)
            }
        }
        return String(output)
    }
}

/// Markup that is safe to insert. It is built only from string literals in our own source
/// (`StaticString`, so no runtime text can pass as one) and interpolations, and an interpolated
/// `String` is escaped: putting user text into a page is safe without anyone remembering to be.
///
///     let cell: SafeHTML = "<td>\(action.title)</td>"   // the title is escaped
///     let row: SafeHTML = "<tr>\(cell)</tr>"            // nested markup is kept as it is
public struct SafeHTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public private(set) var markup: String

    private init(unchecked markup: String) { self.markup = markup }

    public init(stringLiteral literal: StaticString) { markup = literal.description }

    public init(stringInterpolation: Interpolation) { markup = stringInterpolation.markup }

    /// User or stored text, escaped.
    public init(text: String) { markup = HTML.escape(text) }

    public static let empty = SafeHTML(unchecked: "")

    public var description: String { markup }

    public static func + (lhs: SafeHTML, rhs: SafeHTML) -> SafeHTML { SafeHTML(unchecked: lhs.markup + rhs.markup) }

    /// Appends in place: a page or chart built piece by piece is not copied at every piece.
    public static func += (lhs: inout SafeHTML, rhs: SafeHTML) { lhs.markup += rhs.markup }

    public static func join(_ parts: [SafeHTML], separator: SafeHTML = .empty) -> SafeHTML {
        SafeHTML(unchecked: parts.map(\.markup).joined(separator: separator.markup))
    }

    public struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: StaticString) { markup += literal.description }

        /// Text is escaped.
        public mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }

        /// Markup is kept.
        public mutating func appendInterpolation(_ html: SafeHTML) { markup += html.markup }

        /// Nothing when absent.
        public mutating func appendInterpolation(_ html: SafeHTML?) { markup += html?.markup ?? "" }

        /// Markup pieces, one after the other.
        public mutating func appendInterpolation(_ parts: [SafeHTML]) {
            for part in parts { markup += part.markup }
        }

        /// Numbers cannot carry markup.
        public mutating func appendInterpolation(_ number: Int) { markup += String(number) }

        /// A link target: only our own paths, fragments and http(s) or mailto URLs, escaped as an
        /// attribute value. Anything else (`javascript:`, `data:`) becomes `#`.
        public mutating func appendInterpolation(href: String) {
            markup += HTML.escape(SafeHTML.allowedLink(href) ? href : "#")
        }
    }

    static func allowedLink(_ target: String) -> Bool {
        let lower = target.lowercased()
        if lower.hasPrefix("/") { return !lower.hasPrefix("//") && !lower.hasPrefix("/\\") }
        if lower.hasPrefix("#") || lower.hasPrefix("?") { return true }
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:")
    }
}
