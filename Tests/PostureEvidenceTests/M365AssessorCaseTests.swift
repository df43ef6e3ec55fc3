import Foundation
import PostureCore
import Testing

@testable import PostureEvidence

/// Pass, partial, fail and not-applicable cases beyond the Contoso baseline, one change each.
@Suite struct M365AssessorCaseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var action: String
        var expected: String
        /// For a case with the baseline's outcome: the words of the detail that show the new reason.
        var because: String? = nil
        var change: @Sendable (inout EvidenceFixture) -> Void
        var testDescription: String { "\(action): \(name) → \(expected)" }
    }

    static let user = EvidenceFixture.user
    static let globalAdministrator = DirectoryRoles.globalAdministrator

    /// A verified managed domain as Graph returns it; `days` nil is Graph's `null`.
    static func domain(_ id: String, root: Bool, days: Int?) -> [String: Any] {
        [
            "id": id, "authenticationType": "Managed", "isVerified": true, "isRoot": root,
            "passwordValidityPeriodInDays": days.map { $0 as Any } ?? NSNull(),
        ]
    }

    static let cases: [Case] = [
        Case(name: "helpdesk registers MFA", action: "AdminMFAV2", expected: "3/3") { fixture in
            fixture.item(.userRegistrationDetails, id: user(3)) { $0["isMfaRegistered"] = true }
        },
        Case(name: "no administrator registered", action: "AdminMFAV2", expected: "0/3") { fixture in
            fixture.each(.userRegistrationDetails) { $0["isMfaRegistered"] = false }
        },
        Case(name: "a role-assignable group's members are administrators", action: "AdminMFAV2", expected: "2/4") {
            fixture in
            var items = fixture.items(.roleAssignments)
            items.append([
                "principalId": "a1d0c0de-0000-0000-0000-000000000001", "roleDefinitionId": globalAdministrator,
            ])
            fixture.setItems(.roleAssignments, items)
            fixture.item(.groupMembers, id: "a1d0c0de-0000-0000-0000-000000000001") {
                $0["members"] = [["id": user(3)], ["id": user(5)]]
            }
        },
        Case(name: "only guests are enabled", action: "MFARegistrationV2", expected: "n/a") { fixture in
            fixture.each(.users) { if $0["userType"] as? String == "Member" { $0["accountEnabled"] = false } }
        },
        Case(name: "SSPR for selected users only", action: "SelfServicePasswordReset", expected: "not done") {
            fixture in
            fixture.item(.userRegistrationDetails, id: user(4)) { $0["isSsprEnabled"] = false }
        },
        Case(name: "no sign-in activity at all", action: "posture_inactive_accounts_disabled", expected: "no data") {
            fixture in
            fixture.each(.users) { $0["signInActivity"] = nil }
        },
        Case(name: "a dormant account created last week", action: "posture_inactive_accounts_disabled", expected: "6/6")
        {
            fixture in
            fixture.item(.users, id: user(5)) { $0["createdDateTime"] = "2026-11-13T00:00:00Z" }
        },
        Case(name: "SMS turned off", action: "posture_sms_voice_methods_disabled", expected: "done") { fixture in
            fixture.object(.authenticationMethodsPolicy) { policy in
                policy["authenticationMethodConfigurations"] = [["id": "Sms", "state": "disabled"]]
            }
        },
        Case(name: "synchronized with hash sync", action: "PasswordHashSync", expected: "done") { fixture in
            fixture.each(.organization) { $0["onPremisesSyncEnabled"] = true }
            fixture.setItems(.onPremisesSynchronization, [["id": "sync", "features": ["passwordSyncEnabled": true]]])
        },
        Case(name: "synchronized without hash sync", action: "PasswordHashSync", expected: "not done") { fixture in
            fixture.each(.organization) { $0["onPremisesSyncEnabled"] = true }
            fixture.setItems(.onPremisesSynchronization, [["id": "sync", "features": ["passwordSyncEnabled": false]]])
        },
        Case(
            name: "synchronized, never a password sync, settings not collected",
            action: "PasswordHashSync",
            expected: "not done"
        ) { fixture in
            fixture.each(.organization) { $0["onPremisesSyncEnabled"] = true }
            fixture.resources["onPremisesSynchronization"] = nil
        },
        Case(
            name: "synchronized, passwords synced yesterday, settings not collected",
            action: "PasswordHashSync",
            expected: "done"
        ) { fixture in
            fixture.each(.organization) { organization in
                organization["onPremisesSyncEnabled"] = true
                organization["onPremisesLastPasswordSyncDateTime"] = "2026-11-19T07:58:00Z"
            }
            fixture.resources["onPremisesSynchronization"] = nil
        },
        Case(name: "synchronized, password sync stopped a week ago", action: "PasswordHashSync", expected: "not done") {
            fixture in
            fixture.each(.organization) { organization in
                organization["onPremisesSyncEnabled"] = true
                organization["onPremisesLastPasswordSyncDateTime"] = "2026-11-13T07:58:00Z"
            }
            fixture.resources["onPremisesSynchronization"] = nil
        },
        Case(name: "MFA or a compliant device", action: "posture_ca_policy_coverage", expected: "2/6") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-1") { policy in
                policy["grantControls"] = ["operator": "OR", "builtInControls": ["mfa", "compliantDevice"]]
            }
        },
        Case(name: "MFA policy excludes an app", action: "posture_ca_policy_coverage", expected: "2/6") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-1") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["applications"] = [
                    "includeApplications": ["All"], "excludeApplications": ["00000002-0000-0ff1-ce00-000000000000"],
                ]
                policy["conditions"] = conditions
            }
        },
        Case(name: "MFA policy for browsers only", action: "posture_ca_policy_coverage", expected: "2/6") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-1") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["clientAppTypes"] = ["browser"]
                policy["conditions"] = conditions
            }
        },
        Case(
            name: "a failed sign-in yesterday does not keep an account alive",
            action: "posture_inactive_accounts_disabled",
            expected: "5/6",
            because: "signed in successfully"
        ) { fixture in
            fixture.item(.users, id: user(5)) { user in
                var activity = user["signInActivity"] as! [String: Any]
                activity["lastSignInDateTime"] = "2026-11-19T03:00:00Z"
                user["signInActivity"] = activity
            }
        },
        Case(
            name: "two Global Administrators left out as emergency access",
            action: "aad_phishing_MFA_strength",
            expected: "done"
        ) { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-5") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["users"] = ["includeUsers": ["All"], "excludeUsers": [user(1), user(2)]]
                policy["conditions"] = conditions
            }
        },
        Case(name: "a custom strength of password alone", action: "SigninRiskPolicy", expected: "not done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                policy["grantControls"] = [
                    "operator": "OR", "builtInControls": [String](),
                    "authenticationStrength": ["id": "custom-1", "allowedCombinations": ["password"]],
                ]
            }
        },
        Case(name: "a custom strength of unknown combinations", action: "SigninRiskPolicy", expected: "not done") {
            fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                policy["grantControls"] = [
                    "operator": "OR", "builtInControls": [String](), "authenticationStrength": ["id": "custom-2"],
                ]
            }
        },
        Case(name: "a custom strength of password alone", action: "posture_ca_policy_coverage", expected: "2/6") {
            fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-1") { policy in
                policy["grantControls"] = [
                    "operator": "OR", "builtInControls": [String](),
                    "authenticationStrength": ["id": "custom-1", "allowedCombinations": ["password", "password,sms"]],
                ]
            }
        },
        Case(name: "only outside trusted locations", action: "SigninRiskPolicy", expected: "not done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["locations"] = ["includeLocations": ["All"], "excludeLocations": ["AllTrusted"]]
                policy["conditions"] = conditions
            }
        },
        Case(name: "only on Android", action: "SigninRiskPolicy", expected: "not done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["platforms"] = ["includePlatforms": ["android"], "excludePlatforms": [String]()]
                policy["conditions"] = conditions
            }
        },
        Case(name: "only on devices matching a filter", action: "SigninRiskPolicy", expected: "not done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["devices"] = ["deviceFilter": ["mode": "include", "rule": "device.isCompliant -eq False"]]
                policy["conditions"] = conditions
            }
        },
        Case(name: "only at high user risk as well", action: "SigninRiskPolicy", expected: "not done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["userRiskLevels"] = ["high"]
                policy["conditions"] = conditions
            }
        },
        Case(name: "the Global Administrator role excluded", action: "SigninRiskPolicy", expected: "not done") {
            fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["users"] = ["includeUsers": ["All"], "excludeRoles": [globalAdministrator]]
                policy["conditions"] = conditions
            }
        },
        Case(
            name: "the Global Administrator role excluded is no emergency access",
            action: "aad_phishing_MFA_strength",
            expected: "not done",
            because: "2 of 3 administrators are not covered"
        ) { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-5") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["users"] = ["includeUsers": ["All"], "excludeRoles": [globalAdministrator]]
                policy["conditions"] = conditions
            }
        },
        Case(
            name: "every location and platform named",
            action: "SigninRiskPolicy",
            expected: "done",
            because: "answered by \"Sign-in risk: require MFA\""
        ) { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["locations"] = ["includeLocations": ["All"], "excludeLocations": [String]()]
                conditions["platforms"] = ["includePlatforms": ["all"]]
                conditions["devices"] = ["deviceFilter": NSNull()]
                policy["conditions"] = conditions
            }
        },
        Case(name: "one verified domain expires passwords", action: "PWAgePolicyNew", expected: "not done") { fixture in
            fixture.item(.domains, id: "contoso.com") { $0["passwordValidityPeriodInDays"] = 90 }
        },
        Case(name: "a subdomain inherits its root's expiry", action: "PWAgePolicyNew", expected: "not done") {
            fixture in
            fixture.setItems(
                .domains,
                [
                    domain("contoso.com", root: true, days: 90),
                    domain("eu.contoso.com", root: false, days: nil),
                ]
            )
        },
        Case(
            name: "a subdomain inherits never-expiring",
            action: "PWAgePolicyNew",
            expected: "done",
            because: "eu.contoso.com follows contoso.com"
        ) { fixture in
            fixture.setItems(
                .domains,
                [
                    domain("contoso.com", root: true, days: DirectoryRoles.neverExpires),
                    domain("eu.contoso.com", root: false, days: nil),
                ]
            )
        },
        Case(name: "the longest root decides", action: "PWAgePolicyNew", expected: "not done") { fixture in
            fixture.setItems(
                .domains,
                [
                    domain("contoso.com", root: true, days: DirectoryRoles.neverExpires),
                    domain("eu.contoso.com", root: true, days: 60),
                    domain("paris.eu.contoso.com", root: false, days: nil),
                ]
            )
        },
        Case(
            name: "a root reporting null never expires",
            action: "PWAgePolicyNew",
            expected: "done",
            because: "never expire on all 3 verified domains"
        ) { fixture in
            fixture.setItems(
                .domains,
                [
                    domain("contoso.com", root: true, days: nil),
                    domain("eu.contoso.com", root: false, days: nil),
                    domain("fabrikam.onmicrosoft.com", root: true, days: nil),
                ]
            )
        },
        Case(name: "only federated domains", action: "PWAgePolicyNew", expected: "n/a") { fixture in
            fixture.each(.domains) { $0["authenticationType"] = "Federated" }
        },
        Case(name: "banned list not enforced", action: "aad_custom_banned_passwords", expected: "not done") { fixture in
            fixture.each(.groupSettings) { setting in
                setting["values"] = [
                    ["name": "EnableBannedPasswordCheck", "value": "False"],
                    ["name": "BannedPasswordList", "value": "contoso"],
                ]
            }
        },
        Case(name: "no password rule settings", action: "aad_custom_banned_passwords", expected: "not done") {
            fixture in
            fixture.setItems(.groupSettings, [])
        },
        Case(name: "legacy block switched on", action: "BlockLegacyAuthentication", expected: "done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-2") { $0["state"] = "enabled" }
        },
        Case(
            name: "legacy block on but excludes three",
            action: "BlockLegacyAuthentication",
            expected: "not done",
            because: "excludes 3 accounts"
        ) { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-2") { policy in
                policy["state"] = "enabled"
                policy["conditions"] = [
                    "clientAppTypes": ["exchangeActiveSync", "other"],
                    "applications": ["includeApplications": ["All"]],
                    "users": ["includeUsers": ["All"], "excludeUsers": [user(2), user(4), user(5)]],
                ]
            }
        },
        Case(
            name: "legacy block excludes a group not collected",
            action: "BlockLegacyAuthentication",
            expected: "not done",
            because: "cannot be resolved"
        ) {
            fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-2") { policy in
                policy["state"] = "enabled"
                policy["conditions"] = [
                    "clientAppTypes": ["exchangeActiveSync", "other"],
                    "applications": ["includeApplications": ["All"]],
                    "users": ["includeUsers": ["All"], "excludeGroups": ["b0b0b0b0-unknown"]],
                ]
            }
        },
        Case(name: "sign-in risk policy only for high", action: "SigninRiskPolicy", expected: "not done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["signInRiskLevels"] = ["high"]
                policy["conditions"] = conditions
            }
        },
        Case(name: "sign-in risk policy report-only", action: "SigninRiskPolicy", expected: "not done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-3") { $0["state"] = "enabledForReportingButNotEnforced" }
        },
        Case(name: "user risk policy on", action: "UserRiskPolicy", expected: "done") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-4") { $0["state"] = "enabled" }
        },
        Case(
            name: "user risk policy without MFA",
            action: "UserRiskPolicy",
            expected: "not done",
            because: "does answer high user risk"
        ) { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-4") { policy in
                policy["state"] = "enabled"
                policy["grantControls"] = ["operator": "OR", "builtInControls": ["passwordChange"]]
            }
        },
        Case(
            name: "phishing-resistant policy covers every admin role",
            action: "aad_phishing_MFA_strength",
            expected: "done"
        ) { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-5") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["users"] = ["includeRoles": Array(DirectoryRoles.privileged.keys)]
                policy["conditions"] = conditions
            }
        },
        Case(
            name: "custom strength with passwordless phone sign-in",
            action: "aad_phishing_MFA_strength",
            expected: "not done",
            because: "3 of 3 administrators"
        ) { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-5") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["users"] = ["includeUsers": ["All"]]
                policy["conditions"] = conditions
                policy["grantControls"] = [
                    "authenticationStrength": [
                        "id": "custom", "allowedCombinations": ["fido2", "microsoftAuthenticatorPush"],
                    ]
                ]
            }
        },
        Case(name: "custom strength with only FIDO2 for all", action: "aad_phishing_MFA_strength", expected: "done") {
            fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-5") { policy in
                var conditions = policy["conditions"] as! [String: Any]
                conditions["users"] = ["includeUsers": ["All"]]
                policy["conditions"] = conditions
                policy["grantControls"] = [
                    "authenticationStrength": ["id": "custom", "allowedCombinations": ["fido2"]]
                ]
            }
        },
        Case(name: "persistent browser allowed", action: "aad_sign_in_freq_session_timeout", expected: "not done") {
            fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-6") { policy in
                policy["sessionControls"] = ["signInFrequency": ["value": 4, "type": "hours", "isEnabled": true]]
            }
        },
        Case(
            name: "admin group membership not collected",
            action: "aad_sign_in_freq_session_timeout",
            expected: "not done"
        ) {
            fixture in
            fixture.setItems(.groupMembers, [])
        },
        Case(name: "MFA policy report-only", action: "posture_ca_policy_coverage", expected: "2/6") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-1") { $0["state"] = "enabledForReportingButNotEnforced" }
        },
        Case(name: "MFA policy off", action: "posture_ca_policy_coverage", expected: "2/6") { fixture in
            fixture.item(.conditionalAccessPolicies, id: "ca-1") { $0["state"] = "disabled" }
        },
        Case(name: "only one Global Administrator", action: "OneAdmin", expected: "not done") { fixture in
            fixture.setItems(.roleAssignments, fixture.items(.roleAssignments).filter { $0["id"] as? String != "ra2" })
        },
        Case(
            name: "second Global Administrator only eligible",
            action: "OneAdmin",
            expected: "done",
            because: "2 Global Administrators"
        ) { fixture in
            fixture.setItems(.roleAssignments, fixture.items(.roleAssignments).filter { $0["id"] as? String != "ra2" })
            fixture.setItems(
                .roleEligibilitySchedules,
                fixture.items(.roleEligibilitySchedules) + [
                    ["principalId": user(2), "roleDefinitionId": globalAdministrator]
                ]
            )
        },
        Case(name: "five Global Administrators", action: "ManyAdmins", expected: "not done") { fixture in
            fixture.setItems(
                .roleAssignments,
                fixture.items(.roleAssignments)
                    + [3, 4, 5].map { ["principalId": user($0), "roleDefinitionId": globalAdministrator] }
            )
        },
        Case(name: "five Global Administrators overlap", action: "RoleOverlap", expected: "2/5") { fixture in
            fixture.setItems(
                .roleAssignments,
                fixture.items(.roleAssignments)
                    + [3, 4, 5].map { ["principalId": user($0), "roleDefinitionId": globalAdministrator] }
            )
        },
        Case(name: "no eligible assignments", action: "PIMEnabled", expected: "not done") { fixture in
            fixture.setItems(.roleEligibilitySchedules, [])
        },
        Case(name: "helpdesk unlicensed", action: "aad_admin_accounts_separate_unassigned_cloud_only", expected: "done")
        {
            fixture in
            fixture.item(.users, id: user(3)) { $0["assignedLicenses"] = [] }
        },
        Case(
            name: "synchronized administrator",
            action: "aad_admin_accounts_separate_unassigned_cloud_only",
            expected: "not done",
            because: "breakglass@contoso.com is synchronized"
        ) { fixture in
            fixture.item(.users, id: user(3)) { $0["assignedLicenses"] = [] }
            fixture.item(.users, id: user(2)) { $0["onPremisesSyncEnabled"] = true }
        },
        Case(name: "user consent off", action: "IntegratedApps", expected: "done") { fixture in
            fixture.object(.authorizationPolicy) { policy in
                policy["defaultUserRolePermissions"] = [
                    "allowedToCreateApps": false, "permissionGrantPoliciesAssigned": [],
                ]
            }
        },
        Case(name: "users may register apps", action: "aad_third_party_apps", expected: "not done") { fixture in
            fixture.object(.authorizationPolicy) { policy in
                policy["defaultUserRolePermissions"] = ["allowedToCreateApps": true]
            }
        },
        Case(name: "consent workflow without reviewers", action: "aad_admin_consent_workflow", expected: "not done") {
            fixture in
            fixture.object(.adminConsentRequestPolicy) { $0["reviewers"] = [] }
        },
        Case(name: "guests see the directory", action: "posture_guest_access_restricted", expected: "not done") {
            fixture in
            fixture.object(.authorizationPolicy) { $0["guestUserRoleId"] = "10dae51f-b6af-4016-8d66-8c2a99b929b3" }
        },
        Case(name: "only admins invite", action: "posture_guest_invite_restricted", expected: "done") { fixture in
            fixture.object(.authorizationPolicy) { $0["allowInvitesFrom"] = "adminsAndGuestInviters" }
        },
        Case(name: "no third-party consents", action: "posture_app_consent_high_privilege", expected: "n/a") {
            fixture in
            fixture.setItems(.oauth2PermissionGrants, [])
        },
        Case(
            name: "sync restricted to managed PCs",
            action: "spo_block_onedrive_sync_unmanaged_devices",
            expected: "done"
        ) {
            fixture in
            fixture.object(.sharepointSettings) { $0["isUnmanagedSyncAppForTenantRestricted"] = true }
        },
        Case(name: "no domain restriction", action: "spo_external_sharing_managed", expected: "not done") { fixture in
            fixture.object(.sharepointSettings) { $0["sharingDomainRestrictionMode"] = "none" }
        },
        Case(name: "guests cannot reshare", action: "spo_external_users_sharing", expected: "done") { fixture in
            fixture.object(.sharepointSettings) { $0["isResharingByExternalUsersEnabled"] = false }
        },
        Case(name: "idle sign-out off", action: "spo_idle_session_timeout", expected: "not done") { fixture in
            fixture.object(.sharepointSettings) { $0["idleSessionSignOut"] = ["isEnabled": false] }
        },
        Case(name: "legacy protocols allowed", action: "spo_legacy_auth", expected: "not done") { fixture in
            fixture.object(.sharepointSettings) { $0["isLegacyAuthProtocolsEnabled"] = true }
        },
        Case(name: "Anyone links allowed", action: "posture_spo_anyone_links_disabled", expected: "not done") {
            fixture in
            fixture.object(.sharepointSettings) { $0["sharingCapability"] = "externalUserAndGuestSharing" }
        },
        Case(name: "setting absent from the response", action: "spo_legacy_auth", expected: "not done") { fixture in
            fixture.object(.sharepointSettings) { $0["isLegacyAuthProtocolsEnabled"] = nil }
        },
    ]

    @Test(arguments: cases)
    func assessorCase(_ testCase: Case) throws {
        var fixture = try EvidenceFixture()
        testCase.change(&fixture)
        let assessment = try fixture.assess()
        #expect(assessment.problems.isEmpty, "\(assessment.problems)")
        #expect(
            assessment.finding(testCase.action)?.result == testCase.expected,
            "\(assessment.finding(testCase.action)?.detail ?? "not assessed")"
        )
        // Each case must change the outcome or name a new reason, or it tests nothing the baseline does not.
        if let because = testCase.because {
            #expect(assessment.finding(testCase.action)?.detail.contains(because) == true)
        } else {
            #expect(M365AssessmentTests.contoso[testCase.action] != testCase.expected)
        }
    }

    @Test func reportOnlyPolicyIsNamedInTheDetail() throws {
        let assessment = try EvidenceFixture().assess()
        let detail = try #require(assessment.finding("BlockLegacyAuthentication")?.detail)
        #expect(detail.contains("\"Block legacy authentication\" is report-only"), "\(detail)")
        #expect(assessment.finding("UserRiskPolicy")?.detail.contains("is off") == true)
    }
}

/// Which allowed combinations of an authentication strength count as multifactor.
@Suite struct AuthenticationStrengthTests {
    @Test(
        arguments: [
            ("password", false), ("sms", false), ("voice", false), ("email", false),
            ("x509CertificateSingleFactor", false), ("federatedSingleFactor", false), ("", false),
            ("password,sms", true), ("password, microsoftAuthenticatorPush", true), ("fido2", true),
            ("windowsHelloForBusiness", true), ("x509CertificateMultiFactor", true), ("deviceBasedPush", true),
            ("temporaryAccessPassOneTime", true), ("federatedMultiFactor", true),
        ] as [(String, Bool)]
    )
    func combinations(_ combination: String, _ multifactor: Bool) {
        #expect(DirectoryRoles.isMultifactor(combination) == multifactor)
    }
}
