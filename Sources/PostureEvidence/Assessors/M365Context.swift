import Foundation
import PostureCore

/// Indexes over one snapshot that several assessors share, built once per assessment.
struct M365Context {
    let snapshot: M365Snapshot
    /// The moment the evidence describes: the manifest's collection time.
    let asOf: Date
    /// User id → position in the snapshot's users (positions, not copies of the large values).
    let userIndex: [String: Int]
    /// Group id → ids of its transitive members, for groups the snapshot resolved.
    let groupMembers: [String: Set<String>]
    /// User id → template ids of roles the user holds actively (directly or through a group).
    let activeRoles: [String: Set<String>]
    /// User id → template ids of roles the user is eligible for (Privileged Identity Management).
    let eligibleRoles: [String: Set<String>]
    /// Role principals the snapshot cannot resolve to users: their members are not counted.
    let unresolvedPrincipals: Set<String>
    /// Enabled accounts, and enabled members (not guests), in the snapshot's order.
    let enabledUsers: [GraphUser]
    let enabledMembers: [GraphUser]
    /// Ids of users with a multifactor-capable method registered, and of users self-service
    /// password reset is enabled for.
    let mfaRegistered: Set<String>
    let ssprEnabled: Set<String>
    /// Every Conditional Access policy with who it applies to, resolved once.
    private(set) var policies: [ConditionalAccessScope]
    /// Enabled policies that include all users, target all resources and exclude at most two
    /// enabled accounts (the emergency access accounts), by name or group, never a whole role.
    private(set) var tenantWidePolicies: [ConditionalAccessScope]

    init(snapshot: M365Snapshot) {
        self.snapshot = snapshot
        asOf = snapshot.manifest.collectedAt
        var users: [String: Int] = [:]
        users.reserveCapacity(snapshot.users?.count ?? 0)
        for (index, user) in (snapshot.users ?? []).enumerated() { users[user.id] = index }
        userIndex = users
        var groups: [String: Set<String>] = [:]
        for group in snapshot.groupMembers ?? [] { groups[group.id] = Set(group.members.map(\.id)) }
        groupMembers = groups
        let applications = Set((snapshot.servicePrincipals ?? []).map(\.id))
        var unresolved = Set<String>()
        func holders(_ assignments: [GraphRoleAssignment]?) -> [String: Set<String>] {
            var result: [String: Set<String>] = [:]
            for assignment in assignments ?? [] {
                let principal = assignment.principalId
                if let members = groups[principal] {
                    for member in members where users[member] != nil {
                        result[member, default: []].insert(assignment.roleDefinitionId)
                    }
                } else if users[principal] != nil {
                    result[principal, default: []].insert(assignment.roleDefinitionId)
                } else if !applications.contains(principal) {
                    // Neither a user, nor a resolved group, nor a known app: a group whose members
                    // were not collected, or a deleted principal.
                    unresolved.insert(principal)
                }
            }
            return result
        }
        activeRoles = holders(snapshot.roleAssignments)
        eligibleRoles = holders(snapshot.roleEligibilitySchedules)
        unresolvedPrincipals = unresolved
        // In the snapshot's order: the same snapshot always lists its entities the same way.
        enabledUsers = (snapshot.users ?? []).filter(\.isEnabled)
        enabledMembers = enabledUsers.filter { !$0.isGuest }
        var registered = Set<String>()
        var sspr = Set<String>()
        for detail in snapshot.userRegistrationDetails ?? [] {
            if detail.isMfaRegistered == true { registered.insert(detail.id) }
            if detail.isSsprEnabled == true { sspr.insert(detail.id) }
        }
        mfaRegistered = registered
        ssprEnabled = sspr
        policies = []
        tenantWidePolicies = []
        // Scopes read the indexes above, so they are resolved once those are in place.
        let resolved = (snapshot.conditionalAccessPolicies ?? []).map { ConditionalAccessScope($0, context: self) }
        policies = resolved
        let context = self
        tenantWidePolicies = resolved.filter {
            $0.isEnforced && $0.includesAllUsers && $0.targetsAllResources && !$0.excludesRoles
                && !$0.excludesMore(than: 2, context: context)
        }
    }

    /// Ids of users holding at least one privileged role actively.
    var activeAdministrators: [String] {
        activeRoles.filter { !$0.value.isDisjoint(with: DirectoryRoles.privileged.keys) }.keys.sorted()
    }

    func user(_ id: String) -> GraphUser? { userIndex[id].map { snapshot.users![$0] } }

    /// Users holding Global Administrator actively or, with PIM, eligibly.
    var globalAdministrators: Set<String> {
        let global = DirectoryRoles.globalAdministrator
        return Set(activeRoles.filter { $0.value.contains(global) }.keys)
            .union(eligibleRoles.filter { $0.value.contains(global) }.keys)
    }

    var securityDefaultsEnabled: Bool { snapshot.securityDefaults?.isEnabled == true }

    /// Appended to role findings when some role holders could not be resolved.
    var roleNote: String {
        guard !unresolvedPrincipals.isEmpty else { return "" }
        let count = unresolvedPrincipals.count
        return " (\(count) role \(count == 1 ? "principal" : "principals") not resolved to users: "
            + "a group whose members are not in groupMembers, or a deleted object)"
    }
}
