/// The eleven roles a person or machine can hold in an organization. Five may change an
/// organization's state; six may only read it.
public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    case globalAdministrator
    case securityAdministrator
    case exchangeAdministrator
    case sharePointAdministrator
    case accountAdministrator
    case helpdeskAdministrator
    case userAdministrator
    case serviceAdministrator
    case securityReader
    case securityOperator
    case globalReader

    /// Read-write roles change statuses, notes, tags, zones, comparisons and measurements.
    public var isReadWrite: Bool {
        switch self {
        case .globalAdministrator, .securityAdministrator, .exchangeAdministrator, .sharePointAdministrator,
            .accountAdministrator:
            true
        case .helpdeskAdministrator, .userAdministrator, .serviceAdministrator, .securityReader, .securityOperator,
            .globalReader:
            false
        }
    }

    public var displayName: String {
        switch self {
        case .globalAdministrator: "Global administrator"
        case .securityAdministrator: "Security administrator"
        case .exchangeAdministrator: "Exchange administrator"
        case .sharePointAdministrator: "SharePoint administrator"
        case .accountAdministrator: "Account administrator"
        case .helpdeskAdministrator: "Helpdesk administrator"
        case .userAdministrator: "User administrator"
        case .serviceAdministrator: "Service administrator"
        case .securityReader: "Security reader"
        case .securityOperator: "Security operator"
        case .globalReader: "Global reader"
        }
    }

    /// Accepts the identifier (`securityReader`), the display name (`Security reader`) and the
    /// kebab or snake spelling (`security-reader`), case-insensitively.
    public init?(name: String) {
        let wanted = Self.folded(name)
        guard let match = Self.allCases.first(where: { Self.folded($0.rawValue) == wanted }) else { return nil }
        self = match
    }

    /// Read-write roles first, then in declaration order: the order roles are listed in.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    static func folded(_ text: String) -> String {
        String(text.lowercased().filter { $0.isLetter })
    }

    /// The names accepted on the command line and in configuration, for error messages.
    public static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
