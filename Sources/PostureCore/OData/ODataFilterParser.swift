import Foundation

extension ODataFilter {
    /// Longer filters are refused before parsing; real clients send a few conditions.
    public static let maximumLength = 2_000
    /// How deeply parentheses and `not` may nest.
    public static let maximumDepth = 32

    /// Parses the OData v4 subset Graph clients send: `property op literal` (or `literal op
    /// property`) with `eq ne gt ge lt le`, combined with `not` > `and` > `or` and parentheses.
    /// Property names are matched case-insensitively and stored in the schema's spelling; literals
    /// are checked against the property's type here, so evaluation never meets a type error.
    public static func parse(
        _ text: String,
        schema: [String: ODataPropertyType]
    ) throws(ODataQueryError) -> ODataFilter {
        let length = text.count
        guard length <= maximumLength else {
            throw ODataQueryError(
                parameter: "$filter",
                message: "$filter is too long: \(length) characters, at most \(maximumLength) are allowed"
            )
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            throw ODataQueryError(parameter: "$filter", message: "$filter must not be empty")
        }
        var parser = try ODataFilterParser(text, schema: schema)
        return try parser.parseAll()
    }
}

/// Recursive descent over ``ODataFilterLexer`` with one token of look-ahead:
///
///     or         := and ("or" and)*
///     and        := unary ("and" unary)*
///     unary      := "not" unary | primary
///     primary    := "(" or ")" | comparison
///     comparison := operand ("eq" | "ne" | "gt" | "ge" | "lt" | "le") operand
struct ODataFilterParser {
    private enum Operand {
        case property(name: String, type: ODataPropertyType, token: ODataFilterToken)
        case literal(ODataLiteral, token: ODataFilterToken)

        var token: ODataFilterToken {
            switch self {
            case .property(_, _, let token): token
            case .literal(_, let token): token
            }
        }
    }

    /// OData operators that exist but that this server does not evaluate.
    private static let unsupportedOperators: Set<String> = ["has", "in", "add", "sub", "mul", "div", "divby", "mod"]

    private let schema: [String: ODataPropertyType]
    private var lexer: ODataFilterLexer
    private var current: ODataFilterToken
    private var depth = 0

    init(_ text: String, schema: [String: ODataPropertyType]) throws(ODataQueryError) {
        self.schema = schema
        var lexer = ODataFilterLexer(text)
        current = try lexer.next()
        self.lexer = lexer
    }

    mutating func parseAll() throws(ODataQueryError) -> ODataFilter {
        let filter = try parseOr()
        guard current.isEnd else {
            var message = "unexpected \(current.quoted) at position \(current.position)"
            if case .word = current.kind {
                message += "; combine conditions with and or or"
            }
            throw ODataFilterLexer.error(message)
        }
        return filter
    }

    @discardableResult
    private mutating func advance() throws(ODataQueryError) -> ODataFilterToken {
        let token = current
        current = try lexer.next()
        return token
    }

    private func currentIs(_ keyword: String) -> Bool {
        guard case .word(let word) = current.kind else { return false }
        return word.lowercased() == keyword
    }

    private mutating func parseOr() throws(ODataQueryError) -> ODataFilter {
        var result = try parseAnd()
        while currentIs("or") {
            try advance()
            let right = try parseAnd()
            result = .or(result, right)
        }
        return result
    }

    private mutating func parseAnd() throws(ODataQueryError) -> ODataFilter {
        var result = try parseUnary()
        while currentIs("and") {
            try advance()
            let right = try parseUnary()
            result = .and(result, right)
        }
        return result
    }

    private mutating func parseUnary() throws(ODataQueryError) -> ODataFilter {
        guard currentIs("not") else { return try parsePrimary() }
        try advance()
        try enterNesting()
        let inner = try parseUnary()
        depth -= 1
        return .not(inner)
    }

    private mutating func parsePrimary() throws(ODataQueryError) -> ODataFilter {
        guard case .openParen = current.kind else { return try parseComparison() }
        let opening = try advance()
        try enterNesting()
        let inner = try parseOr()
        guard case .closeParen = current.kind else {
            throw ODataFilterLexer.error(
                "expected ')' to close the '(' at position \(opening.position), found \(current.quoted) "
                    + "at position \(current.position)"
            )
        }
        try advance()
        depth -= 1
        return inner
    }

    private mutating func enterNesting() throws(ODataQueryError) {
        depth += 1
        guard depth <= ODataFilter.maximumDepth else {
            throw ODataQueryError(
                parameter: "$filter",
                message: "$filter is nested too deeply: at most \(ODataFilter.maximumDepth) levels of "
                    + "parentheses and 'not' are allowed"
            )
        }
    }

    private mutating func parseComparison() throws(ODataQueryError) -> ODataFilter {
        let left = try parseOperand(after: nil)
        let opToken = current
        guard case .word(let word) = opToken.kind, let op = ODataComparison(rawValue: word.lowercased()) else {
            throw missingOperator(after: left.token, found: opToken)
        }
        try advance()
        let right = try parseOperand(after: opToken)
        switch (left, right) {
        case (.property(let name, let type, _), .literal(let literal, let token)):
            let value = try Self.checked(literal, token: token, against: name, type)
            return .compare(property: name, op: op, literal: value)
        case (.literal(let literal, let token), .property(let name, let type, _)):
            let value = try Self.checked(literal, token: token, against: name, type)
            return .compare(property: name, op: op.flipped, literal: value)
        case (.property, .property):
            throw ODataFilterLexer.error(
                "comparing two properties (\(left.token.quoted) and \(right.token.quoted)) is not supported; "
                    + "compare a property with a value"
            )
        case (.literal, .literal):
            throw ODataFilterLexer.error(
                "\(left.token.quoted) \(op.rawValue) \(right.token.quoted) compares two values; "
                    + "one side must be a property name"
            )
        }
    }

    private func missingOperator(after left: ODataFilterToken, found: ODataFilterToken) -> ODataQueryError {
        if case .word(let word) = found.kind, Self.unsupportedOperators.contains(word.lowercased()) {
            return ODataFilterLexer.error(
                "operator '\(word)' is not supported; compare with eq, ne, gt, ge, lt or le"
            )
        }
        var message = "expected a comparison operator after \(left.quoted) at position \(found.position)"
        if !found.isEnd {
            message += ", found \(found.quoted); use eq, ne, gt, ge, lt or le"
        }
        return ODataFilterLexer.error(message)
    }

    private mutating func parseOperand(after previous: ODataFilterToken?) throws(ODataQueryError) -> Operand {
        let token = try advance()
        switch token.kind {
        case .string(let value):
            return .literal(.string(value), token: token)
        case .number(let value):
            return .literal(.number(value), token: token)
        case .dateTime(let date):
            return .literal(.dateTime(date), token: token)
        case .word(let word):
            return try wordOperand(word, token: token)
        case .openParen, .closeParen, .comma, .slash, .end:
            var message = "expected a property name or a value"
            if let previous {
                message += " after \(previous.quoted)"
            }
            message += " at position \(token.position), found \(token.quoted)"
            throw ODataFilterLexer.error(message)
        }
    }

    private mutating func wordOperand(_ word: String, token: ODataFilterToken) throws(ODataQueryError) -> Operand {
        if case .openParen = current.kind {
            throw ODataFilterLexer.error("function '\(word)' is not supported")
        }
        if case .slash = current.kind {
            try advance()
            let next = current
            if case .word(let segment) = next.kind {
                let lower = segment.lowercased()
                if lower == "any" || lower == "all" {
                    throw ODataFilterLexer.error("lambda operator '\(segment)' is not supported")
                }
                throw ODataFilterLexer.error(
                    "property path '\(word)/\(segment)' is not supported; only top-level properties can be filtered"
                )
            }
            throw ODataFilterLexer.error(
                "property path '\(word)/…' is not supported; only top-level properties can be filtered"
            )
        }
        switch word.lowercased() {
        case "true":
            return .literal(.bool(true), token: token)
        case "false":
            return .literal(.bool(false), token: token)
        case "null":
            return .literal(.null, token: token)
        case "and", "or", "not":
            throw ODataFilterLexer.error(
                "expected a property name or a value at position \(token.position), found '\(word)'"
            )
        default:
            break
        }
        guard let property = ODataPropertyType.resolve(word, in: schema) else {
            throw ODataFilterLexer.error("unknown property '\(word)' at position \(token.position)")
        }
        guard property.type.isScalar else {
            throw ODataFilterLexer.error(
                "\(property.name) is \(property.type.kindDescription); filtering on it is not supported"
            )
        }
        return .property(name: property.name, type: property.type, token: token)
    }

    /// The literal in the form evaluation expects, or an error when it cannot match the property.
    private static func checked(
        _ literal: ODataLiteral,
        token: ODataFilterToken,
        against name: String,
        _ type: ODataPropertyType
    ) throws(ODataQueryError) -> ODataLiteral {
        switch (type, literal) {
        case (_, .null), (.string, .string), (.number, .number), (.integer, .number), (.boolean, .bool),
            (.dateTime, .dateTime):
            return literal
        case (.dateTime, .string(let text)):
            if let date = Date(iso8601: text) {
                return .dateTime(date)
            }
        default:
            break
        }
        throw ODataFilterLexer.error(
            "\(name) is \(type.kindDescription); compare it with \(type.literalHint), not \(token.text)"
        )
    }
}
