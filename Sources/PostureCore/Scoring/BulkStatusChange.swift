/// One status set in many organizations at once (the organizations page's bulk change). Each
/// organization is decided, written and audited on its own: a refusal in one leaves the others.
public enum BulkStatusChange {
    /// At most one page of organizations per request, so the work a request can ask for is bounded.
    public static let maximumOrganizations = ListPage.maximumSize

    public enum Outcome: Sendable, Equatable {
        case changed
        /// The person may not change statuses there (a read-only role); the reason, worded for people.
        case forbidden(String)
        /// The status rules refused it there (the action is completed or managed elsewhere).
        case refused([StatusRuleViolation])
        /// No such organization, or one the person cannot see.
        case notFound
    }

    public struct Result: Sendable, Equatable {
        public var organizationID: OrganizationID
        public var outcome: Outcome

        public init(organizationID: OrganizationID, outcome: Outcome) {
            self.organizationID = organizationID
            self.outcome = outcome
        }
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case noOrganizations
        case tooManyOrganizations(maximum: Int)

        public var description: String {
            switch self {
            case .noOrganizations: "Select at least one organization."
            case .tooManyOrganizations(let maximum): "Select at most \(maximum) organizations at a time."
            }
        }
    }

    /// The organizations to change: each once, in the order given, at most ``maximumOrganizations``.
    public static func organizations(_ ids: [String]) throws(Problem) -> [OrganizationID] {
        var seen = Set<String>()
        let unique = ids.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !unique.isEmpty else { throw .noOrganizations }
        guard unique.count <= maximumOrganizations else { throw .tooManyOrganizations(maximum: maximumOrganizations) }
        return unique.map(OrganizationID.init(rawValue:))
    }
}
