/// What a connection collects: each source is a set of Graph resources and the application
/// permissions they need.
public enum ConnectionSource: String, Sendable, CaseIterable, Equatable, Comparable {
    /// Entra ID configuration: users, roles, Conditional Access, authentication policies.
    case entraID = "entra-id"
    /// SharePoint and OneDrive tenant settings.
    case sharePoint = "sharepoint"
    /// Microsoft's own Secure Score history and control profiles.
    case secureScore = "secure-score"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var displayName: String {
        switch self {
        case .entraID: "Entra ID"
        case .sharePoint: "SharePoint"
        case .secureScore: "Microsoft Secure Score"
        }
    }
}
