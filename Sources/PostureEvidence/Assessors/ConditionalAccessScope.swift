/// Who a Conditional Access policy applies to, resolved against the snapshot's users, group
/// memberships and role holders. Locations, platforms and device filters are not evaluated: they
/// narrow when a policy applies, and the assessors only credit policies that apply everywhere.
struct ConditionalAccessScope {
    let policy: GraphConditionalAccessPolicy
    private let includesAll: Bool
    private let includesGuests: Bool
    private let excludesGuests: Bool
    private let included: Set<String>
    private let excluded: Set<String>
    /// A group or role the policy names could not be resolved from the snapshot, so who it covers
    /// is unknown; such a policy is given no credit.
    let unresolved: String?

    init(_ policy: GraphConditionalAccessPolicy, context: M365Context) {
        self.policy = policy
        let users = policy.conditions?.users
        let includeUsers = users?.includeUsers ?? []
        includesAll = includeUsers.contains("All")
        includesGuests =
            includeUsers.contains("GuestsOrExternalUsers") || users?.includeGuestsOrExternalUsers != nil
        excludesGuests =
            (users?.excludeUsers ?? []).contains("GuestsOrExternalUsers") || users?.excludeGuestsOrExternalUsers != nil
        var problem: String?
        func resolve(users ids: [String], groups: [String], roles: [String]) -> Set<String> {
            var result = Set(ids)
            for group in groups {
                if let members = context.groupMembers[group] {
                    result.formUnion(members)
                } else {
                    problem = "group \(group) is not in groupMembers"
                }
            }
            if !roles.isEmpty {
                if context.snapshot.roleAssignments == nil {
                    problem = "its roles need roleAssignments"
                } else {
                    let wanted = Set(roles)
                    for (user, held) in context.activeRoles where !held.isDisjoint(with: wanted) { result.insert(user) }
                }
            }
            return result
        }
        included = resolve(users: includeUsers, groups: users?.includeGroups ?? [], roles: users?.includeRoles ?? [])
        excluded = resolve(
            users: users?.excludeUsers ?? [],
            groups: users?.excludeGroups ?? [],
            roles: users?.excludeRoles ?? []
        )
        unresolved = problem
    }

    var isEnforced: Bool { policy.state == "enabled" && unresolved == nil }

    func covers(_ user: GraphUser) -> Bool {
        if excluded.contains(user.id) || (excludesGuests && user.isGuest) { return false }
        return includesAll || included.contains(user.id) || (includesGuests && user.isGuest)
    }

    /// Enabled users the policy's exclusions take out of an "All users" policy.
    func excludedUsers(among users: [GraphUser]) -> [GraphUser] {
        users.filter { !covers($0) }
    }

    var includesAllUsers: Bool { includesAll }

    var targetsAllResources: Bool {
        (policy.conditions?.applications?.includeApplications ?? []).contains("All")
    }

    private var controls: Set<String> { Set(policy.grantControls?.builtInControls ?? []) }
    var blocks: Bool { controls.contains("block") }
    var requiresMFA: Bool { controls.contains("mfa") || policy.grantControls?.authenticationStrength?.id != nil }
    var requiresPasswordChange: Bool { controls.contains("passwordChange") }
    var isRiskBased: Bool {
        !(policy.conditions?.signInRiskLevels ?? []).isEmpty || !(policy.conditions?.userRiskLevels ?? []).isEmpty
    }

    var requiresPhishingResistantMFA: Bool {
        guard let strength = policy.grantControls?.authenticationStrength else { return false }
        if strength.id == DirectoryRoles.phishingResistantStrength { return true }
        guard let combinations = strength.allowedCombinations, !combinations.isEmpty else { return false }
        return Set(combinations).isSubset(of: DirectoryRoles.phishingResistantCombinations)
    }

    var label: String { "\"\(policy.displayName ?? policy.id)\"" }
}
