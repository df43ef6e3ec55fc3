import Foundation
import PostureCore

/// Building links: path segments and query strings percent-encoded.
enum WebPath {
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }

    static func segment(_ id: OrganizationID) -> String { segment(id.rawValue) }

    static func segment(_ id: ActionID) -> String { segment(id.rawValue) }

    static func query(_ items: [(String, String?)]) -> String {
        let present = items.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : "\(name)=\(segment($0))" } }
        return present.isEmpty ? "" : "?" + present.joined(separator: "&")
    }
}
