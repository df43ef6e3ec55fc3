import Foundation

/// A parsed `$filter`: comparisons of one top-level property with one literal, combined with
/// `and`, `or` and `not`. Build one with ``parse(_:schema:)``.
public indirect enum ODataFilter: Sendable, Equatable {
    case compare(property: String, op: ODataComparison, literal: ODataLiteral)
    case and(ODataFilter, ODataFilter)
    case or(ODataFilter, ODataFilter)
    case not(ODataFilter)
}

public enum ODataComparison: String, Sendable, Hashable, CaseIterable {
    case eq
    case ne
    case gt
    case ge
    case lt
    case le

    /// The operator that gives the same answer with its operands swapped: `5 lt x` is `x gt 5`.
    public var flipped: ODataComparison {
        switch self {
        case .eq: .eq
        case .ne: .ne
        case .gt: .lt
        case .ge: .le
        case .lt: .gt
        case .le: .ge
        }
    }
}

public enum ODataLiteral: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// An unquoted DateTimeOffset, or a quoted ISO-8601 string compared with a dateTime property.
    case dateTime(Date)
}

extension ODataLiteral: CustomStringConvertible {
    /// The literal as OData text; parsing it again gives the same literal.
    public var description: String {
        switch self {
        case .null:
            return "null"
        case .bool(let value):
            return value ? "true" : "false"
        case .number(let value):
            return NodeReader.format(value)
        case .string(let value):
            var text = "'"
            for character in value {
                text.append(character)
                if character == "'" { text.append("'") }
            }
            return text + "'"
        case .dateTime(let date):
            return Self.dateText(date)
        }
    }

    /// `Date.iso8601` keeps whole seconds only; a next link must not lose a fraction the client
    /// asked for, so microseconds are added when present.
    static func dateText(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let wholeSeconds = (micros / 1_000_000).rounded(.down)
        let fraction = Int(micros - wholeSeconds * 1_000_000)
        let base = Date(timeIntervalSince1970: wholeSeconds).iso8601
        guard fraction > 0 else { return base }
        var digits = String(fraction)
        digits = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        while digits.hasSuffix("0") {
            digits.removeLast()
        }
        return String(base.dropLast()) + "." + digits + "Z"
    }
}

extension ODataFilter: CustomStringConvertible {
    /// Canonical OData text (schema spelling of names, nested groups in parentheses); parsing it
    /// with the same schema gives back an equal filter. Used to rebuild next links.
    public var description: String {
        switch self {
        case .compare(let property, let op, let literal):
            return "\(property) \(op.rawValue) \(literal)"
        case .and(let left, let right):
            return "\(left.grouped) and \(right.grouped)"
        case .or(let left, let right):
            return "\(left.grouped) or \(right.grouped)"
        case .not(let inner):
            return "not \(inner.grouped)"
        }
    }

    private var grouped: String {
        if case .compare = self { return description }
        return "(\(description))"
    }
}

extension ODataFilter {
    /// Graph's semantics: a missing property is null; text is equal case-insensitively and otherwise
    /// ordered by code points; numbers compare numerically whether stored as integers or not;
    /// booleans and nulls are only equal or not equal, so every ordering test on them is false;
    /// date-time literals compare with ISO-8601 strings as instants. Values of a different JSON type
    /// than the literal are "not equal" and never ordered.
    public func matches(_ object: JSONObject) -> Bool {
        switch self {
        case .compare(let property, let op, let literal):
            let relation = Self.relation(of: object[property] ?? .null, to: literal)
            return relation.satisfies(op)
        case .and(let left, let right):
            return left.matches(object) && right.matches(object)
        case .or(let left, let right):
            return left.matches(object) || right.matches(object)
        case .not(let inner):
            return !inner.matches(object)
        }
    }

    private static func relation(of value: JSONValue, to literal: ODataLiteral) -> Relation {
        switch (value, literal) {
        case (.null, .null):
            return .equalUnordered
        case (.null, _), (_, .null):
            return .unequalUnordered
        case (.string(let text), .string(let other)):
            return textRelation(text, other)
        case (.int(let number), .number(let other)):
            return ordered(Double(number), other)
        case (.double(let number), .number(let other)):
            return ordered(number, other)
        case (.bool(let flag), .bool(let other)):
            return flag == other ? .equalUnordered : .unequalUnordered
        case (.string(let text), .dateTime(let other)):
            guard let date = Date(iso8601: text) else { return .unequalUnordered }
            return ordered(date.timeIntervalSince1970, other.timeIntervalSince1970)
        default:
            return .unequalUnordered
        }
    }

    /// Equal when equal ignoring case (as Graph's `eq` is), otherwise ordered by Unicode scalar
    /// values, so `ge`/`le` agree with `eq`.
    private static func textRelation(_ lhs: String, _ rhs: String) -> Relation {
        if lhs.lowercased() == rhs.lowercased() { return .equal }
        return lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars) ? .less : .greater
    }

    private static func ordered(_ lhs: Double, _ rhs: Double) -> Relation {
        if lhs < rhs { return .less }
        if lhs > rhs { return .greater }
        if lhs == rhs { return .equal }
        return .unequalUnordered
    }

    private enum Relation {
        case less
        case equal
        case greater
        /// Equal, but not a value that `gt`/`ge`/`lt`/`le` apply to (null, booleans).
        case equalUnordered
        case unequalUnordered

        func satisfies(_ op: ODataComparison) -> Bool {
            switch op {
            case .eq: self == .equal || self == .equalUnordered
            case .ne: !(self == .equal || self == .equalUnordered)
            case .gt: self == .greater
            case .ge: self == .greater || self == .equal
            case .lt: self == .less
            case .le: self == .less || self == .equal
            }
        }
    }
}
