/// Reads a compact JSON array of strings with no escapes (`["HasAADP1","HasExchange"]`), the
/// form stored lists of names take, without a general JSON decoder: reading an organization's
/// services is on the path of every Graph read. Anything else (spaces, escapes, other values)
/// is nil, for the caller's general decoder.
public enum PlainJSONStrings {
    public static func parse(_ text: String) -> [String]? {
        var bytes = text.utf8[...]
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        bytes = bytes.dropFirst().dropLast()
        var strings: [String] = []
        while !bytes.isEmpty {
            if !strings.isEmpty {
                guard bytes.first == UInt8(ascii: ",") else { return nil }
                bytes = bytes.dropFirst()
            }
            guard bytes.first == UInt8(ascii: "\"") else { return nil }
            bytes = bytes.dropFirst()
            guard let end = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let content = bytes[..<end]
            // A backslash or a control character: not the plain form.
            guard !content.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else { return nil }
            strings.append(String(Substring(content)))
            bytes = bytes[bytes.index(after: end)...]
        }
        return strings
    }
}
