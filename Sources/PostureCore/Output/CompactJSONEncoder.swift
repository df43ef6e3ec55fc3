import Foundation

/// Encodes `Encodable` values as compact JSON in one pass, straight into bytes: keys in the order
/// the type encodes them (declaration order for synthesized conformances), dictionaries by sorted
/// key, dates as ISO 8601 (``Foundation/Date/iso8601``), numbers and strings spelled as
/// Foundation's `JSONEncoder` spells them. Foundation's encoder builds a tree of dictionaries and
/// sorts every object's keys; for the large responses of the API that cost more than everything
/// else a read does.
public enum CompactJSONEncoder {
    /// How dates are written.
    public enum Dates: Sendable {
        /// ISO 8601 to the second, as the API writes them.
        case iso8601
        /// Seconds since 2001-01-01, exactly, as Foundation's `JSONEncoder` writes them by
        /// default (and its `JSONDecoder` reads them by default).
        case secondsSinceReferenceDate
    }

    public static func encode<T: Encodable>(_ value: T, dates: Dates = .iso8601) throws -> [UInt8] {
        let writer = JSONByteWriter(dates: dates)
        try writer.encodeValue(value, level: 0)
        writer.close(above: 0)
        return writer.bytes
    }
}

/// Shared state of one encoding. Containers are closed lazily: a container stays open until
/// something is written at its level or above, which is how synthesized code uses them.
final class JSONByteWriter {
    var bytes: [UInt8] = []
    /// Open containers, outermost first: the byte that closes each and whether it has elements.
    private var frames: [(closer: UInt8, hasElements: Bool, owner: Int)] = []
    private var encoders = 0

    /// A new identity for an encoder, so one that asks for its keyed container twice (a type that
    /// writes another's fields into its own object) gets the same object back.
    func nextEncoder() -> Int {
        encoders += 1
        return encoders
    }

    let dates: CompactJSONEncoder.Dates

    init(dates: CompactJSONEncoder.Dates) {
        self.dates = dates
        bytes.reserveCapacity(4096)
    }

    func close(above level: Int) {
        while frames.count > level { bytes.append(frames.removeLast().closer) }
    }

    func open(_ opener: UInt8, _ closer: UInt8, level: Int, owner: Int = 0) {
        if owner != 0, frames.count > level, frames[level].owner == owner {
            close(above: level + 1)
            return
        }
        close(above: level)
        bytes.append(opener)
        frames.append((closer, false, owner))
    }

    /// Starts an element of the container at `depth` (its level + 1): closes deeper containers
    /// and writes the separating comma.
    func beginElement(depth: Int) {
        close(above: depth)
        if frames[depth - 1].hasElements {
            bytes.append(UInt8(ascii: ","))
        } else {
            frames[depth - 1].hasElements = true
        }
    }

    func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs that need no escaping (nearly all text) are copied at once.
            var start = 0
            for index in 0..<utf8.count where JSONValue.needsEscape(utf8[index]) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                bytes.append(contentsOf: JSONValue.escapeSequence(utf8[index]).utf8)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func double(_ value: Double, _ path: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: path, debugDescription: "\(value) is not valid JSON")
            )
        }
        raw(JSONValue.numberText(value))
    }

    /// Writes any value at `level` (the number of containers around it). Leaf types are told
    /// apart by their type, not by casting each value: casts cost more than the writing.
    func encodeValue<T: Encodable>(_ value: T, level: Int, path: [any CodingKey] = []) throws {
        if T.self == String.self {
            close(above: level)
            string(value as! String)
        } else if T.self == Double.self {
            close(above: level)
            try double(value as! Double, path)
        } else if T.self == Int.self {
            close(above: level)
            raw(String(value as! Int))
        } else if T.self == Bool.self {
            close(above: level)
            raw(value as! Bool ? "true" : "false")
        } else if T.self == Date.self {
            close(above: level)
            switch dates {
            case .iso8601: string((value as! Date).iso8601)
            case .secondsSinceReferenceDate: try double((value as! Date).timeIntervalSinceReferenceDate, path)
            }
        } else if let dictionary = value as? any SortedKeysJSON {
            open(UInt8(ascii: "{"), UInt8(ascii: "}"), level: level)
            try dictionary.encodeSorted(into: self, depth: level + 1, path: path)
            close(above: level)
        } else {
            let start = bytes.count
            try value.encode(to: JSONByteEncoder(writer: self, level: level, codingPath: path))
            // A value that encodes nothing is an empty object, as Foundation writes it.
            if bytes.count == start { bytes.append(contentsOf: [123, 125]) }
        }
    }
}

/// Dictionaries keyed by strings, written by sorted key so the same dictionary always reads the
/// same (their own encoding follows the hash order).
protocol SortedKeysJSON {
    func encodeSorted(into writer: JSONByteWriter, depth: Int, path: [any CodingKey]) throws
}

extension Dictionary: SortedKeysJSON where Key == String, Value: Encodable {
    func encodeSorted(into writer: JSONByteWriter, depth: Int, path: [any CodingKey]) throws {
        for key in keys.sorted() {
            writer.beginElement(depth: depth)
            writer.key(key)
            try writer.encodeValue(self[key]!, level: depth, path: path)
        }
    }
}

struct JSONByteEncoder: Encoder {
    let writer: JSONByteWriter
    let level: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let identity: Int

    init(writer: JSONByteWriter, level: Int, codingPath: [any CodingKey]) {
        self.writer = writer
        self.level = level
        self.codingPath = codingPath
        identity = writer.nextEncoder()
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.open(UInt8(ascii: "{"), UInt8(ascii: "}"), level: level, owner: identity)
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(writer: writer, depth: level + 1, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.open(UInt8(ascii: "["), UInt8(ascii: "]"), level: level)
        return JSONUnkeyedContainer(writer: writer, depth: level + 1, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(writer: writer, level: level, codingPath: codingPath)
    }
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONByteWriter
    let depth: Int
    var codingPath: [any CodingKey]

    private func begin(_ key: Key) {
        writer.beginElement(depth: depth)
        writer.key(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        begin(key)
        writer.raw("null")
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        begin(key)
        writer.raw(value ? "true" : "false")
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        begin(key)
        writer.string(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        begin(key)
        try writer.double(value, codingPath)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        begin(key)
        try writer.double(Double(value), codingPath)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        begin(key)
        try writer.encodeValue(value, level: depth, path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        begin(key)
        return JSONByteEncoder(writer: writer, level: depth, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        begin(key)
        return JSONByteEncoder(writer: writer, level: depth, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.beginElement(depth: depth)
        writer.key("super")
        return JSONByteEncoder(writer: writer, level: depth, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        begin(key)
        return JSONByteEncoder(writer: writer, level: depth, codingPath: codingPath)
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONByteWriter
    let depth: Int
    var codingPath: [any CodingKey]
    var count = 0

    private mutating func begin() {
        writer.beginElement(depth: depth)
        count += 1
    }

    mutating func encodeNil() throws {
        begin()
        writer.raw("null")
    }

    mutating func encode(_ value: Bool) throws {
        begin()
        writer.raw(value ? "true" : "false")
    }

    mutating func encode(_ value: String) throws {
        begin()
        writer.string(value)
    }

    mutating func encode(_ value: Double) throws {
        begin()
        try writer.double(value, codingPath)
    }

    mutating func encode(_ value: Int) throws {
        begin()
        writer.raw(String(value))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        begin()
        try writer.encodeValue(value, level: depth, path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        begin()
        return JSONByteEncoder(writer: writer, level: depth, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        begin()
        return JSONByteEncoder(writer: writer, level: depth, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        begin()
        return JSONByteEncoder(writer: writer, level: depth, codingPath: codingPath)
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let writer: JSONByteWriter
    let level: Int
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        writer.close(above: level)
        writer.raw("null")
    }

    mutating func encode(_ value: Bool) throws {
        writer.close(above: level)
        writer.raw(value ? "true" : "false")
    }

    mutating func encode(_ value: String) throws {
        writer.close(above: level)
        writer.string(value)
    }

    mutating func encode(_ value: Double) throws {
        writer.close(above: level)
        try writer.double(value, codingPath)
    }

    mutating func encode(_ value: Float) throws {
        writer.close(above: level)
        try writer.double(Double(value), codingPath)
    }

    mutating func encode(_ value: Int) throws {
        writer.close(above: level)
        writer.raw(String(value))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.encodeValue(value, level: level, path: codingPath)
    }
}
