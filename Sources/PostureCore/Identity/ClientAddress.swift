import Foundation

/// The address a request came from, for rate limits. Behind a reverse proxy the socket's peer is
/// the proxy; when that peer is one of the trusted proxies, the client is the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy (addresses further left are whatever the
/// client claimed, so they are never believed).
public enum ClientAddress {
    public static func resolve(peer: String?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty && !trustedProxies.contains(hop) { return hop }
        return peer
    }

    /// The key a client's requests are counted under: its IPv4 address, or the /64 network of its
    /// IPv6 address (one host usually holds a whole /64, so counting single addresses would let it
    /// count as billions of clients).
    public static func limitKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var text = address.lowercased()
        if text.hasPrefix("[") { text = String(text.dropFirst().prefix { $0 != "]" }) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        // IPv4-mapped (::ffff:192.0.2.1): the IPv4 address.
        if let last = text.split(separator: ":").last, last.contains(".") { return String(last) }
        let halves = text.components(separatedBy: "::")
        let left = halves[0].split(separator: ":").map(String.init)
        let right = halves.count > 1 ? halves[1].split(separator: ":").map(String.init) : []
        let groups = left + Array(repeating: "0", count: max(0, 8 - left.count - right.count)) + right
        let network = groups.prefix(4).map { group in
            let trimmed = group.drop { $0 == "0" }
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        return network.joined(separator: ":") + "::/64"
    }

    /// Whether `text` looks like an IPv4 or IPv6 address (for checking configuration).
    public static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return true }
        return text.contains(":") && text.count <= 45 && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
