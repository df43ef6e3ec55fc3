/// The scheme and host that absolute links (`@odata.nextLink`, the discovery document, share links)
/// start with. A configured public URL wins everywhere. Without one, a request's `Host` is used
/// only when it names this server: a forged `Host: evil.example` must not come back in a link that
/// a client follows or a cache keeps.
public struct PublicBaseURL: Sendable, Equatable {
    /// `POSTURE_PUBLIC_URL`, without a trailing slash.
    public var configured: String?
    /// Lowercased `host[:port]` values the `Host` header may carry.
    public var allowedHosts: Set<String>
    /// Used when the `Host` header is missing or not allowed: the address the server listens on.
    public var fallback: String

    public init(configured: String? = nil, allowedHosts: Set<String> = [], fallback: String = "http://localhost") {
        self.configured = configured.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
        self.fallback = fallback
    }

    public func resolve(host: String?, forwardedProto: String?) -> String {
        if let configured { return configured }
        guard let host = host?.lowercased(), isAllowed(host) else { return fallback }
        let scheme = forwardedProto?.lowercased() == "https" ? "https" : "http"
        return "\(scheme)://\(host)"
    }

    /// Loopback names are always allowed, on any port: they can only point a client back at its own
    /// machine. Anything else must be listed.
    func isAllowed(_ host: String) -> Bool {
        if allowedHosts.contains(host) { return true }
        let name: Substring
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            name = host[...close]
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && Self.isPort(rest.dropFirst())) else { return false }
        } else {
            let parts = host.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, parts.count == 1 || Self.isPort(parts[1]) else { return false }
            name = parts[0]
        }
        return ["localhost", "127.0.0.1", "[::1]"].contains(String(name))
    }

    static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
