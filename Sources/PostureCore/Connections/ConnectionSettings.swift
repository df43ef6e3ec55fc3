import Foundation

/// How a Microsoft 365 connection signs in, apart from its secret: the tenant, the app
/// registration, the kind of credential, the cloud and what it collects. Endpoints default to
/// the cloud's and can be set apart (a sovereign proxy, or a recorded service on this machine).
public struct ConnectionSettings: Sendable, Equatable {
    public enum CredentialKind: String, Sendable, Equatable {
        case secret
        case certificate
        /// The instance-wide multi-tenant app's credential: the tenant granted it admin consent.
        case instanceApp = "instance-app"
    }

    public var tenantID: String
    public var clientID: String
    public var credentialKind: CredentialKind
    public var cloud: MicrosoftCloud
    public var sources: [ConnectionSource]
    public var loginURL: String?
    public var graphURL: String?
    public var exchangeURL: String?
    public var defenderURL: String?
    /// How often the server collects this connection.
    public var schedule: CollectionSchedule

    public init(
        tenantID: String,
        clientID: String,
        credentialKind: CredentialKind,
        cloud: MicrosoftCloud = .commercial,
        sources: [ConnectionSource] = ConnectionSource.allCases,
        loginURL: String? = nil,
        graphURL: String? = nil,
        exchangeURL: String? = nil,
        defenderURL: String? = nil,
        schedule: CollectionSchedule = CollectionSchedule()
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.credentialKind = credentialKind
        self.cloud = cloud
        self.sources = sources
        self.loginURL = loginURL
        self.graphURL = graphURL
        self.exchangeURL = exchangeURL
        self.defenderURL = defenderURL
        self.schedule = schedule
    }

    /// The sign-in endpoint in use: the one set apart, or the cloud's.
    public var effectiveLoginURL: String { loginURL ?? cloud.loginURL }
    public var effectiveGraphURL: String { graphURL ?? cloud.graphURL }
    public var effectiveExchangeURL: String { exchangeURL ?? cloud.exchangeURL }
    public var effectiveDefenderURL: String? { defenderURL ?? cloud.defenderURL }

    /// Every problem with the settings, each naming its field; empty when they are acceptable.
    public var problems: [ConnectionProblem] {
        var found: [ConnectionProblem] = []
        if !Self.isTenant(tenantID) {
            found.append(
                .init(
                    field: "tenantId",
                    "must be a directory (tenant) id, a GUID, or a domain name like contoso.onmicrosoft.com"
                )
            )
        }
        if !Self.isGUID(clientID) {
            found.append(.init(field: "clientId", "must be the app registration's application (client) id, a GUID"))
        }
        if sources.isEmpty {
            found.append(.init(field: "sources", "name at least one source: " + Self.sourceNames))
        } else if Set(sources).count != sources.count {
            found.append(.init(field: "sources", "names a source twice"))
        }
        if let problem = CollectionSchedule.problem(intervalMinutes: schedule.intervalMinutes) { found.append(problem) }
        for (field, url) in [
            ("loginUrl", loginURL), ("graphUrl", graphURL), ("exchangeUrl", exchangeURL), ("defenderUrl", defenderURL),
        ] {
            if let url, let problem = Self.endpointProblem(url) { found.append(.init(field: field, problem)) }
        }
        return found
    }

    public static var sourceNames: String { ConnectionSource.allCases.map(\.rawValue).joined(separator: ", ") }

    /// An application (client) id: a GUID.
    public static func isApplicationID(_ text: String) -> Bool { isGUID(text) }

    static func isGUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "-" || $0.properties.isASCIIHexDigit }
    }

    /// A GUID or a DNS name of at most 253 characters: labels of letters, digits and hyphens.
    static func isTenant(_ text: String) -> Bool {
        if isGUID(text) { return true }
        guard text.utf8.count <= 253, text.contains(".") else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                }
        }
    }

    /// Endpoints carry credentials and tokens: https only, except on this machine.
    public static func endpointProblem(_ text: String) -> String? {
        guard text.utf8.count <= 2_048, let url = URL(string: text), let host = url.host, let scheme = url.scheme,
            url.query == nil, url.fragment == nil, url.user == nil
        else { return "must be an https URL without a query, e.g. https://login.microsoftonline.us" }
        let local = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && local) else {
            return "must use https (http only on this machine), got \"\(text)\""
        }
        return nil
    }
}

/// One problem with a connection's settings or credential, naming the field it is about.
public struct ConnectionProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
