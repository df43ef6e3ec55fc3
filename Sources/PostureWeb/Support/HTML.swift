/// Escaping for HTML text and attribute values. Every piece of user text (names, notes, tags)
/// goes through here before it reaches a page.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}

/// Markup that is already safe to insert; built only from escaped text and literal tags.
public struct SafeHTML: Sendable, Equatable, CustomStringConvertible {
    public let markup: String

    /// Literal markup written in our own source.
    public init(trusted markup: String) { self.markup = markup }

    /// User or stored text, escaped.
    public init(text: String) { markup = HTML.escape(text) }

    public var description: String { markup }

    public static func + (lhs: SafeHTML, rhs: SafeHTML) -> SafeHTML { SafeHTML(trusted: lhs.markup + rhs.markup) }

    public static func join(_ parts: [SafeHTML], separator: String = "") -> SafeHTML {
        SafeHTML(trusted: parts.map(\.markup).joined(separator: separator))
    }
}

extension String {
    /// This text escaped for HTML.
    var html: String { HTML.escape(self) }
}
