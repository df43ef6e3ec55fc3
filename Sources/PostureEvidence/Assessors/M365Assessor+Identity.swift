import Foundation
import PostureCore

extension M365Assessor {
    /// Accounts, their authentication methods and password rules.
    static let identity: [M365Assessor] = [
        M365Assessor(
            "AdminMFAV2",
            requires: [.users, .roleAssignments, .userRegistrationDetails, .identitySecurityDefaultsEnforcementPolicy],
            reads: [.groupMembers]
        ) { context in
            let registered = context.mfaRegistered
            let admins = context.activeAdministrators.compactMap { context.user($0) }.filter(\.isEnabled)
            let enforced = context.securityDefaultsEnabled
            let outcome = counted(admins, name: \.entityName) { enforced || registered.contains($0.id) }
            return (
                outcome,
                (enforced
                    ? "security defaults require MFA of every administrator"
                    : ratio(outcome, "enabled administrators") + " have an MFA method registered") + context.roleNote
            )
        },
        M365Assessor(
            "MFARegistrationV2",
            requires: [.users, .userRegistrationDetails, .identitySecurityDefaultsEnforcementPolicy]
        ) { context in
            let registered = context.mfaRegistered
            let enforced = context.securityDefaultsEnabled
            let outcome = counted(context.enabledMembers, name: \.entityName) { enforced || registered.contains($0.id) }
            return (
                outcome,
                enforced
                    ? "security defaults make every user register for MFA"
                    : ratio(outcome, "enabled members") + " have an MFA method registered"
            )
        },
        M365Assessor("SelfServicePasswordReset", requires: [.users, .userRegistrationDetails]) { context in
            let members = context.enabledMembers
            guard !members.isEmpty else { return (.notApplicable, "no enabled member accounts") }
            let without = members.filter { !context.ssprEnabled.contains($0.id) }
            return (
                .implemented(without.isEmpty),
                without.isEmpty
                    ? "self-service password reset is enabled for all \(members.count) members"
                    : "self-service password reset is not enabled for \(without.count) of \(members.count) members "
                        + "(e.g. \(without[0].entityName)): it is set to Selected or None, not All"
            )
        },
        M365Assessor("posture_inactive_accounts_disabled", requires: [.users]) { context in
            let users = context.enabledUsers
            guard users.isEmpty || users.contains(where: { $0.signInActivity != nil }) else {
                return (.noData, "no data: users carry no signInActivity (it needs AuditLog.Read.All and Entra ID P1)")
            }
            let cutoff = RecentSince(context.asOf.addingTimeInterval(-45 * 86_400))
            let outcome = counted(users, name: \.entityName) { user in
                // Only successful sign-ins: failed attempts (password spraying) keep no account alive.
                cutoff.includes(user.createdDateTime)
                    || cutoff.includes(user.signInActivity?.lastSuccessfulSignInDateTime)
            }
            return (
                outcome,
                ratio(outcome, "enabled accounts") + " signed in successfully or were created in the last 45 days"
            )
        },
        M365Assessor("posture_sms_voice_methods_disabled", requires: [.authenticationMethodsPolicy]) { context in
            let configurations = context.snapshot.authenticationMethodsPolicy?.authenticationMethodConfigurations ?? []
            let enabled = configurations.filter {
                ["sms", "voice"].contains($0.id.lowercased()) && $0.state == "enabled"
            }
            return (
                .implemented(enabled.isEmpty),
                enabled.isEmpty
                    ? "SMS and voice call are disabled in the authentication methods policy"
                    : enabled.map(\.id).joined(separator: " and ") + " enabled in the authentication methods policy"
            )
        },
        M365Assessor("PasswordHashSync", requires: [.organization], reads: [.onPremisesSynchronization]) { context in
            let organization = context.snapshot.organization?.first
            guard organization?.onPremisesSyncEnabled == true else {
                return (.notApplicable, "the tenant does not synchronize from Active Directory")
            }
            if let features = context.snapshot.onPremisesSynchronization?.first?.features,
                let enabled = features.passwordSyncEnabled
            {
                return (
                    .implemented(enabled),
                    enabled
                        ? "password hash synchronization is on"
                        : "directory synchronization is on without password hash sync"
                )
            }
            // App-only tokens cannot read onPremisesSynchronization; the organization's last
            // password sync says whether hash sync is running (it runs every two minutes).
            guard let text = organization?.onPremisesLastPasswordSyncDateTime, let last = Date(iso8601: text) else {
                return (.implemented(false), "directory synchronization is on and no password hash sync has run")
            }
            let recent = context.asOf.timeIntervalSince(last) <= 3 * 86_400
            return (
                .implemented(recent),
                recent
                    ? "password hashes last synchronized \(last.iso8601)"
                    : "password hashes last synchronized \(last.iso8601), more than three days before collection"
            )
        },
        M365Assessor("PWAgePolicyNew", requires: [.domains]) { context in
            let domains = context.snapshot.domains ?? []
            let managed = domains.filter {
                $0.isVerified == true && ($0.authenticationType ?? "Managed").lowercased() == "managed"
            }
            guard !managed.isEmpty else { return (.notApplicable, "no verified managed domains") }
            let expiring = managed.compactMap { domain in
                DomainPasswordPolicy.validityDays(domain, among: domains).map { (domain.id, $0) }
            }
            // Say which subdomains took their root's policy, so the outcome can be traced.
            let inherited = managed.filter { $0.passwordValidityPeriodInDays == nil && $0.isRoot == false }
                .compactMap { domain in
                    DomainPasswordPolicy.root(of: domain, among: domains).map { "\(domain.id) follows \($0.id)" }
                }
                .sorted()
            let detail =
                expiring.isEmpty
                ? "passwords never expire on all \(managed.count) verified domains"
                : "passwords expire on "
                    + expiring.sorted { $0.0 < $1.0 }.map { "\($0.0) (\($0.1) days)" }.joined(separator: ", ")
            return (
                .implemented(expiring.isEmpty),
                inherited.isEmpty ? detail : detail + "; " + inherited.joined(separator: ", ")
            )
        },
        M365Assessor("aad_custom_banned_passwords", requires: [.groupSettings]) { context in
            let rules = context.snapshot.groupSettings?.first {
                $0.templateId == DirectoryRoles.passwordRuleSettingsTemplate
            }
            guard let rules else {
                return (.implemented(false), "no Password Rule Settings: the custom banned password list is not in use")
            }
            let enforced = rules.value("EnableBannedPasswordCheck")?.lowercased() == "true"
            let terms = (rules.value("BannedPasswordList") ?? "").split(whereSeparator: { $0 == "\t" || $0 == "," })
            let done = enforced && !terms.isEmpty
            return (
                .implemented(done),
                done
                    ? "custom banned passwords enforced with \(terms.count) terms"
                    : enforced
                        ? "the custom banned password list is empty" : "the custom banned password list is not enforced"
            )
        },
    ]
}

/// "On or after a cutoff" for Graph timestamps. UTC timestamps (`…Z`) compare as text, which
/// is exact for their fixed layout and avoids parsing hundreds of thousands of dates; others are
/// parsed.
struct RecentSince {
    let cutoff: Date
    let text: String

    init(_ cutoff: Date) {
        self.cutoff = cutoff
        text = String(cutoff.iso8601.prefix(19))
    }

    func includes(_ timestamp: String?) -> Bool {
        guard let timestamp else { return false }
        if timestamp.utf8.count >= 20, timestamp.utf8.last == UInt8(ascii: "Z") {
            return timestamp.utf8.prefix(19).lexicographicallyPrecedes(text.utf8) == false
        }
        return Date(iso8601: timestamp).map { $0 >= cutoff } ?? false
    }
}
