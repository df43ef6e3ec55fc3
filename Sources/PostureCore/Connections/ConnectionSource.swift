/// What a connection collects: each source is a set of resources (Graph's, Exchange Online's,
/// Defender for Endpoint's) and the application permissions they need.
public enum ConnectionSource: String, Sendable, CaseIterable, Equatable, Comparable {
    /// Entra ID configuration: users, roles, Conditional Access, authentication policies.
    case entraID = "entra-id"
    /// SharePoint and OneDrive tenant settings.
    case sharePoint = "sharepoint"
    /// Microsoft's own Secure Score history and control profiles.
    case secureScore = "secure-score"
    /// Exchange Online and Defender for Office 365 configuration, through Exchange's admin API.
    case exchangeOnline = "exchange-online"
    /// Defender for Endpoint's secure configuration assessment of each onboarded device.
    case defenderEndpoint = "defender-endpoint"
    /// Intune device management: compliance policies and managed devices.
    case intune
    /// Microsoft 365 admin center settings: apps and services, Forms.
    case adminCenter = "admin-center"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The sources of names people and requests give (`entra-id`), or a problem naming `sources`.
    public static func named(_ names: [String]) throws(ConnectionProblem) -> [ConnectionSource] {
        var sources: [ConnectionSource] = []
        for name in names {
            guard let source = ConnectionSource(rawValue: name) else {
                throw ConnectionProblem(
                    field: "sources",
                    "\"\(name)\" is not a source; use \(allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            sources.append(source)
        }
        return sources
    }

    public var displayName: String {
        switch self {
        case .entraID: "Entra ID"
        case .sharePoint: "SharePoint"
        case .secureScore: "Microsoft Secure Score"
        case .exchangeOnline: "Exchange Online"
        case .defenderEndpoint: "Defender for Endpoint"
        case .intune: "Intune"
        case .adminCenter: "Microsoft 365 admin center"
        }
    }
}
