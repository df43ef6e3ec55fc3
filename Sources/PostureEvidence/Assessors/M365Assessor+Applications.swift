extension M365Assessor {
    /// Consent, app registration and guest settings of the authorization policy, and what apps hold.
    static let applications: [M365Assessor] = [
        M365Assessor("IntegratedApps", requires: [.authorizationPolicy]) { context in
            let assigned =
                context.snapshot.authorizationPolicy?.defaultUserRolePermissions?.permissionGrantPoliciesAssigned ?? []
            let selfConsent = assigned.filter { $0.hasPrefix("ManagePermissionGrantsForSelf.") }
            return (
                .implemented(selfConsent.isEmpty),
                selfConsent.isEmpty
                    ? "users cannot consent to applications"
                    : "users can consent to applications (" + selfConsent.joined(separator: ", ") + ")"
            )
        },
        M365Assessor("aad_third_party_apps", requires: [.authorizationPolicy]) { context in
            setting(
                "allowedToCreateApps",
                context.snapshot.authorizationPolicy?.defaultUserRolePermissions?.allowedToCreateApps,
                passes: { !$0 },
                wants: "false"
            )
        },
        M365Assessor("aad_admin_consent_workflow", requires: [.adminConsentRequestPolicy]) { context in
            let policy = context.snapshot.adminConsentRequestPolicy
            let reviewers = policy?.reviewers?.count ?? 0
            let done = policy?.isEnabled == true && reviewers > 0
            return (
                .implemented(done),
                policy?.isEnabled == true
                    ? "the admin consent workflow is enabled with \(reviewers) reviewer\(reviewers == 1 ? "" : "s")"
                    : "the admin consent workflow is disabled"
            )
        },
        M365Assessor("posture_guest_access_restricted", requires: [.authorizationPolicy]) { context in
            setting(
                "guestUserRoleId",
                context.snapshot.authorizationPolicy?.guestUserRoleId,
                passes: { $0.lowercased() == DirectoryRoles.restrictedGuest },
                wants: "\(DirectoryRoles.restrictedGuest) (restricted to their own directory objects)"
            )
        },
        M365Assessor("posture_guest_invite_restricted", requires: [.authorizationPolicy]) { context in
            setting(
                "allowInvitesFrom",
                context.snapshot.authorizationPolicy?.allowInvitesFrom,
                passes: { ["adminsAndGuestInviters", "none"].contains($0) },
                wants: "adminsAndGuestInviters or none"
            )
        },
        M365Assessor(
            "posture_app_consent_high_privilege",
            requires: [.organization, .servicePrincipals, .oauth2PermissionGrants]
        ) { context in
            let tenant =
                context.snapshot.organization?.first?.id.lowercased() ?? context.snapshot.manifest.tenantID.lowercased()
            var principals: [String: GraphServicePrincipal] = [:]
            for principal in context.snapshot.servicePrincipals ?? [] { principals[principal.id] = principal }
            var scopesByApp: [String: Set<String>] = [:]
            for grant in context.snapshot.oauth2PermissionGrants ?? [] where grant.consentType == "AllPrincipals" {
                guard let app = principals[grant.clientId] else { continue }
                let owner = app.appOwnerOrganizationId?.lowercased() ?? ""
                guard owner != tenant, !microsoftTenants.contains(owner) else { continue }
                scopesByApp[grant.clientId, default: []].formUnion(
                    (grant.scope ?? "").split(separator: " ").map(String.init)
                )
            }
            let apps = scopesByApp.keys.sorted().compactMap { principals[$0] }
            let outcome = counted(apps, name: { "\($0.displayName ?? "app") (\($0.appId ?? $0.id))" }) { app in
                scopesByApp[app.id, default: []].isDisjoint(with: highPrivilegeScopes)
            }
            return (
                outcome, ratio(outcome, "third-party apps consented for everyone") + " hold no high-privilege scopes"
            )
        },
    ]

    /// Tenants that own Microsoft's first-party applications.
    static let microsoftTenants: Set<String> = [
        "f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47",
    ]

    /// Delegated scopes that reach every mailbox, file or directory object the consenting users can.
    static let highPrivilegeScopes: Set<String> = [
        "Mail.Read", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite", "Files.Read.All",
        "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.FullControl.All",
        "Directory.ReadWrite.All", "Directory.AccessAsUser.All", "User.ReadWrite.All", "Contacts.ReadWrite",
        "Calendars.ReadWrite", "Notes.ReadWrite.All", "Application.ReadWrite.All",
        "RoleManagement.ReadWrite.Directory", "EWS.AccessAsUser.All", "full_access_as_user",
    ]
}
