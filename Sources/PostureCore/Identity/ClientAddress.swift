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

    /// Whether `text` looks like an IPv4 or IPv6 address (for checking configuration).
    public static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return true }
        return text.contains(":") && text.count <= 45 && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
