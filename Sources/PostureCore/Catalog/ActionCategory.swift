/// The five groups improvement actions are organized in.
public enum ActionCategory: String, CaseIterable, Codable, Sendable, Comparable {
    case identity = "Identity"
    case data = "Data"
    case device = "Device"
    case apps = "Apps"
    case infrastructure = "Infrastructure"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
