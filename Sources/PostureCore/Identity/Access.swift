/// What a caller may do: a role in each organization it belongs to, or every organization as an
/// instance administrator.
public struct Access: Sendable, Equatable, Codable {
    public var instanceAdministrator: Bool
    public var roles: [String: Role]

    public init(instanceAdministrator: Bool = false, roles: [String: Role] = [:]) {
        self.instanceAdministrator = instanceAdministrator
        self.roles = roles
    }

    public static let none = Access()
    public static let instance = Access(instanceAdministrator: true)

    /// The caller's role in `organizationID`; an instance administrator acts as a global administrator.
    public func role(in organizationID: OrganizationID) -> Role? {
        instanceAdministrator ? .globalAdministrator : roles[organizationID.rawValue]
    }

    public func canSee(_ organizationID: OrganizationID) -> Bool { role(in: organizationID) != nil }

    /// True when the caller holds no role anywhere: it can do nothing at all.
    public var isEmpty: Bool { !instanceAdministrator && roles.isEmpty }
}

/// The kinds of request the access rules distinguish.
public enum AccessOperation: Sendable, Equatable, CaseIterable {
    /// Reading an organization's score, actions, history, audit log and settings.
    case read
    /// Statuses, notes, tags, zones, custom comparisons and measurements.
    case changeState
    /// An organization's name, seats and enabled services.
    case updateOrganization
    /// Removing an organization with all its history.
    case deleteOrganization
    /// API clients and people's roles in an organization.
    case manageAccess
    /// Replacing stored history with a re-scored one.
    case rewriteHistory
}

/// The scopes of a caller, as the two Graph permissions.
public enum Scope: String, CaseIterable, Sendable, Codable {
    case read = "SecurityEvents.Read.All"
    case readWrite = "SecurityEvents.ReadWrite.All"
}

/// The outcome of an access check. `notFound` hides organizations the caller has no role in, so
/// their ids do not leak.
public enum AccessDecision: Sendable, Equatable {
    case allowed
    case notFound
    case forbidden(String)
}

/// The access rules: a scope and a role are both required.
public enum AccessPolicy {
    public static func decide(
        _ operation: AccessOperation,
        organizationID: OrganizationID,
        access: Access,
        scopes: Set<Scope>
    ) -> AccessDecision {
        guard let role = access.role(in: organizationID) else { return .notFound }
        if operation == .read {
            return scopes.isEmpty ? .forbidden("this needs the SecurityEvents.Read.All scope") : .allowed
        }
        guard scopes.contains(.readWrite) else {
            return .forbidden("this change needs the SecurityEvents.ReadWrite.All scope")
        }
        switch operation {
        case .read:
            return .allowed
        case .changeState, .updateOrganization:
            return role.isReadWrite
                ? .allowed : .forbidden("the \(role.displayName) role is read-only in this organization")
        case .deleteOrganization, .manageAccess, .rewriteHistory:
            return role == .globalAdministrator
                ? .allowed : .forbidden("only a Global administrator of this organization may do this")
        }
    }

    /// Giving someone `role` in an organization, or taking away the role they hold there
    /// (`replacing`), as the seed has it: a Global administrator grants and removes any role; every
    /// other read-write role grants and removes the read-only roles, and cannot change the role of
    /// someone who holds a read-write one. A role of nil is a removal.
    public static func decideGrant(
        _ role: Role?,
        replacing current: Role?,
        organizationID: OrganizationID,
        access: Access
    ) -> AccessDecision {
        guard let own = access.role(in: organizationID) else { return .notFound }
        if own == .globalAdministrator { return .allowed }
        guard own.isReadWrite else {
            return .forbidden("the \(own.displayName) role is read-only in this organization")
        }
        if let role, role.isReadWrite {
            return .forbidden(
                "a \(own.displayName) may grant only read-only roles; only a Global administrator grants \(role.displayName)"
            )
        }
        if let current, current.isReadWrite {
            return .forbidden("only a Global administrator may change the role of a \(current.displayName)")
        }
        return .allowed
    }

    /// The roles the caller may grant in the organization, in the order of ``Role``.
    public static func grantableRoles(in organizationID: OrganizationID, access: Access) -> [Role] {
        Role.allCases.filter {
            decideGrant($0, replacing: nil, organizationID: organizationID, access: access) == .allowed
        }
    }

    /// Creating an organization: only instance administrators, since nobody holds a role in it yet.
    public static func decideCreate(access: Access, scopes: Set<Scope>) -> AccessDecision {
        guard scopes.contains(.readWrite) else {
            return .forbidden("this change needs the SecurityEvents.ReadWrite.All scope")
        }
        return access.instanceAdministrator
            ? .allowed : .forbidden("only an instance administrator may create organizations")
    }
}
