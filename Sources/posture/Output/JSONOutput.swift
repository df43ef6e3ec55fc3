import Foundation
import PostureCore

enum JSONOutput {
    /// Pretty, key-sorted JSON so output is stable and diffable.
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.iso8601)
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
