import Foundation

// `JSONEncoder` gathers object keys in a dictionary, so the order it writes them in depends on the
// process's hash seed. Graph responses are written with this small writer instead: compact, keys in
// insertion order, `/` left unescaped (as Graph does), integers without a fraction.

extension JSONValue {
    /// Compact JSON text with object keys in insertion order.
    public var jsonText: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// ``jsonText`` as UTF-8 bytes.
    public var jsonData: Data { Data(jsonText.utf8) }

    func write(to output: inout some JSONTextSink) {
        switch self {
        case .null:
            output.writeText("null")
        case .bool(let value):
            output.writeText(value ? "true" : "false")
        case .int(let value):
            output.writeText(String(value))
        case .double(let value):
            output.writeText(Self.numberText(value))
        case .string(let value):
            Self.writeString(value, to: &output)
        case .array(let values):
            output.writeText("[")
            for (offset, value) in values.enumerated() {
                if offset > 0 { output.writeText(",") }
                value.write(to: &output)
            }
            output.writeText("]")
        case .object(let object):
            object.write(to: &output)
        case .rendered(let text):
            output.writeRendered(text)
        }
    }

    /// The shortest text that reads back as the same double, without a trailing `.0`, the way
    /// `JSONEncoder` writes it; non-finite values become `null`.
    static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        var text = String(value)
        if text.hasSuffix(".0") {
            text.removeLast(2)
        }
        return text
    }

    static func writeString(_ value: String, to output: inout some JSONTextSink) {
        output.writeText("\"")
        // Nearly all text needs no escaping: appended whole.
        if !value.utf8.contains(where: needsEscape) {
            output.writeText(value)
            output.writeText("\"")
            return
        }
        for scalar in value.unicodeScalars {
            if scalar.isASCII, needsEscape(UInt8(scalar.value)) {
                output.writeText(escapeSequence(UInt8(scalar.value)))
            } else {
                output.writeScalar(scalar)
            }
        }
        output.writeText("\"")
    }

    /// Whether an ASCII character must be escaped in a JSON string: the quote, the backslash and
    /// control characters. Every other character, UTF-8 included, stands as itself.
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The escape sequence of a character ``needsEscape(_:)`` accepts, as `JSONEncoder` writes it.
    static func escapeSequence(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case 0x0A: "\\n"
        case 0x0D: "\\r"
        case 0x09: "\\t"
        case 0x08: "\\b"
        case 0x0C: "\\f"
        default:
            "\\u00" + String(byte >> 4, radix: 16) + String(byte & 15, radix: 16)
        }
    }
}

extension JSONObject {
    /// Compact JSON text with keys in insertion order.
    public var jsonText: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// ``jsonText`` as UTF-8 bytes.
    public var jsonData: Data { Data(jsonText.utf8) }

    func write(to output: inout some JSONTextSink) {
        output.writeText("{")
        // By index over the stored keys and values: `pairs` would build an array on every write.
        let keys = self.keys
        let values = self.values
        for index in keys.indices {
            if index > 0 { output.writeText(",") }
            JSONValue.writeString(keys[index], to: &output)
            output.writeText(":")
            values[index].write(to: &output)
        }
        output.writeText("}")
    }
}

/// Where the writer puts JSON text: a `String`, or ``JSONTextParts``.
public protocol JSONTextSink {
    mutating func writeText(_ text: String)
    mutating func writeScalar(_ scalar: Unicode.Scalar)
    /// A value rendered beforehand (``JSONValue/rendered(_:)``), often large.
    mutating func writeRendered(_ text: String)
}

extension String: JSONTextSink {
    public mutating func writeText(_ text: String) { self += text }
    public mutating func writeScalar(_ scalar: Unicode.Scalar) { unicodeScalars.append(scalar) }
    public mutating func writeRendered(_ text: String) { self += text }
}

/// JSON text in parts, each rendered value a part of its own: a response copies a large rendered
/// value once, into its body, instead of growing a string around it first.
public struct JSONTextParts: JSONTextSink {
    public private(set) var parts: [String] = []
    private var current = ""

    public init(_ value: JSONValue) {
        value.write(to: &self)
        if !current.isEmpty { parts.append(current) }
    }

    public var byteCount: Int { parts.reduce(0) { $0 + $1.utf8.count } }

    public mutating func writeText(_ text: String) { current += text }
    public mutating func writeScalar(_ scalar: Unicode.Scalar) { current.unicodeScalars.append(scalar) }
    public mutating func writeRendered(_ text: String) {
        if !current.isEmpty { parts.append(current) }
        current = ""
        parts.append(text)
    }
}
