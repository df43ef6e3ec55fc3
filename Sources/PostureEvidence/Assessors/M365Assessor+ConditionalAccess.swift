extension M365Assessor {
    /// Conditional Access policies; only policies in the On state count, never report-only or off.
    static let conditionalAccess: [M365Assessor] = [
        M365Assessor(
            "BlockLegacyAuthentication",
            requires: [.users, .conditionalAccessPolicies, .identitySecurityDefaultsEnforcementPolicy],
            reads: [.groupMembers, .roleAssignments]
        ) { context in
            if context.securityDefaultsEnabled {
                return (.implemented(true), "security defaults block legacy authentication")
            }
            return tenantWide(context, "block legacy authentication") { scope in
                let clients = Set(scope.policy.conditions?.clientAppTypes ?? [])
                return scope.blocks && clients.isSuperset(of: ["exchangeActiveSync", "other"])
                    && scope.appliesEverywhere && !scope.isRiskBased
            }
        },
        M365Assessor(
            "SigninRiskPolicy",
            requires: [.users, .conditionalAccessPolicies],
            reads: [.groupMembers, .roleAssignments]
        ) { context in
            var covered = Set<String>()
            var names: [String] = []
            for scope in context.tenantWidePolicies
            where scope.appliesToAllClients && (scope.blocks || scope.requiresMFA) && scope.appliesEverywhere
                && scope.userRiskLevels.isEmpty
            {
                let levels = scope.policy.conditions?.signInRiskLevels ?? []
                guard !levels.isEmpty else { continue }
                covered.formUnion(levels)
                names.append(scope.label)
            }
            let done = covered.isSuperset(of: ["medium", "high"])
            return (
                .implemented(done),
                done
                    ? "medium and high sign-in risk answered by " + names.joined(separator: ", ")
                    : "no enabled policy for all users requires MFA or blocks at medium and high sign-in risk"
                        + partialNote(context, "sign-in risk") {
                            !($0.policy.conditions?.signInRiskLevels ?? []).isEmpty
                        }
            )
        },
        M365Assessor(
            "UserRiskPolicy",
            requires: [.users, .conditionalAccessPolicies],
            reads: [.groupMembers, .roleAssignments]
        ) { context in
            tenantWide(context, "answer high user risk") { scope in
                scope.userRiskLevels.contains("high") && scope.signInRiskLevels.isEmpty && scope.appliesEverywhere
                    && scope.appliesToAllClients
                    && (scope.blocks || (scope.requiresPasswordChange && scope.requiresMFA))
            }
        },
        M365Assessor(
            "aad_phishing_MFA_strength",
            requires: [.users, .roleAssignments, .conditionalAccessPolicies],
            reads: [.groupMembers]
        ) { context in
            administratorsCovered(context, "require phishing-resistant MFA") {
                $0.targetsAllResources && $0.appliesToAllClients && $0.requiresPhishingResistantMFA
                    && $0.appliesEverywhere && !$0.isRiskBased
            }
        },
        M365Assessor(
            "aad_sign_in_freq_session_timeout",
            requires: [.users, .roleAssignments, .conditionalAccessPolicies],
            reads: [.groupMembers]
        ) { context in
            administratorsCovered(context, "limit sign-in frequency with non-persistent browser sessions") { scope in
                let frequency = scope.policy.sessionControls?.signInFrequency
                let browser = scope.policy.sessionControls?.persistentBrowser
                return scope.appliesToAllClients && frequency?.isEnabled == true && frequency?.value != nil
                    && (frequency?.frequencyInterval ?? "timeBased") == "timeBased"
                    && browser?.isEnabled == true && browser?.mode == "never"
            }
        },
        M365Assessor(
            "posture_ca_policy_coverage",
            requires: [.users, .conditionalAccessPolicies, .identitySecurityDefaultsEnforcementPolicy],
            reads: [.groupMembers, .roleAssignments]
        ) { context in
            let users = context.enabledUsers
            if context.securityDefaultsEnabled {
                let outcome = counted(users, name: \.entityName) { _ in true }
                return (outcome, "security defaults require MFA of every account when needed")
            }
            let policies = context.policies
                .filter {
                    $0.isEnforced && $0.targetsAllResources && $0.appliesToAllClients && $0.requiresMFA
                        && !$0.isRiskBased && $0.appliesEverywhere
                }
            let outcome = counted(users, name: \.entityName) { user in
                let holding = context.activeRoles[user.id]
                return policies.contains { $0.covers(user, holding: holding) }
            }
            return (
                outcome,
                ratio(outcome, "enabled accounts") + " are covered by "
                    + (policies.isEmpty ? "no enabled MFA policy" : policies.map(\.label).joined(separator: ", "))
            )
        },
    ]

    /// Binary: one tenant-wide policy does what the action asks.
    static func tenantWide(
        _ context: M365Context,
        _ purpose: String,
        _ qualifies: (ConditionalAccessScope) -> Bool
    ) -> (M365Finding.Outcome, String) {
        if let scope = context.tenantWidePolicies.first(where: qualifies) {
            return (.implemented(true), "\(scope.label) is on for all users and all resources")
        }
        return (
            .implemented(false),
            "no enabled policy for all users and all resources (at most two excluded) does \(purpose)"
                + partialNote(context, purpose, qualifies)
        )
    }

    /// Explains near misses: a matching policy that is report-only, off, too narrow or unresolved.
    static func partialNote(
        _ context: M365Context,
        _ purpose: String,
        tenantWide: Bool = true,
        _ qualifies: (ConditionalAccessScope) -> Bool
    ) -> String {
        let users = context.enabledUsers
        let candidates = context.policies
            .filter(qualifies)
        guard let scope = candidates.first else { return "" }
        if scope.policy.state == "enabledForReportingButNotEnforced" { return "; \(scope.label) is report-only" }
        if scope.policy.state != "enabled" { return "; \(scope.label) is off" }
        if let unresolved = scope.unresolved { return "; \(scope.label) cannot be resolved: \(unresolved)" }
        guard tenantWide else { return "" }
        if !scope.includesAllUsers || !scope.targetsAllResources {
            return "; \(scope.label) does not cover all users and resources"
        }
        return "; \(scope.label) excludes \(scope.excludedUsers(among: users).count) accounts"
    }

    /// Binary: every active administrator is covered by a qualifying enabled policy, except at
    /// most two Global Administrators left out as emergency access accounts (as Microsoft advises).
    static func administratorsCovered(
        _ context: M365Context,
        _ purpose: String,
        _ qualifies: (ConditionalAccessScope) -> Bool
    ) -> (M365Finding.Outcome, String) {
        let admins = context.activeAdministrators.compactMap { context.user($0) }.filter(\.isEnabled)
        guard !admins.isEmpty else { return (.notApplicable, "no enabled administrators") }
        let policies = context.policies
            .filter { $0.isEnforced && qualifies($0) }
        let uncovered = admins.filter { admin in !policies.contains { $0.covers(admin) } }
        if uncovered.isEmpty {
            return (
                .implemented(true),
                policies.map(\.label).joined(separator: ", ") + " cover all \(admins.count) administrators"
            )
        }
        // Emergency access accounts are Global Administrators left out by name; excluding a whole
        // role does not count.
        let emergency = uncovered.allSatisfy { admin in
            context.activeRoles[admin.id]?.contains(DirectoryRoles.globalAdministrator) == true
                && policies.contains { $0.excludesByName(admin) }
        }
        if emergency, uncovered.count <= 2, uncovered.count < admins.count {
            return (
                .implemented(true),
                policies.map(\.label).joined(separator: ", ")
                    + " cover \(admins.count - uncovered.count) of \(admins.count) administrators; left out as emergency access: "
                    + uncovered.map(\.entityName).sorted().joined(separator: ", ")
            )
        }
        let names = uncovered.map(\.entityName).sorted()
        return (
            .implemented(false),
            "\(uncovered.count) of \(admins.count) administrators are not covered by an enabled policy that does \(purpose): "
                + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
                + partialNote(context, purpose, tenantWide: false, qualifies)
        )
    }
}
