import Foundation

/// How an SMTP connection is protected.
public enum MailSecurity: String, Sendable, CaseIterable, Codable {
    /// Submission (usually port 587): plain at first, then `STARTTLS` before anything else; a
    /// server that does not offer it is refused.
    case starttls
    /// Implicit TLS from the first byte (usually port 465).
    case tls
    /// No encryption: only where the operator allows private targets (a relay on the host).
    case none

    public var defaultPort: Int {
        switch self {
        case .starttls: 587
        case .tls: 465
        case .none: 25
        }
    }
}

/// An e-mail channel's server and addresses. The password is the store's, sealed.
public struct MailSettings: Sendable, Equatable, Codable {
    public var host: String
    public var port: Int
    public var security: MailSecurity
    /// The user name for `AUTH`; nil or empty: the server takes mail without signing in.
    public var username: String?
    /// The sender (`MAIL FROM` and the `From` header).
    public var from: String
    /// Who receives the channel's messages.
    public var to: [String]

    public init(
        host: String,
        port: Int? = nil,
        security: MailSecurity = .starttls,
        username: String? = nil,
        from: String,
        to: [String]
    ) {
        self.host = host
        self.port = port ?? security.defaultPort
        self.security = security
        self.username = username
        self.from = from
        self.to = to
    }

    public static let recipientLimit = 20

    /// Every problem, each naming its field as the API spells it (`smtp.host`, `to`, …).
    public func problems(allowPrivate: Bool) -> [ConnectionProblem] {
        var problems: [ConnectionProblem] = []
        let name = host.lowercased()
        if name.isEmpty || name.utf8.count > 253
            || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]".contains($0)) })
        {
            problems.append(ConnectionProblem(field: "smtp.host", "must be a host name or IP address"))
        } else if !allowPrivate, OutboundTarget.isSpecial(host: name) {
            problems.append(
                ConnectionProblem(
                    field: "smtp.host",
                    "points at a private, loopback or link-local address (\(host)); the operator can allow that with POSTURE_ALLOW_PRIVATE_TARGETS"
                )
            )
        }
        if !(1...65_535).contains(port) {
            problems.append(ConnectionProblem(field: "smtp.port", "must be from 1 to 65535"))
        }
        if security == .none, !allowPrivate {
            problems.append(
                ConnectionProblem(
                    field: "smtp.security",
                    "must be starttls or tls; an unencrypted relay needs the operator's POSTURE_ALLOW_PRIVATE_TARGETS"
                )
            )
        }
        if let username, username.utf8.count > 256 || username.contains(where: \.isNewline) {
            problems.append(ConnectionProblem(field: "smtp.username", "must be one line of at most 256 bytes"))
        }
        if let problem = EmailAddress.problem(from) { problems.append(ConnectionProblem(field: "smtp.from", problem)) }
        problems += Self.recipientProblems(to, field: "to")
        return problems
    }

    /// The problems with a list of recipients, naming `field`.
    public static func recipientProblems(_ addresses: [String], field: String) -> [ConnectionProblem] {
        if addresses.isEmpty { return [ConnectionProblem(field: field, "name at least one address")] }
        if addresses.count > recipientLimit {
            return [ConnectionProblem(field: field, "name at most \(recipientLimit) addresses")]
        }
        return addresses.compactMap { address in
            EmailAddress.problem(address).map { ConnectionProblem(field: field, "\"\(address)\" \($0)") }
        }
    }
}

/// E-mail addresses as Posture accepts them: `local@domain`, ASCII, no spaces, quotes, angle
/// brackets or line breaks (nothing that could change an SMTP command or a header).
public enum EmailAddress {
    /// Why `address` is not acceptable; nil when it is.
    public static func problem(_ address: String) -> String? {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return "is not an e-mail address (name@example.com)" }
        let localAllowed = CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~.").union(.alphanumerics)
        let domainAllowed = CharacterSet(charactersIn: "-.").union(.alphanumerics)
        guard address.allSatisfy(\.isASCII),
            parts[0].unicodeScalars.allSatisfy(localAllowed.contains),
            parts[1].unicodeScalars.allSatisfy(domainAllowed.contains)
        else { return "is not an e-mail address (name@example.com)" }
        return nil
    }

    /// Addresses typed in a list: split on commas, semicolons, spaces and line breaks.
    public static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { ",; \t\r\n".contains($0) }).map(String.init)
    }
}
