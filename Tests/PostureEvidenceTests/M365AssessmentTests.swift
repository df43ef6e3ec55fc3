import Foundation
import PostureCatalog
import PostureCore
import Testing

@testable import PostureEvidence

@Suite struct M365AssessmentTests {
    /// What the Contoso snapshot gives, action by action (see the fixture files for why).
    static let contoso: [String: String] = [
        "AdminMFAV2": "2/3", "MFARegistrationV2": "3/5", "SelfServicePasswordReset": "done",
        "posture_inactive_accounts_disabled": "5/6", "posture_sms_voice_methods_disabled": "not done",
        "PasswordHashSync": "n/a", "PWAgePolicyNew": "done", "aad_custom_banned_passwords": "done",
        "BlockLegacyAuthentication": "not done", "SigninRiskPolicy": "done", "UserRiskPolicy": "not done",
        "aad_phishing_MFA_strength": "not done", "aad_sign_in_freq_session_timeout": "done",
        "posture_ca_policy_coverage": "5/6", "OneAdmin": "done", "ManyAdmins": "done", "RoleOverlap": "4/4",
        "PIMEnabled": "done", "aad_admin_accounts_separate_unassigned_cloud_only": "not done",
        "IntegratedApps": "not done",
        "aad_third_party_apps": "done", "aad_admin_consent_workflow": "done", "posture_guest_access_restricted": "done",
        "posture_guest_invite_restricted": "not done", "posture_app_consent_high_privilege": "1/2",
        "spo_block_onedrive_sync_unmanaged_devices": "not done", "spo_external_sharing_managed": "done",
        "spo_external_users_sharing": "not done", "spo_idle_session_timeout": "done", "spo_legacy_auth": "done",
        "posture_spo_anyone_links_disabled": "done",
        // Exchange Online
        "MailboxAuditingEnabled": "3/4", "exo_mailboxaudit": "3/5", "CustomerLockBoxEnabled": "not done",
        "exo_mailtipsenabled": "done", "exo_oauth2clientprofileenabled": "done", "exo_outlookaddins": "not done",
        "exo_individualsharing": "not done", "exo_storageproviderrestricted": "done",
        "exo_transportrulesallowlistdomains": "not done", "mip_search_auditlog": "done", "IRMEnabled": "done",
        "exo_SPF_records_for_all_domains": "2/3",
        // Defender for Office 365
        "mdo_antiphishingpolicies": "done", "mdo_targetedusersprotection": "done", "mdo_atpprotection": "done",
        "mdo_safedocuments": "not done", "mdo_safeattachments": "not done", "mdo_safelinksforemail": "done",
        "mdo_bulkthreshold": "not done", "mdo_zapphish": "done", "mdo_zapmalware": "done",
        "mdo_commonattachmentsfilter": "not done", "mdo_autoforwardingmode": "done",
        // Defender for Endpoint
        "scid_2003": "2/2", "scid_2004": "1/2", "scid_2010": "2/2", "scid_2012": "1/2", "scid_2016": "2/2",
        "scid_2070": "2/2", "scid_2090": "1/2", "scid_25": "1/2", "scid_2500": "1/2", "scid_2509": "1/2",
        "scid_5094": "0/1", "scid_6094": "n/a",
        // Intune
        "MDMPWReq": "2/2", "MDMEncryptReq": "3/5", "MDMRootedBlock": "2/2", "MDMManageEmail": "0/1",
        "InTuneNoPAVC": "2/5",
        // Microsoft 365 admin center
        "admincenter_owned_apps_and_services": "not done", "forms_phishing_protection": "done",
    ]

    @Test func everyAssessorHasACatalogActionAndThereAreAtLeastSeventy() {
        #expect(M365Assessment.actionIDs.count >= 71)
        #expect(Set(M365Assessment.actionIDs).count == M365Assessment.actionIDs.count)
        for id in M365Assessment.actionIDs {
            #expect(EvidenceFixture.catalog[id] != nil, "\(id) is not in the built-in catalog")
        }
        #expect(Set(Self.contoso.keys) == Set(M365Assessment.actionIDs))
    }

    @Test func contosoSnapshotGivesTheExpectedOutcomes() throws {
        let assessment = M365Assessment(
            snapshot: try M365Snapshot.load(directory: EvidenceFixture.directory),
            catalog: EvidenceFixture.catalog
        )
        #expect(assessment.problems.isEmpty, "\(assessment.problems)")
        for (id, expected) in Self.contoso.sorted(by: { $0.key < $1.key }) {
            #expect(assessment.finding(id)?.result == expected, "\(id): \(assessment.finding(id)?.detail ?? "")")
        }
    }

    @Test func partialActionsNameTheEntitiesBehindTheCount() throws {
        let assessment = try EvidenceFixture().assess()
        let admin = try #require(assessment.measurements.first { $0.actionID == "AdminMFAV2" })
        #expect(admin.totalEntities == ["admin@contoso.com", "breakglass@contoso.com", "helpdesk@contoso.com"])
        #expect(admin.missingEntities == ["helpdesk@contoso.com"])
        #expect(admin.observedAt == Date(iso8601: "2026-11-20T08:00:00Z"))
        let inactive = try #require(
            assessment.measurements.first { $0.actionID == "posture_inactive_accounts_disabled" }
        )
        #expect(inactive.missingEntities == ["bob@contoso.com"])
        let coverage = try #require(assessment.measurements.first { $0.actionID == "posture_ca_policy_coverage" })
        #expect(coverage.missingEntities == ["partner_fabrikam.com#EXT#@contoso.onmicrosoft.com"])
        let apps = try #require(assessment.measurements.first { $0.actionID == "posture_app_consent_high_privilege" })
        #expect(apps.missingEntities == ["Mail Merge Pro (11111111-2222-3333-4444-555555555555)"])
        let mailboxes = try #require(assessment.measurements.first { $0.actionID == "exo_mailboxaudit" })
        #expect(mailboxes.missingEntities == ["bob@contoso.com", "boardroom@contoso.com"])
        let devices = try #require(assessment.measurements.first { $0.actionID == "scid_2012" })
        #expect(devices.missingEntities == ["contoso-lt-02.contoso.com"])
        let encrypted = try #require(assessment.measurements.first { $0.actionID == "MDMEncryptReq" })
        #expect(encrypted.missingEntities == ["CONTOSO-LT-02", "CONTOSO-MAC-01"])
    }

    @Test func directoryAndRequestBodyGiveIdenticalMeasurements() throws {
        let fromDirectory = M365Assessment(
            snapshot: try M365Snapshot.load(directory: EvidenceFixture.directory),
            catalog: EvidenceFixture.catalog
        )
        let fromBody = try EvidenceFixture().assess()
        #expect(fromDirectory.measurements == fromBody.measurements)
        #expect(fromDirectory.findings == fromBody.findings)
    }

    @Test func securityDefaultsGiveThePointsOfWhatTheyEnforce() throws {
        var fixture = try EvidenceFixture()
        fixture.object(.identitySecurityDefaultsEnforcementPolicy) { $0["isEnabled"] = true }
        fixture.setItems(.conditionalAccessPolicies, [])
        let assessment = try fixture.assess()
        #expect(assessment.finding("AdminMFAV2")?.result == "3/3")
        #expect(assessment.finding("MFARegistrationV2")?.result == "5/5")
        #expect(assessment.finding("BlockLegacyAuthentication")?.result == "done")
        #expect(assessment.finding("posture_ca_policy_coverage")?.result == "6/6")
        // Security defaults do not enforce risk policies or phishing-resistant methods.
        #expect(assessment.finding("SigninRiskPolicy")?.result == "not done")
        #expect(assessment.finding("aad_phishing_MFA_strength")?.result == "not done")
    }

    /// A missing resource makes exactly the actions that need it "no data", with no measurement.
    @Test(arguments: M365Resource.allCases)
    func missingResourceMeansNoDataNotZero(_ resource: M365Resource) throws {
        var fixture = try EvidenceFixture()
        fixture.resources[resource.rawValue] = nil
        let assessment = try fixture.assess()
        #expect(assessment.missing[resource] != nil)
        for id in M365Assessment.actionIDs {
            let needs = M365Assessment.requirements(of: id).contains(resource)
            if needs {
                #expect(assessment.finding(id)?.result == "no data", "\(id) without \(resource)")
                #expect(!assessment.measurements.contains { $0.actionID == id })
                #expect(assessment.finding(id)?.detail.contains(resource.rawValue) == true)
            } else if !M365Assessment.optionalReads(of: id).contains(resource) {
                #expect(assessment.finding(id)?.result == Self.contoso[id], "\(id) changed without \(resource)")
            }
        }
    }

    @Test func measurementsFollowTheActionsScoringMethod() throws {
        let assessment = try EvidenceFixture().assess()
        for measurement in assessment.measurements {
            let action = try #require(EvidenceFixture.catalog[measurement.actionID])
            switch (action.scoringMethod, measurement.result) {
            case (.binary, .implemented), (_, .counted(0, 0)), (.partial, .counted): break
            default: Issue.record("\(action.id) is \(action.scoringMethod) but measured \(measurement.result)")
            }
        }
        #expect(assessment.measurements.count == Self.contoso.count)
    }

    @Test func aCustomCatalogWithoutAnActionSkipsItsAssessor() throws {
        let full = EvidenceFixture.catalog
        let reduced = Catalog(version: full.version, actions: full.actions.filter { $0.id != "OneAdmin" })
        let snapshot = try M365Snapshot.load(directory: EvidenceFixture.directory)
        let assessment = M365Assessment(snapshot: snapshot, catalog: reduced)
        #expect(assessment.finding("OneAdmin") == nil)
        #expect(assessment.findings.count == M365Assessment.actionIDs.count - 1)
    }
}
