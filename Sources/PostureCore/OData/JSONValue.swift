import Foundation

/// A JSON value whose objects keep the order their keys were added in, so Graph responses list
/// properties in the documented order and tests can compare whole documents as text.
public enum JSONValue: Sendable, Equatable, Encodable {
    case null
    case bool(Bool)
    /// Written without a fraction: Graph clients read Int32 fields only from JSON integers.
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// JSON text this server rendered earlier (a stored part of a response), written as it is.
    /// Only ever made from this server's own encoders, never from input.
    case rendered(String)

    /// Non-finite doubles have no JSON form; they are written as `null` instead of failing the
    /// whole response.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .int(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .double(let value):
            var container = encoder.singleValueContainer()
            if value.isFinite {
                try container.encode(value)
            } else {
                try container.encodeNil()
            }
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values {
                try container.encode(value)
            }
        case .object(let object):
            try object.encode(to: encoder)
        case .rendered(let text):
            // Rare (responses write rendered text as it is): read back to be encoded as values.
            try JSONValue(try JSONSourceParser.parse(text, file: "rendered")).encode(to: encoder)
        }
    }
}

/// A JSON object that remembers insertion order. Setting an existing key replaces its value in
/// place; setting `nil` removes the key. Equality is order-sensitive.
public struct JSONObject: Sendable, Equatable, Encodable {
    private var orderedKeys: [String] = []
    private var orderedValues: [JSONValue] = []
    private var positions: [String: Int] = [:]

    public init() {}

    /// Later duplicates replace the value of the first occurrence and keep its position.
    public init(_ pairs: [(String, JSONValue)]) {
        for (key, value) in pairs {
            self[key] = value
        }
    }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        for (key, value) in pairs {
            self[key] = value
        }
    }

    public var keys: [String] { orderedKeys }

    public var values: [JSONValue] { orderedValues }

    public var pairs: [(key: String, value: JSONValue)] {
        var result: [(key: String, value: JSONValue)] = []
        result.reserveCapacity(orderedKeys.count)
        for index in orderedKeys.indices {
            result.append((key: orderedKeys[index], value: orderedValues[index]))
        }
        return result
    }

    public var count: Int { orderedKeys.count }

    public var isEmpty: Bool { orderedKeys.isEmpty }

    public subscript(key: String) -> JSONValue? {
        get {
            guard let index = positions[key] else { return nil }
            return orderedValues[index]
        }
        set {
            if let index = positions[key] {
                if let newValue {
                    orderedValues[index] = newValue
                } else {
                    remove(at: index)
                }
            } else if let newValue {
                positions[key] = orderedKeys.count
                orderedKeys.append(key)
                orderedValues.append(newValue)
            }
        }
    }

    /// The exact key when present, otherwise the first key (in object order) that differs only in
    /// case. Graph clients send `State` as well as `state`.
    public func value(forCaseInsensitiveKey key: String) -> (key: String, value: JSONValue)? {
        if let index = positions[key] {
            return (key: orderedKeys[index], value: orderedValues[index])
        }
        let wanted = key.lowercased()
        for index in orderedKeys.indices where orderedKeys[index].lowercased() == wanted {
            return (key: orderedKeys[index], value: orderedValues[index])
        }
        return nil
    }

    /// Only the given keys (exact spelling), in this object's own order; absent keys are skipped.
    public func selecting(_ keys: [String]) -> JSONObject {
        let wanted = Set(keys)
        var result = JSONObject()
        for index in orderedKeys.indices where wanted.contains(orderedKeys[index]) {
            result[orderedKeys[index]] = orderedValues[index]
        }
        return result
    }

    private mutating func remove(at index: Int) {
        positions[orderedKeys[index]] = nil
        orderedKeys.remove(at: index)
        orderedValues.remove(at: index)
        for later in index..<orderedKeys.count {
            positions[orderedKeys[later]] = later
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.orderedKeys == rhs.orderedKeys && lhs.orderedValues == rhs.orderedValues
    }

    /// Keys are handed to the encoder in insertion order. `JSONEncoder` itself does not keep that
    /// order (it collects keys in a dictionary); use ``JSONValue/jsonText`` when order matters.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        for index in orderedKeys.indices {
            try container.encode(orderedValues[index], forKey: DynamicKey(orderedKeys[index]))
        }
    }
}

private struct DynamicKey: CodingKey {
    var stringValue: String

    init(_ stringValue: String) {
        self.stringValue = stringValue
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    var intValue: Int? { nil }

    init?(intValue: Int) {
        return nil
    }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) {
        self = .int(value)
    }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
