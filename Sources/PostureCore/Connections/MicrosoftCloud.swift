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
