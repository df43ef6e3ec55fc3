/// Who a Conditional Access policy applies to, resolved against the snapshot's users, group
/// memberships and role holders. Locations, platforms, device filters and risk levels are not
/// evaluated one by one: they narrow when a policy applies, so the assessors credit a policy only
/// when ``appliesEverywhere`` holds and it asks for no risk level beyond the one the action is
/// about.
struct ConditionalAccessScope {
    let policy: GraphConditionalAccessPolicy
    private let includesAll: Bool
    private let includesGuests: Bool
    private let excludesGuests: Bool
    private let includedUsers: Set<String>
    private let excludedUsers: Set<String>
    private let includedGroups: Set<String>
    private let excludedGroups: Set<String>
    private let includedRoles: Set<String>
    private let excludedRoles: Set<String>
    /// Group id → ids of its members, and user id → roles held, from the snapshot.
    private let members: [String: Set<String>]
    private let roles: [String: Set<String>]
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
        includedUsers = Set(includeUsers)
        excludedUsers = Set(users?.excludeUsers ?? [])
        includedGroups = Set(users?.includeGroups ?? [])
        excludedGroups = Set(users?.excludeGroups ?? [])
        includedRoles = Set(users?.includeRoles ?? [])
        excludedRoles = Set(users?.excludeRoles ?? [])
        members = context.groupMembers
        roles = context.activeRoles
        var problem: String?
        if let group = includedGroups.union(excludedGroups).sorted().first(where: { context.groupMembers[$0] == nil }) {
            problem = "group \(group) is not in groupMembers"
        }
        if !(includedRoles.isEmpty && excludedRoles.isEmpty), context.snapshot.roleAssignments == nil {
            problem = "its roles need roleAssignments"
        }
        unresolved = problem
    }

    private func matches(
        _ user: GraphUser,
        _ held: Set<String>?,
        users: Set<String>,
        groups: Set<String>,
        roleIDs: Set<String>
    ) -> Bool {
        if !users.isEmpty, users.contains(user.id) { return true }
        if !groups.isEmpty, groups.contains(where: { members[$0]?.contains(user.id) == true }) { return true }
        if !roleIDs.isEmpty, let held, !held.isDisjoint(with: roleIDs) { return true }
        return false
    }

    func covers(_ user: GraphUser) -> Bool {
        covers(user, holding: roles[user.id])
    }

    /// `covers` with the user's roles already looked up, for loops over many policies.
    func covers(_ user: GraphUser, holding: Set<String>?) -> Bool {
        if excludesGuests && user.isGuest { return false }
        if matches(user, holding, users: excludedUsers, groups: excludedGroups, roleIDs: excludedRoles) {
            return false
        }
        return includesAll || (includesGuests && user.isGuest)
            || matches(user, holding, users: includedUsers, groups: includedGroups, roleIDs: includedRoles)
    }

    /// Whether the exclusions take more than `limit` enabled accounts out, counted from the
    /// exclusions themselves (not by testing every user) and stopping as soon as it is known.
    func excludesMore(than limit: Int, context: M365Context) -> Bool {
        var excluded = Set<String>()
        func add(_ id: String) -> Bool {
            guard let user = context.user(id), user.isEnabled else { return false }
            excluded.insert(id)
            return excluded.count > limit
        }
        if excludesGuests, context.enabledUsers.contains(where: { $0.isGuest && add($0.id) }) { return true }
        for id in excludedUsers where add(id) { return true }
        for group in excludedGroups {
            for id in context.groupMembers[group] ?? [] where add(id) { return true }
        }
        if !excludedRoles.isEmpty {
            for (id, held) in roles where !held.isDisjoint(with: excludedRoles) && add(id) { return true }
        }
        return false
    }

    /// Enabled users the policy's exclusions take out of an "All users" policy.
    func excludedUsers(among users: [GraphUser]) -> [GraphUser] {
        users.filter { !covers($0) }
    }

    var isEnforced: Bool { policy.state == "enabled" && unresolved == nil }

    var includesAllUsers: Bool { includesAll }

    /// *All cloud apps* with none excluded: an exclusion leaves a way in without the control.
    var targetsAllResources: Bool {
        let applications = policy.conditions?.applications
        return (applications?.includeApplications ?? []).contains("All")
            && (applications?.excludeApplications ?? []).isEmpty
    }

    /// No location, platform or device filter narrows the policy: it applies in every location
    /// (none named, or *All* with none excluded), on every platform and to every device.
    var appliesEverywhere: Bool {
        let conditions = policy.conditions
        let locations = conditions?.locations
        let platforms = conditions?.platforms
        let everyLocation =
            locations == nil
            || ((locations?.includeLocations ?? []).contains("All") && (locations?.excludeLocations ?? []).isEmpty)
        let everyPlatform =
            platforms == nil
            || ((platforms?.includePlatforms ?? []).contains("all") && (platforms?.excludePlatforms ?? []).isEmpty)
        let everyDevice = (conditions?.devices?.deviceFilter?.rule ?? "").isEmpty
        return everyLocation && everyPlatform && everyDevice
    }

    /// The sign-in and user risk levels the policy is limited to (empty: any risk).
    var signInRiskLevels: Set<String> { Set(policy.conditions?.signInRiskLevels ?? []) }
    var userRiskLevels: Set<String> { Set(policy.conditions?.userRiskLevels ?? []) }

    /// Whether `user` is left out by name: listed in the exclusions or a member of an excluded
    /// group, not merely holding an excluded role.
    func excludesByName(_ user: GraphUser) -> Bool {
        excludedUsers.contains(user.id) || excludedGroups.contains { members[$0]?.contains(user.id) == true }
    }

    /// A whole role is excluded: that is never an emergency-access exclusion, which is for at
    /// most two named accounts.
    var excludesRoles: Bool { !excludedRoles.isEmpty }

    /// Every client app type: `all`, none named, or both modern client kinds.
    var appliesToAllClients: Bool {
        let clients = Set(policy.conditions?.clientAppTypes ?? [])
        return clients.isEmpty || clients.contains("all")
            || clients.isSuperset(of: ["browser", "mobileAppsAndDesktopClients"])
    }

    private var controls: Set<String> { Set(policy.grantControls?.builtInControls ?? []) }
    /// Whether every grant control must be satisfied: with OR and several controls, any one of
    /// them (a compliant device, say) lets the sign-in through without the others.
    private var allControlsRequired: Bool {
        let count = controls.count + (policy.grantControls?.authenticationStrength == nil ? 0 : 1)
        return count <= 1 || policy.grantControls?.operator?.uppercased() == "AND"
    }
    var blocks: Bool { controls.contains("block") }
    var requiresMFA: Bool {
        (controls.contains("mfa") || strengthIsMultifactor) && allControlsRequired
    }

    /// An authentication strength counts as MFA only when every combination it allows is
    /// multifactor: the built-in strengths are; a custom one is judged by its allowed combinations
    /// (a strength of `password` alone is not MFA), and one whose combinations are unknown gets no
    /// credit.
    var strengthIsMultifactor: Bool {
        guard let strength = policy.grantControls?.authenticationStrength else { return false }
        if let id = strength.id, DirectoryRoles.builtInMultifactorStrengths.contains(id) { return true }
        guard let combinations = strength.allowedCombinations, !combinations.isEmpty else { return false }
        return combinations.allSatisfy(DirectoryRoles.isMultifactor)
    }
    var requiresPasswordChange: Bool { controls.contains("passwordChange") && allControlsRequired }
    var isRiskBased: Bool {
        !(policy.conditions?.signInRiskLevels ?? []).isEmpty || !(policy.conditions?.userRiskLevels ?? []).isEmpty
    }

    var requiresPhishingResistantMFA: Bool {
        guard let strength = policy.grantControls?.authenticationStrength, allControlsRequired else { return false }
        if strength.id == DirectoryRoles.phishingResistantStrength { return true }
        guard let combinations = strength.allowedCombinations, !combinations.isEmpty else { return false }
        return Set(combinations).isSubset(of: DirectoryRoles.phishingResistantCombinations)
    }

    var label: String { "\"\(policy.displayName ?? policy.id)\"" }
}
