/// The Microsoft clouds a connection can sign in to: each has its own sign-in and Graph hosts.
public enum MicrosoftCloud: String, Sendable, CaseIterable, Equatable {
    case commercial
    /// Government Community Cloud: commercial endpoints.
    case gcc
    case gccHigh = "gcc-high"
    case dod
    /// Operated by 21Vianet.
    case china

    public var loginURL: String {
        switch self {
        case .commercial, .gcc: "https://login.microsoftonline.com"
        case .gccHigh, .dod: "https://login.microsoftonline.us"
        case .china: "https://login.chinacloudapi.cn"
        }
    }

    public var graphURL: String {
        switch self {
        case .commercial, .gcc: "https://graph.microsoft.com"
        case .gccHigh: "https://graph.microsoft.us"
        case .dod: "https://dod-graph.microsoft.us"
        case .china: "https://microsoftgraph.chinacloudapi.cn"
        }
    }

    /// Exchange Online's admin endpoint (the one its management module calls), or a national cloud's.
    public var exchangeURL: String {
        switch self {
        case .commercial, .gcc: "https://outlook.office365.com"
        case .gccHigh: "https://outlook.office365.us"
        case .dod: "https://webmail.apps.mil"
        case .china: "https://partner.outlook.cn"
        }
    }

    /// Microsoft Defender for Endpoint's API; nil where the cloud does not offer it.
    public var defenderURL: String? {
        switch self {
        case .commercial: "https://api.securitycenter.microsoft.com"
        case .gcc: "https://api-gcc.securitycenter.microsoft.us"
        case .gccHigh, .dod: "https://api-gov.securitycenter.microsoft.us"
        case .china: nil
        }
    }

    /// The cloud of a name people and requests give (`gcc-high`), or a problem naming `cloud`.
    public static func named(_ name: String) throws(ConnectionProblem) -> MicrosoftCloud {
        guard let cloud = MicrosoftCloud(rawValue: name) else {
            throw ConnectionProblem(
                field: "cloud",
                "must be one of \(allCases.map(\.rawValue).joined(separator: ", ")), got \"\(name)\""
            )
        }
        return cloud
    }

    public var displayName: String {
        switch self {
        case .commercial: "Commercial"
        case .gcc: "GCC"
        case .gccHigh: "GCC High"
        case .dod: "DoD"
        case .china: "China (21Vianet)"
        }
    }
}
