import Foundation

/// The six statuses of an improvement action.
public enum ActionStatus: String, CaseIterable, Codable, Sendable {
    case toAddress
    case planned
    case riskAccepted
    case resolvedThirdParty
    case resolvedAlternateMitigation
    /// Set by the system when data shows every point earned; never chosen by a person.
    case completed

    /// Statuses that record a decision not to act on the data: they may carry an expiry.
    public var isException: Bool {
        switch self {
        case .riskAccepted, .resolvedThirdParty, .resolvedAlternateMitigation: true
        default: false
        }
    }

    /// Statuses that award full points the data cannot confirm.
    public var isClaim: Bool {
        self == .resolvedThirdParty || self == .resolvedAlternateMitigation
    }

    /// Open actions are the ones ranked and planned.
    public var isOpen: Bool { self == .toAddress || self == .planned }

    /// How the status reads in tables and pages.
    public var label: String {
        switch self {
        case .toAddress: "To address"
        case .planned: "Planned"
        case .riskAccepted: "Risk accepted"
        case .resolvedThirdParty: "Resolved through third party"
        case .resolvedAlternateMitigation: "Resolved through alternate mitigation"
        case .completed: "Completed"
        }
    }
}

extension StatusRecord {
    /// Who sets the statuses the data or time decides: `completed` when every point is earned,
    /// `toAddress` when an action regresses or an exception expires.
    public static let system = "system"

    /// Set by the system rather than a person: its note is the system's, never pre-filled or
    /// shown as someone's.
    public var isSystem: Bool { setBy == Self.system }
}

/// A status as it was set: by whom, when, why, and until when.
public struct StatusRecord: Sendable, Equatable, Codable {
    public var actionID: String
    public var status: ActionStatus
    public var note: String?
    public var owner: String?
    /// Exceptions only: the instant the exception lapses and the action reopens.
    public var expiresAt: Date?
    /// Planned only: the day the action is expected to be done.
    public var targetDate: CivilDay?
    public var setBy: String?
    public var setAt: Date?
    /// The state as the client named it, when that differs from the status (a Graph client's
    /// `Reviewed`, say), so it reads back exactly as written.
    public var clientState: String?

    public init(
        actionID: String,
        status: ActionStatus,
        note: String? = nil,
        owner: String? = nil,
        expiresAt: Date? = nil,
        targetDate: CivilDay? = nil,
        setBy: String? = nil,
        setAt: Date? = nil,
        clientState: String? = nil
    ) {
        self.actionID = actionID
        self.status = status
        self.note = note
        self.owner = owner
        self.expiresAt = expiresAt
        self.targetDate = targetDate
        self.setBy = setBy
        self.setAt = setAt
        self.clientState = clientState
    }
}

/// Why a person's status change is refused.
public enum StatusRuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownAction(String)
    case completedIsSystemOnly(actionID: String)
    case externallyManaged(actionID: String, managedIn: String)
    case expiryOnlyForExceptions(actionID: String, status: ActionStatus)
    case targetDateOnlyForPlanned(actionID: String, status: ActionStatus)
    case expiryInThePast(actionID: String, expiresAt: Date)
    /// The data shows every point earned: the system's `completed` is locked.
    case actionCompleted(actionID: String)
    /// Free text over its limit in ``TextLimits`` (or with control characters).
    case text(field: TextLimits.Field, problem: String)

    /// The input field the violation is about.
    public var field: String {
        switch self {
        case .unknownAction: "actionId"
        case .completedIsSystemOnly, .externallyManaged, .actionCompleted: "status"
        case .expiryOnlyForExceptions, .expiryInThePast: "expiresAt"
        case .targetDateOnlyForPlanned: "targetDate"
        case .text(let field, _): field.rawValue
        }
    }

    public var description: String {
        switch self {
        case .unknownAction(let id):
            "unknown action id \"\(id)\""
        case .completedIsSystemOnly:
            "\"completed\" is set by the system when the data shows every point earned; choose another status"
        case .externallyManaged(let id, let managedIn):
            "\(id) is managed externally; set its status and exceptions in \(managedIn)"
        case .expiryOnlyForExceptions(_, let status):
            "only riskAccepted, resolvedThirdParty and resolvedAlternateMitigation can expire, not \(status.rawValue)"
        case .targetDateOnlyForPlanned(_, let status):
            "only planned actions take a target date, not \(status.rawValue)"
        case .expiryInThePast(_, let date):
            "the expiry \(date.iso8601) has already passed"
        case .actionCompleted(let id):
            "\(id) is completed: the data shows every point earned, so its status is locked"
        case .text(_, let problem):
            problem
        }
    }

    /// The same for a person at the dashboard: statuses by their labels, no field names or wire
    /// values.
    public var sentence: String {
        switch self {
        case .unknownAction(let id):
            "There is no improvement action \"\(id)\"."
        case .completedIsSystemOnly:
            "Completed is set by Posture when the data shows every point earned; choose another status."
        case .externallyManaged(_, let managedIn):
            "This action is managed in \(managedIn); set its status and exceptions there."
        case .expiryOnlyForExceptions(_, let status):
            "Only the statuses \(ActionStatus.allCases.filter(\.isException).map(\.label).joined(separator: ", ")) can have an expiry date, not \(status.label)."
        case .targetDateOnlyForPlanned(_, let status):
            "Only Planned actions take a target date, not \(status.label)."
        case .expiryInThePast(_, let date):
            "The expiry date \(CivilDay(date)) has already passed."
        case .actionCompleted:
            "The data shows every point earned, so this action is completed and its status is locked."
        case .text(_, let problem):
            problem.prefix(1).uppercased() + problem.dropFirst() + (problem.hasSuffix(".") ? "" : ".")
        }
    }
}

extension StatusRecord {
    /// Checks a status a person wants to set. `asOf`, when given, also refuses expiries in the past
    /// (imports of historic files pass nil so old exceptions can be replayed and reopen).
    public func violations(in catalog: Catalog, asOf: Date? = nil) -> [StatusRuleViolation] {
        guard let action = catalog[actionID] else { return [.unknownAction(actionID)] }
        let text: [StatusRuleViolation] = [(TextLimits.Field.note, note), (.owner, owner), (.state, clientState)]
            .compactMap { field, value in TextLimits.problem(field, value).map { .text(field: field, problem: $0) } }
        guard text.isEmpty else { return text }
        if action.externallyManaged {
            return [.externallyManaged(actionID: actionID, managedIn: action.managedIn ?? "its evidence source")]
        }
        var result: [StatusRuleViolation] = []
        if status == .completed { result.append(.completedIsSystemOnly(actionID: actionID)) }
        if let expiresAt {
            if !status.isException {
                result.append(.expiryOnlyForExceptions(actionID: actionID, status: status))
            } else if let asOf, expiresAt <= asOf {
                result.append(.expiryInThePast(actionID: actionID, expiresAt: expiresAt))
            }
        }
        if targetDate != nil, status != .planned {
            result.append(.targetDateOnlyForPlanned(actionID: actionID, status: status))
        }
        return result
    }
}
