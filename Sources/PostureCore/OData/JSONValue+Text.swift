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

    func write(to output: inout String) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .int(let value):
            output += String(value)
        case .double(let value):
            output += Self.numberText(value)
        case .string(let value):
            Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (offset, value) in values.enumerated() {
                if offset > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let object):
            object.write(to: &output)
        case .rendered(let text):
            output += text
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

    static func writeString(_ value: String, to output: inout String) {
        output += "\""
        // Nearly all text needs no escaping: appended whole.
        if !value.utf8.contains(where: needsEscape) {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            if scalar.isASCII, needsEscape(UInt8(scalar.value)) {
                output += escapeSequence(UInt8(scalar.value))
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
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

    func write(to output: inout String) {
        output += "{"
        for (offset, pair) in pairs.enumerated() {
            if offset > 0 { output += "," }
            JSONValue.writeString(pair.key, to: &output)
            output += ":"
            pair.value.write(to: &output)
        }
        output += "}"
    }
}
