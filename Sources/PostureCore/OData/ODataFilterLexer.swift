import Foundation

/// One token of a `$filter` expression. `position` is the 1-based character offset of its first
/// character; the end token sits one past the last character.
struct ODataFilterToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A name or keyword as written: a property, `and`, `eq`, `true`, a function name, …
        case word(String)
        /// The content of a single-quoted string, with `''` already turned into `'`.
        case string(String)
        case number(Double)
        case dateTime(Date)
        case openParen
        case closeParen
        case comma
        case slash
        case end
    }

    var kind: Kind
    /// The token exactly as written (strings with their quotes).
    var text: String
    var position: Int

    var isEnd: Bool {
        if case .end = kind { return true }
        return false
    }

    /// How the token is named in an error message.
    var quoted: String {
        switch kind {
        case .end: "the end of the filter"
        case .string: text
        default: "'\(text)'"
        }
    }
}

/// Splits a `$filter` into tokens on demand, so an error is reported at the first problem in
/// reading order (a lambda's `:` is never reached once `any(` has been rejected).
struct ODataFilterLexer {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    mutating func next() throws(ODataQueryError) -> ODataFilterToken {
        while index < characters.count, characters[index].isWhitespace {
            index += 1
        }
        let start = index
        let position = start + 1
        guard start < characters.count else {
            return ODataFilterToken(kind: .end, text: "", position: position)
        }
        let character = characters[start]
        switch character {
        case "(":
            index += 1
            return ODataFilterToken(kind: .openParen, text: "(", position: position)
        case ")":
            index += 1
            return ODataFilterToken(kind: .closeParen, text: ")", position: position)
        case ",":
            index += 1
            return ODataFilterToken(kind: .comma, text: ",", position: position)
        case "/":
            index += 1
            return ODataFilterToken(kind: .slash, text: "/", position: position)
        case "'":
            return try quotedString(from: start)
        default:
            break
        }
        let isNegativeNumber = character == "-" && start + 1 < characters.count && Self.isDigit(characters[start + 1])
        if Self.isDigit(character) || isNegativeNumber {
            return try numberOrDate(from: start)
        }
        if character.isLetter || character == "_" {
            index = start + 1
            while index < characters.count,
                characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
            {
                index += 1
            }
            let word = String(characters[start..<index])
            return ODataFilterToken(kind: .word(word), text: word, position: position)
        }
        throw Self.unexpected(character, at: position)
    }

    private mutating func quotedString(from start: Int) throws(ODataQueryError) -> ODataFilterToken {
        var value = ""
        var cursor = start + 1
        while cursor < characters.count {
            if characters[cursor] == "'" {
                if cursor + 1 < characters.count, characters[cursor + 1] == "'" {
                    value.append("'")
                    cursor += 2
                    continue
                }
                index = cursor + 1
                let text = String(characters[start..<index])
                return ODataFilterToken(kind: .string(value), text: text, position: start + 1)
            }
            value.append(characters[cursor])
            cursor += 1
        }
        throw Self.error("unterminated string starting at position \(start + 1); close it with '")
    }

    /// Numbers and unquoted dates share a first character, so the whole run of characters that can
    /// belong to either is read first and then classified.
    private mutating func numberOrDate(from start: Int) throws(ODataQueryError) -> ODataFilterToken {
        index = start + 1
        while index < characters.count, Self.isValueCharacter(characters[index]) {
            index += 1
        }
        let text = String(characters[start..<index])
        let position = start + 1
        if Self.isNumberSyntax(text) {
            guard let value = Double(text), value.isFinite else {
                throw Self.error("the number \(text) at position \(position) is out of range")
            }
            return ODataFilterToken(kind: .number(value), text: text, position: position)
        }
        if let date = Date(iso8601: text) {
            return ODataFilterToken(kind: .dateTime(date), text: text, position: position)
        }
        throw Self.error(
            "'\(text)' at position \(position) is neither a number nor a date and time like 2026-11-28T00:00:00Z"
        )
    }

    static func error(_ message: String) -> ODataQueryError {
        ODataQueryError(parameter: "$filter", message: "$filter: " + message)
    }

    private static func unexpected(_ character: Character, at position: Int) -> ODataQueryError {
        let base = "unexpected '\(character)' at position \(position)"
        switch character {
        case "=", "<", ">", "!":
            return error(base + "; compare with eq, ne, gt, ge, lt or le")
        case "\"":
            return error(base + "; quote strings with single quotes")
        case "&", "|":
            return error(base + "; combine conditions with and, or and not")
        default:
            return error(base)
        }
    }

    private static func isDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return ascii >= 48 && ascii <= 57
    }

    private static func isValueCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        switch ascii {
        case 48...57, 65...90, 97...122: return true
        case UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "-"): return true
        default: return false
        }
    }

    /// `-?digits(.digits)?([eE][+-]?digits)?`, checked by hand because `Double(_:)` also accepts
    /// hexadecimal, `inf` and `nan`.
    static func isNumberSyntax(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                index += 1
            }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
        }
        guard digits() > 0 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }
}
