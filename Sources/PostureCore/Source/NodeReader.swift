import Foundation

/// Reads typed fields out of a ``SourceNode`` object while collecting every problem it meets,
/// so a whole document can be checked in one pass and all errors reported together.
public struct NodeReader {
    public let file: String
    public let entry: String?
    public let node: SourceNode
    public let fieldPrefix: String
    private let members: [(key: String, node: SourceNode)]
    private var diagnostics: [Diagnostic] = []

    /// `node` must be an object; when it is not, the reader records that and reads nothing.
    public init(file: String, entry: String?, node: SourceNode, fieldPrefix: String = "") {
        self.file = file
        self.entry = entry
        self.node = node
        self.fieldPrefix = fieldPrefix
        if case .object(let members) = node.value {
            self.members = members
        } else {
            self.members = []
            let what = fieldPrefix.isEmpty ? "the entry" : String(fieldPrefix.dropLast())
            diagnostics.append(
                Diagnostic(
                    file: file,
                    line: node.line,
                    entry: entry,
                    field: fieldPrefix.isEmpty ? nil : what,
                    message: "expected an object, found \(node.kindDescription)"
                )
            )
        }
    }

    public var isObject: Bool {
        if case .object = node.value { return true }
        return false
    }

    public var collected: [Diagnostic] { diagnostics }

    public mutating func report(_ field: String?, at line: Int? = nil, _ message: String) {
        diagnostics.append(
            Diagnostic(
                file: file,
                line: line ?? node.line,
                entry: entry,
                field: field.map { fieldPrefix + $0 },
                message: message
            )
        )
    }

    public mutating func absorb(_ other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }

    public func raw(_ key: String) -> SourceNode? {
        members.first { $0.key == key }?.node
    }

    /// Reports every member whose key is not in `known`.
    public mutating func rejectUnknownKeys(_ known: Set<String>) {
        for (key, child) in members where !known.contains(key) {
            report(key, at: child.line, "unknown field")
        }
    }

    private mutating func required(_ key: String, _ isRequired: Bool) -> SourceNode? {
        guard isObject else { return nil }
        guard let child = raw(key) else {
            if isRequired { report(key, "missing required field") }
            return nil
        }
        if case .null = child.value {
            if isRequired { report(key, at: child.line, "missing required field (null)") }
            return nil
        }
        return child
    }

    public mutating func string(_ key: String, required isRequired: Bool = true, allowEmpty: Bool = false) -> String? {
        guard let child = required(key, isRequired) else { return nil }
        guard case .string(let text) = child.value else {
            report(key, at: child.line, "expected text, found \(child.kindDescription)")
            return nil
        }
        if !allowEmpty && text.allSatisfy(\.isWhitespace) {
            report(key, at: child.line, "must not be empty")
            return nil
        }
        return text
    }

    public mutating func number(_ key: String, required isRequired: Bool = true) -> Double? {
        guard let child = required(key, isRequired) else { return nil }
        guard case .number(let value) = child.value else {
            report(key, at: child.line, "expected a number, found \(child.kindDescription)")
            return nil
        }
        return value
    }

    /// A whole, non-negative number.
    public mutating func count(_ key: String, required isRequired: Bool = true) -> Int? {
        guard let value = number(key, required: isRequired) else { return nil }
        let line = raw(key)?.line
        guard value >= 0 else {
            report(key, at: line, "must not be negative, found \(Self.format(value))")
            return nil
        }
        guard value == value.rounded(), value <= Double(Int32.max) else {
            report(key, at: line, "expected a whole number, found \(Self.format(value))")
            return nil
        }
        return Int(value)
    }

    public mutating func bool(_ key: String, required isRequired: Bool = true) -> Bool? {
        guard let child = required(key, isRequired) else { return nil }
        guard case .bool(let value) = child.value else {
            report(key, at: child.line, "expected true or false, found \(child.kindDescription)")
            return nil
        }
        return value
    }

    public mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ key: String,
        _ type: E.Type,
        required isRequired: Bool = true
    ) -> E? where E.RawValue == String {
        guard let text = string(key, required: isRequired) else { return nil }
        guard let value = E(rawValue: text) else {
            report(key, at: raw(key)?.line, "unknown value \"\(text)\"; expected one of \(Self.choices(E.self))")
            return nil
        }
        return value
    }

    public mutating func array(_ key: String, required isRequired: Bool = true, nonEmpty: Bool = false) -> [SourceNode]?
    {
        guard let child = required(key, isRequired) else { return nil }
        guard case .array(let elements) = child.value else {
            report(key, at: child.line, "expected a list, found \(child.kindDescription)")
            return nil
        }
        if nonEmpty && elements.isEmpty {
            report(key, at: child.line, "must list at least one entry")
        }
        return elements
    }

    public mutating func stringArray(
        _ key: String,
        required isRequired: Bool = true,
        nonEmpty: Bool = false
    ) -> [String]? {
        guard let elements = array(key, required: isRequired, nonEmpty: nonEmpty) else { return nil }
        var result: [String] = []
        for (offset, element) in elements.enumerated() {
            if case .string(let text) = element.value, !text.allSatisfy(\.isWhitespace) {
                result.append(text)
            } else {
                report(
                    "\(key)[\(offset)]",
                    at: element.line,
                    "expected non-empty text, found \(element.kindDescription)"
                )
            }
        }
        return result
    }

    /// An ISO-8601 timestamp (`2026-11-28T00:00:00Z`) or a plain date (`2026-11-28`, midnight UTC).
    public mutating func date(_ key: String, required isRequired: Bool = false) -> Date? {
        guard let text = string(key, required: isRequired) else { return nil }
        guard let value = Date(iso8601: text) else {
            report(
                key,
                at: raw(key)?.line,
                "expected a date like 2026-11-28 or 2026-11-28T09:30:00Z, found \"\(text)\""
            )
            return nil
        }
        return value
    }

    public static func choices<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> String
    where E.RawValue == String {
        E.allCases.map { $0.rawValue }.joined(separator: ", ")
    }

    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
