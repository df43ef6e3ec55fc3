import Foundation
import PostureCore

/// Indexes over one snapshot that several assessors share, built once per assessment.
struct M365Context {
    let snapshot: M365Snapshot
    /// The moment the evidence describes: the manifest's collection time.
    let asOf: Date
    let usersByID: [String: GraphUser]
    /// Group id → ids of its transitive members, for groups the snapshot resolved.
    let groupMembers: [String: [String]]
    /// User id → template ids of roles the user holds actively (directly or through a group).
    let activeRoles: [String: Set<String>]
    /// User id → template ids of roles the user is eligible for (Privileged Identity Management).
    let eligibleRoles: [String: Set<String>]

    init(snapshot: M365Snapshot) {
        self.snapshot = snapshot
        asOf = snapshot.manifest.collectedAt
        var users: [String: GraphUser] = [:]
        users.reserveCapacity(snapshot.users?.count ?? 0)
        for user in snapshot.users ?? [] { users[user.id] = user }
        usersByID = users
        var groups: [String: [String]] = [:]
        for group in snapshot.groupMembers ?? [] { groups[group.id] = group.members.map(\.id) }
        groupMembers = groups
        func holders(_ assignments: [GraphRoleAssignment]?) -> [String: Set<String>] {
            var result: [String: Set<String>] = [:]
            for assignment in assignments ?? [] {
                let principals = groups[assignment.principalId] ?? [assignment.principalId]
                for principal in principals where users.isEmpty || users[principal] != nil {
                    result[principal, default: []].insert(assignment.roleDefinitionId)
                }
            }
            return result
        }
        activeRoles = holders(snapshot.roleAssignments)
        eligibleRoles = holders(snapshot.roleEligibilitySchedules)
    }

    var enabledUsers: [GraphUser] { (snapshot.users ?? []).filter(\.isEnabled) }
    var enabledMembers: [GraphUser] { (snapshot.users ?? []).filter { $0.isEnabled && !$0.isGuest } }

    /// Ids of users holding at least one privileged role actively.
    var activeAdministrators: [String] {
        activeRoles.filter { !$0.value.isDisjoint(with: DirectoryRoles.privileged.keys) }.keys.sorted()
    }

    func name(_ userID: String) -> String { usersByID[userID]?.entityName ?? userID }

    /// Users holding Global Administrator actively or, with PIM, eligibly.
    var globalAdministrators: Set<String> {
        let global = DirectoryRoles.globalAdministrator
        return Set(activeRoles.filter { $0.value.contains(global) }.keys)
            .union(eligibleRoles.filter { $0.value.contains(global) }.keys)
    }

    var securityDefaultsEnabled: Bool { snapshot.securityDefaults?.isEnabled == true }
}
