/// A parsed document value that remembers where it came from, so every validation error can name
/// the file, the line and the field. JSON input and catalog YAML both decode through this tree.
public struct SourceNode: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case object([(key: String, node: SourceNode)])
        case array([SourceNode])
        case string(String)
        case number(Double)
        case bool(Bool)
        case null

        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.object(let a), .object(let b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.node == $1.node }
            case (.array(let a), .array(let b)): return a == b
            case (.string(let a), .string(let b)): return a == b
            case (.number(let a), .number(let b)): return a == b
            case (.bool(let a), .bool(let b)): return a == b
            case (.null, .null): return true
            default: return false
            }
        }
    }

    public var value: Value
    /// 1-based line of the value's first character.
    public var line: Int

    public init(_ value: Value, line: Int) {
        self.value = value
        self.line = line
    }

    /// How the value is described in an error ("a number", "text", …).
    public var kindDescription: String {
        switch value {
        case .object: "an object"
        case .array: "a list"
        case .string: "text"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }

    public func member(_ key: String) -> SourceNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.node
    }
}
