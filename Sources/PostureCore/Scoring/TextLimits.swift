/// Every limit on text that people and clients write. The rules live here so the web form, the
/// native API, Graph PATCH and `$batch`, the CLI and imports refuse the same input with the same
/// message. Lengths count Unicode scalars: a grapheme can hold any number of combining marks, so
/// counting `Character`s would let a one-"character" note be megabytes long.
public enum TextLimits {
    public enum Field: String, Sendable, CaseIterable {
        case note, owner, tag, state, displayName, name, industry, region, entity, reason, username

        /// The longest accepted text, in Unicode scalars.
        public var maximum: Int {
            switch self {
            case .note: 2_000
            case .owner: 200
            case .tag: 64
            case .state: 64
            case .displayName: 200
            case .name: 100
            case .industry, .region: 100
            case .entity: 256
            case .reason: 500
            case .username: 64
            }
        }

        /// Tags, names and owners are one line; notes and reasons may span several.
        var singleLine: Bool { self != .note && self != .reason }
    }

    /// Why `text` is not acceptable for `field`, or nil. `required` refuses empty or blank text.
    public static func problem(_ field: Field, _ text: String?, required: Bool = false) -> String? {
        guard let text else { return required ? "\(field.rawValue) is required" : nil }
        if required, text.allSatisfy(\.isWhitespace) { return "\(field.rawValue) must not be empty" }
        if text.unicodeScalars.count > field.maximum {
            return "\(field.rawValue) must be at most \(field.maximum) characters"
        }
        if text.unicodeScalars.contains(where: { isControl($0, singleLine: field.singleLine) }) {
            return field.singleLine
                ? "\(field.rawValue) must be one line of text without control characters"
                : "\(field.rawValue) must not contain control characters other than line breaks and tabs"
        }
        return nil
    }

    static func isControl(_ scalar: Unicode.Scalar, singleLine: Bool) -> Bool {
        guard scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" else {
            return false
        }
        if !singleLine, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
        return true
    }
}
