extension M365Assessor {
    /// Who holds directory roles, and how.
    static let roles: [M365Assessor] = [
        M365Assessor(
            "OneAdmin",
            requires: [.users, .roleAssignments],
            reads: [.roleEligibilitySchedules, .groupMembers]
        ) { context in
            let count = context.globalAdministrators.count
            return (
                .implemented(count > 1),
                "\(count) Global Administrator\(count == 1 ? "" : "s")" + pimNote(context) + context.roleNote
            )
        },
        M365Assessor(
            "ManyAdmins",
            requires: [.users, .roleAssignments],
            reads: [.roleEligibilitySchedules, .groupMembers]
        ) { context in
            let count = context.globalAdministrators.count
            return (
                .implemented(count < 5),
                "\(count) Global Administrator\(count == 1 ? "" : "s")" + pimNote(context) + context.roleNote
            )
        },
        M365Assessor("RoleOverlap", requires: [.users, .roleAssignments], reads: [.groupMembers]) { context in
            let holders = context.activeRoles.keys.sorted().compactMap { context.user($0) }
            let globals = holders.filter {
                context.activeRoles[$0.id]?.contains(DirectoryRoles.globalAdministrator) == true
            }
            // Up to two Global Administrators are the emergency access accounts OneAdmin asks for.
            let allowed = Set(globals.map(\.entityName).sorted().prefix(2))
            let outcome = counted(holders, name: \.entityName) { user in
                context.activeRoles[user.id]?.contains(DirectoryRoles.globalAdministrator) != true
                    || allowed.contains(user.entityName)
            }
            return (
                outcome,
                "\(globals.count) of \(holders.count) role holders are Global Administrators (two are allowed)"
                    + context.roleNote
            )
        },
        M365Assessor(
            "PIMEnabled",
            requires: [.users, .roleAssignments, .roleEligibilitySchedules],
            reads: [.groupMembers]
        ) { context in
            let eligible = context.eligibleRoles.filter { !$0.value.isDisjoint(with: DirectoryRoles.privileged.keys) }
            let standingGlobal = context.activeRoles.filter { $0.value.contains(DirectoryRoles.globalAdministrator) }
            let done = !eligible.isEmpty && standingGlobal.count <= 2
            return (
                .implemented(done),
                "\(eligible.count) \(eligible.count == 1 ? "user" : "users") eligible for privileged roles; \(standingGlobal.count) hold Global "
                    + "Administrator actively" + (done ? "" : " (needs eligible assignments and at most two standing)")
                    + context.roleNote
            )
        },
        M365Assessor(
            "aad_admin_accounts_separate_unassigned_cloud_only",
            requires: [.users, .roleAssignments, .subscribedSkus],
            reads: [.groupMembers]
        ) { context in
            let admins = context.activeAdministrators.compactMap { context.user($0) }.filter(\.isEnabled)
            guard !admins.isEmpty else { return (.notApplicable, "no enabled administrators") }
            var parts: [String: String] = [:]
            for sku in context.snapshot.subscribedSkus ?? [] { parts[sku.skuId.lowercased()] = sku.skuPartNumber }
            let identityOnly: Set<String> = ["AAD_PREMIUM", "AAD_PREMIUM_P2"]
            var failures: [String] = []
            for admin in admins.sorted(by: { $0.entityName < $1.entityName }) {
                if admin.onPremisesSyncEnabled == true {
                    failures.append("\(admin.entityName) is synchronized from Active Directory")
                } else if let sku = (admin.assignedLicenses ?? []).first(where: {
                    !identityOnly.contains(parts[$0.skuId.lowercased()] ?? "")
                }) {
                    failures.append("\(admin.entityName) has the licence \(parts[sku.skuId.lowercased()] ?? sku.skuId)")
                }
            }
            return (
                .implemented(failures.isEmpty),
                failures.isEmpty
                    ? "all \(admins.count) administrators are cloud-only without productivity licences"
                    : failures.prefix(5).joined(separator: "; ") + (failures.count > 5 ? "; …" : "")
                        + context.roleNote
            )
        },
    ]

    private static func pimNote(_ context: M365Context) -> String {
        context.snapshot.roleEligibilitySchedules == nil
            ? " (active assignments only: no roleEligibilitySchedules)" : ""
    }
}
