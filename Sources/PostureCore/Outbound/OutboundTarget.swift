import Foundation

/// Where Posture may send: https URLs whose host is public. Private, loopback, link-local and
/// other special addresses are refused (a server-side request forgery guard) unless the operator
/// allows private targets; the sender applies the same rule to every address a name resolves to.
public enum OutboundTarget {
    /// The problem with a destination URL, naming `field`; nil when acceptable.
    public static func problem(_ text: String, field: String, allowPrivate: Bool) -> ConnectionProblem? {
        guard text.utf8.count <= 2_048, let url = URL(string: text), let host = url.host, !host.isEmpty,
            let scheme = url.scheme?.lowercased(), url.user == nil, url.password == nil, url.fragment == nil
        else {
            return ConnectionProblem(
                field: field,
                "must be an https URL of at most 2,048 characters, without a user name"
            )
        }
        if scheme != "https" && !(scheme == "http" && allowPrivate) {
            return ConnectionProblem(field: field, "must use https, got \"\(scheme)\"")
        }
        if !allowPrivate, isSpecial(host: host) {
            return ConnectionProblem(
                field: field,
                "points at a private, loopback or link-local address (\(host)); the operator can allow that with POSTURE_ALLOW_PRIVATE_TARGETS"
            )
        }
        return nil
    }

    /// A host that is, or always resolves to, a non-public address: `localhost` names and special
    /// IP literals. Other names are checked on each send, address by address.
    public static func isSpecial(host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        return isSpecial(address: name) ?? false
    }

    /// Whether an IP literal is private, loopback, link-local, unspecified, shared (CGNAT),
    /// multicast, reserved or documentation space; nil when the text is not an IP address.
    public static func isSpecial(address text: String) -> Bool? {
        if let v4 = ipv4(text) { return isSpecial(v4: v4) }
        guard let v6 = ipv6(text) else { return nil }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses are IPv4's.
        if v6[0..<10].allSatisfy({ $0 == 0 }), (v6[10] == 0xFF && v6[11] == 0xFF) || (v6[10] == 0 && v6[11] == 0) {
            let v4 = Array(v6[12..<16])
            if v6[10] == 0xFF || v4 != [0, 0, 0, 0] && v4 != [0, 0, 0, 1] { return isSpecial(v4: v4) }
        }
        if v6.allSatisfy({ $0 == 0 }) { return true }  // ::
        if v6[0..<15].allSatisfy({ $0 == 0 }) && v6[15] == 1 { return true }  // ::1
        if v6[0] & 0xFE == 0xFC { return true }  // fc00::/7, unique local
        if v6[0] == 0xFE && v6[1] & 0xC0 == 0x80 { return true }  // fe80::/10, link-local
        if v6[0] == 0xFF { return true }  // multicast
        if v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0D && v6[3] == 0xB8 { return true }  // 2001:db8::/32
        if v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B { return true }  // 64:ff9b::/96, NAT64
        return false
    }

    static func isSpecial(v4 bytes: [UInt8]) -> Bool {
        let (a, b) = (bytes[0], bytes[1])
        switch a {
        case 0, 10, 127: return true
        case 100 where b & 0xC0 == 64: return true  // 100.64.0.0/10, shared address space
        case 169 where b == 254: return true
        case 172 where b & 0xF0 == 16: return true
        case 192 where b == 168: return true
        case 192 where b == 0 && bytes[2] == 0, 192 where b == 0 && bytes[2] == 2: return true
        case 198 where b & 0xFE == 18, 198 where b == 51 && bytes[2] == 100: return true
        case 203 where b == 0 && bytes[2] == 113: return true
        case 224...255: return true  // multicast, reserved, broadcast
        default: return false
        }
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else {
                return nil
            }
            bytes.append(value)
        }
        return bytes
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        let address = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        guard address.contains(":"), address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = ipv4(String(piece)) {
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// The operator's rules for outbound messages, read once at start-up.
public struct OutboundPolicy: Sendable, Equatable {
    /// `POSTURE_ALLOW_PRIVATE_TARGETS`: private, loopback and link-local targets (and plain http)
    /// are allowed; for tests and closed networks.
    public var allowPrivateTargets: Bool
    /// Where links in messages point: `POSTURE_PUBLIC_URL`, else the listening address.
    public var linkBase: String

    public init(allowPrivateTargets: Bool = false, linkBase: String = "http://localhost:8080") {
        self.allowPrivateTargets = allowPrivateTargets
        self.linkBase = linkBase.hasSuffix("/") ? String(linkBase.dropLast()) : linkBase
    }

    /// The organization's page in the dashboard, for messages.
    public func organizationLink(_ organizationID: OrganizationID) -> String {
        linkBase + "/orgs/" + Self.segment(organizationID.rawValue)
    }

    /// An action's flyout under an organization's page.
    public static func actionLink(organizationLink: String, _ actionID: String) -> String {
        organizationLink + "/actions/" + segment(actionID)
    }

    /// One path segment, percent-encoded (unreserved characters kept).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}
