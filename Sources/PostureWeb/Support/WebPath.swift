import Foundation
import PostureCore

/// Building links: path segments and query strings percent-encoded.
enum WebPath {
    static func segment(_ text: String) -> String {
        // Ids are nearly always plain ASCII, which needs no encoding: skip Foundation for them.
        if text.utf8.allSatisfy(isUnreserved) { return text }
        return text.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? text
    }

    private static let segmentCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    /// RFC 3986's unreserved ASCII: letters, digits, `-`, `.`, `_` and `~`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: true
        default: false
        }
    }

    static func segment(_ id: OrganizationID) -> String { segment(id.rawValue) }

    static func segment(_ id: ActionID) -> String { segment(id.rawValue) }

    static func query(_ items: [(String, String?)]) -> String {
        let present = items.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : "\(name)=\(segment($0))" } }
        return present.isEmpty ? "" : "?" + present.joined(separator: "&")
    }
}
