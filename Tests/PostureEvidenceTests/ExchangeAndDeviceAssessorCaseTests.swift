import Foundation
import PostureCore
import Testing

@testable import PostureEvidence

/// Exchange Online, Defender for Office 365, Defender for Endpoint, Intune and admin center
/// assessors: pass, partial, fail and awkward shapes beyond the Contoso baseline, one change each.
@Suite struct ExchangeAndDeviceAssessorCaseTests {
    typealias Case = M365AssessorCaseTests.Case

    static let cases: [Case] = [
        // Mailbox auditing
        Case(name: "auditing off for the organization", action: "MailboxAuditingEnabled", expected: "0/4") {
            fixture in
            fixture.each(.exchangeOrganizationConfig) { $0["AuditDisabled"] = true }
        },
        Case(name: "a bypass association on a user", action: "MailboxAuditingEnabled", expected: "2/4") { fixture in
            fixture.named(.mailboxAuditBypass, "alice") { $0["AuditBypassEnabled"] = true }
        },
        Case(name: "AuditEnabled null", action: "MailboxAuditingEnabled", expected: "2/4") { fixture in
            fixture.named(.mailboxes, "admin") { $0["AuditEnabled"] = NSNull() }
        },
        Case(
            name: "bypass associations not collected",
            action: "MailboxAuditingEnabled",
            expected: "3/4",
            because: "bypass associations not collected"
        ) { fixture in
            fixture.resources[M365Resource.mailboxAuditBypass.rawValue] = nil
        },
        Case(name: "the room's owner actions restored", action: "exo_mailboxaudit", expected: "4/5") { fixture in
            fixture.named(.mailboxes, "boardroom") { $0["DefaultAuditSet"] = ["Admin", "Delegate", "Owner"] }
        },
        Case(name: "no mailbox at all", action: "exo_mailboxaudit", expected: "n/a") { fixture in
            fixture.setItems(.mailboxes, [])
        },
        // Organization configuration
        Case(name: "lockbox on with an approver", action: "CustomerLockBoxEnabled", expected: "done") { fixture in
            fixture.each(.exchangeOrganizationConfig) { $0["CustomerLockBoxEnabled"] = true }
            var items = fixture.items(.roleAssignments)
            items.append([
                "principalId": EvidenceFixture.user(1), "roleDefinitionId": DirectoryRoles.customerLockboxApprover,
            ])
            fixture.setItems(.roleAssignments, items)
        },
        Case(
            name: "lockbox on, nobody approves",
            action: "CustomerLockBoxEnabled",
            expected: "not done",
            because: "nobody holds the Customer Lockbox Access Approver role"
        ) { fixture in
            fixture.each(.exchangeOrganizationConfig) { $0["CustomerLockBoxEnabled"] = true }
        },
        Case(name: "large audience threshold of 50", action: "exo_mailtipsenabled", expected: "not done") { fixture in
            fixture.each(.exchangeOrganizationConfig) { $0["MailTipsLargeAudienceThreshold"] = 50 }
        },
        Case(name: "modern authentication off", action: "exo_oauth2clientprofileenabled", expected: "not done") {
            fixture in
            fixture.each(.exchangeOrganizationConfig) { $0["OAuth2ClientProfileEnabled"] = false }
        },
        Case(name: "the default policy loses the add-in roles", action: "exo_outlookaddins", expected: "done") {
            fixture in
            fixture.named(.roleAssignmentPolicies, "Default Role Assignment Policy") {
                $0["AssignedRoles"] = ["MyBaseOptions", "MyContactInformation"]
            }
        },
        Case(
            name: "a mailbox uses another policy that grants add-ins",
            action: "exo_outlookaddins",
            expected: "not done",
            because: "Restricted add-ins"
        ) { fixture in
            fixture.named(.roleAssignmentPolicies, "Default Role Assignment Policy") { $0["AssignedRoles"] = [] }
            fixture.named(.roleAssignmentPolicies, "Restricted add-ins") {
                $0["AssignedRoles"] = ["My Custom Apps"]
            }
            fixture.named(.mailboxes, "alice") { $0["RoleAssignmentPolicy"] = "Restricted add-ins" }
        },
        Case(name: "default sharing disabled, partners only", action: "exo_individualsharing", expected: "done") {
            fixture in
            fixture.named(.sharingPolicies, "Default Sharing Policy") { $0["Enabled"] = false }
        },
        Case(
            name: "an OWA policy allows storage providers",
            action: "exo_storageproviderrestricted",
            expected: "not done"
        ) { fixture in
            fixture.named(.owaMailboxPolicies, "Frontline") { $0["AdditionalStorageProvidersAvailable"] = true }
        },
        Case(
            name: "SetSCL given as text",
            action: "exo_transportrulesallowlistdomains",
            expected: "not done",
            because: "Trust fabrikam mail"
        ) { fixture in
            fixture.named(.transportRules, "Trust fabrikam mail") { $0["SetSCL"] = "-1" }
        },
        Case(name: "the bypass rule disabled", action: "exo_transportrulesallowlistdomains", expected: "done") {
            fixture in
            fixture.named(.transportRules, "Trust fabrikam mail") { $0["State"] = "Disabled" }
        },
        // SPF
        Case(name: "contoso.net hard-fails", action: "exo_SPF_records_for_all_domains", expected: "3/3") { fixture in
            fixture.item(.spfRecords, domain: "contoso.net") {
                $0["records"] = ["v=spf1 include:spf.protection.outlook.com -all"]
            }
        },
        Case(name: "a domain that sends no mail", action: "exo_SPF_records_for_all_domains", expected: "3/3") {
            fixture in
            fixture.item(.spfRecords, domain: "contoso.net") { $0["records"] = ["v=spf1 -all"] }
        },
        Case(name: "two SPF records", action: "exo_SPF_records_for_all_domains", expected: "1/3") { fixture in
            fixture.item(.spfRecords, domain: "contoso.com") {
                $0["records"] = ["v=spf1 include:spf.protection.outlook.com -all", "v=spf1 -all"]
            }
        },
        Case(name: "without Microsoft 365", action: "exo_SPF_records_for_all_domains", expected: "1/3") { fixture in
            fixture.item(.spfRecords, domain: "contoso.com") { $0["records"] = ["v=spf1 include:mailgun.org -all"] }
        },
        Case(name: "no TXT record at all", action: "exo_SPF_records_for_all_domains", expected: "1/3") { fixture in
            fixture.item(.spfRecords, domain: "contoso.com") { $0["records"] = [] }
        },
        Case(name: "DNS did not answer", action: "exo_SPF_records_for_all_domains", expected: "no data") { fixture in
            fixture.item(.spfRecords, domain: "contoso.net") {
                $0["records"] = nil
                $0["error"] = "cannot reach the DNS server 127.0.0.1:53 for contoso.net: no answer within 3.0 s"
            }
        },
        Case(name: "unified audit log off", action: "mip_search_auditlog", expected: "not done") { fixture in
            fixture.each(.adminAuditLogConfig) { $0["UnifiedAuditLogIngestionEnabled"] = false }
        },
        Case(name: "no IRM configuration returned", action: "IRMEnabled", expected: "no data") { fixture in
            fixture.setItems(.irmConfiguration, [])
        },
        // Defender for Office 365
        Case(name: "the custom rule misses a domain", action: "mdo_antiphishingpolicies", expected: "not done") {
            fixture in
            fixture.named(.antiPhishRules, "Contoso anti-phishing") { $0["RecipientDomainIs"] = ["contoso.com"] }
        },
        Case(name: "the custom rule has an exception", action: "mdo_antiphishingpolicies", expected: "not done") {
            fixture in
            fixture.named(.antiPhishRules, "Contoso anti-phishing") { $0["ExceptIfSentTo"] = ["ceo@contoso.com"] }
        },
        Case(
            name: "threshold 1 on the covering policy",
            action: "mdo_antiphishingpolicies",
            expected: "not done",
            because: "a phishing threshold of 2 or higher"
        ) { fixture in
            fixture.named(.antiPhishPolicies, "Contoso anti-phishing") { $0["PhishThresholdLevel"] = 1 }
        },
        Case(
            name: "the Standard preset for everyone instead",
            action: "mdo_antiphishingpolicies",
            expected: "done",
            because: "Standard Preset Security Policy1700000000000"
        ) { fixture in
            fixture.named(.antiPhishRules, "Contoso anti-phishing") { $0["State"] = "Disabled" }
            fixture.each(.eopProtectionPolicyRules) { $0["SentToMemberOf"] = NSNull() }
        },
        Case(name: "no one named to protect", action: "mdo_targetedusersprotection", expected: "not done") { fixture in
            fixture.named(.antiPhishPolicies, "Contoso anti-phishing") { $0["TargetedUsersToProtect"] = NSNull() }
        },
        Case(name: "Safe Documents locked", action: "mdo_safedocuments", expected: "done") { fixture in
            fixture.each(.atpPolicyForO365) { $0["AllowSafeDocsOpen"] = false }
        },
        Case(name: "the attachment policy blocks", action: "mdo_safeattachments", expected: "done") { fixture in
            fixture.named(.safeAttachmentPolicies, "Contoso attachments") { $0["Action"] = "Block" }
        },
        Case(
            name: "release left to users",
            action: "mdo_safeattachments",
            expected: "not done",
            because: "admin-only release"
        ) { fixture in
            fixture.named(.safeAttachmentPolicies, "Contoso attachments") {
                $0["Action"] = "Block"
                $0["QuarantineTag"] = "DefaultFullAccessPolicy"
            }
        },
        Case(name: "click-through allowed", action: "mdo_safelinksforemail", expected: "not done") { fixture in
            fixture.named(.safeLinksPolicies, "Contoso links") { $0["AllowClickThrough"] = true }
        },
        Case(name: "the links rule disabled", action: "mdo_safelinksforemail", expected: "not done") { fixture in
            fixture.named(.safeLinksRules, "Contoso links") { $0["State"] = "Disabled" }
        },
        Case(name: "default bulk threshold lowered", action: "mdo_bulkthreshold", expected: "done") { fixture in
            fixture.named(.hostedContentFilterPolicies, "Default") { $0["BulkThreshold"] = 6 }
        },
        Case(name: "phish moved to junk", action: "mdo_zapphish", expected: "not done") { fixture in
            fixture.named(.hostedContentFilterPolicies, "Strict inbound") { $0["PhishSpamAction"] = "MoveToJmf" }
        },
        Case(name: "ZAP off in a custom policy", action: "mdo_zapmalware", expected: "not done") { fixture in
            fixture.named(.malwareFilterPolicies, "Legacy malware") { $0["ZapEnabled"] = false }
        },
        Case(
            name: "no anti-malware policy",
            action: "mdo_commonattachmentsfilter",
            expected: "not done",
            because: "no anti-malware policy found"
        ) { fixture in
            fixture.setItems(.malwareFilterPolicies, [])
        },
        Case(name: "the default forwards", action: "mdo_autoforwardingmode", expected: "not done") { fixture in
            fixture.named(.outboundSpamFilterPolicies, "Default") { $0["AutoForwardingMode"] = "On" }
        },
        Case(
            name: "the forwarding policy covers a whole domain",
            action: "mdo_autoforwardingmode",
            expected: "not done"
        ) {
            fixture in
            fixture.named(.outboundSpamFilterRules, "Executive assistants") {
                $0["FromMemberOf"] = NSNull()
                $0["SenderDomainIs"] = ["contoso.com"]
            }
        },
        Case(
            name: "a weaker custom rule comes first",
            action: "mdo_safelinksforemail",
            expected: "not done",
            because: "applies first to some recipients with a weaker policy"
        ) { fixture in
            var policies = fixture.items(.safeLinksPolicies)
            policies.append(["Name": "Legacy links", "EnableSafeLinksForEmail": false])
            fixture.setItems(.safeLinksPolicies, policies)
            var rules = fixture.items(.safeLinksRules)
            rules.append([
                "Name": "Legacy links", "State": "Enabled", "Priority": 0, "SafeLinksPolicy": "Legacy links",
                "SentToMemberOf": ["sales@contoso.com"],
            ])
            fixture.setItems(.safeLinksRules, rules)
            fixture.named(.safeLinksRules, "Contoso links") { $0["Priority"] = 1 }
        },
        Case(
            name: "the weaker custom rule comes after",
            action: "mdo_safelinksforemail",
            expected: "done",
            because: "Contoso links checks links"
        ) {
            fixture in
            var policies = fixture.items(.safeLinksPolicies)
            policies.append(["Name": "Legacy links", "EnableSafeLinksForEmail": false])
            fixture.setItems(.safeLinksPolicies, policies)
            var rules = fixture.items(.safeLinksRules)
            rules.append([
                "Name": "Legacy links", "State": "Enabled", "Priority": 5, "SafeLinksPolicy": "Legacy links",
                "SentToMemberOf": ["sales@contoso.com"],
            ])
            fixture.setItems(.safeLinksRules, rules)
        },
        // Defender for Endpoint
        Case(name: "a device listed twice, once failing", action: "scid_2010", expected: "1/2") { fixture in
            var rows = fixture.items(.secureConfigurationAssessments)
            var repeated = try! #require(rows.first { $0["configurationId"] as? String == "scid-2010" })
            repeated["isCompliant"] = false
            rows.append(repeated)
            fixture.setItems(.secureConfigurationAssessments, rows)
        },
        Case(name: "a Linux server onboarded", action: "scid_6094", expected: "1/1") { fixture in
            var rows = fixture.items(.secureConfigurationAssessments)
            rows.append([
                "deviceId": "4b8f3c1d", "deviceName": "web-01", "osPlatform": "Linux", "configurationId": "scid-6094",
                "isApplicable": true, "isCompliant": true,
            ])
            fixture.setItems(.secureConfigurationAssessments, rows)
        },
        Case(name: "Defender for Endpoint with no devices", action: "scid_2010", expected: "n/a") { fixture in
            fixture.setItems(.secureConfigurationAssessments, [])
        },
        // Intune
        Case(name: "the iOS policy unassigned", action: "MDMPWReq", expected: "1/2") { fixture in
            fixture.item(.deviceCompliancePolicies, id: "c0ffee00-0000-4000-8000-000000000002") {
                $0["assignments"] = []
            }
        },
        Case(name: "the iPhone out of compliance", action: "MDMRootedBlock", expected: "1/2") { fixture in
            fixture.item(.deviceComplianceStatuses, id: "c0ffee00-0000-4000-8000-000000000002") {
                $0["statuses"] = [["deviceDisplayName": "Alice's iPhone", "status": "noncompliant"]]
            }
        },
        Case(name: "the iOS policy requires a managed email profile", action: "MDMManageEmail", expected: "1/1") {
            fixture in
            fixture.item(.deviceCompliancePolicies, id: "c0ffee00-0000-4000-8000-000000000002") {
                $0["managedEmailProfileRequired"] = true
            }
        },
        Case(name: "Windows without an antispyware check", action: "InTuneNoPAVC", expected: "1/5") { fixture in
            fixture.item(.deviceCompliancePolicies, id: "c0ffee00-0000-4000-8000-000000000001") {
                $0["antiSpywareRequired"] = false
            }
        },
        Case(name: "no managed devices", action: "MDMEncryptReq", expected: "n/a") { fixture in
            fixture.setItems(.managedDevices, [])
        },
        // Microsoft 365 admin center
        Case(name: "the Office Store off", action: "admincenter_owned_apps_and_services", expected: "done") { fixture in
            fixture.object(.appsAndServicesSettings) {
                $0["settings"] = ["isOfficeStoreEnabled": false, "isAppAndServicesTrialEnabled": false]
            }
        },
        Case(
            name: "Forms settings without the phishing scan",
            action: "forms_phishing_protection",
            expected: "not done"
        ) {
            fixture in
            fixture.object(.formsSettings) { $0["settings"] = ["isExternalSendFormEnabled": false] }
        },
    ]

    @Test(arguments: cases)
    func assessorCase(_ testCase: Case) throws {
        var fixture = try EvidenceFixture()
        testCase.change(&fixture)
        let assessment = try fixture.assess()
        #expect(
            assessment.finding(testCase.action)?.result == testCase.expected,
            "\(assessment.finding(testCase.action)?.detail ?? "not assessed")"
        )
        if let because = testCase.because {
            #expect(assessment.finding(testCase.action)?.detail.contains(because) == true)
        } else {
            #expect(M365AssessmentTests.contoso[testCase.action] != testCase.expected)
        }
    }

    /// Exchange answers with PascalCase properties; a value of the wrong type is a problem naming the
    /// member and path, and only the actions reading that resource lose their data.
    @Test func aWrongTypeInAnExchangeAnswerIsNamed() throws {
        var fixture = try EvidenceFixture()
        fixture.each(.exchangeOrganizationConfig) { $0["MailTipsLargeAudienceThreshold"] = "twenty-five" }
        let assessment = try fixture.assess()
        let problem = try #require(assessment.problems.first)
        #expect("\(problem)".contains("MailTipsLargeAudienceThreshold"), "\(problem)")
        #expect(assessment.finding("exo_mailtipsenabled")?.result == "no data")
        #expect(assessment.finding("mdo_zapphish")?.result == "done")
    }
}
