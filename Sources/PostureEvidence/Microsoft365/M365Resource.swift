/// One resource of a Microsoft 365 evidence snapshot: a file of its own, holding the service's JSON
/// as the service returned it (Graph's, Exchange Online's admin API's, Defender for Endpoint's).
public enum M365Resource: String, CaseIterable, Sendable, Codable, Comparable {
    case organization
    case domains
    case subscribedSkus
    case users
    case userRegistrationDetails
    case roleAssignments
    case roleEligibilitySchedules
    case groupMembers
    case conditionalAccessPolicies
    case identitySecurityDefaultsEnforcementPolicy
    case authorizationPolicy
    case authenticationMethodsPolicy
    case adminConsentRequestPolicy
    case groupSettings
    case onPremisesSynchronization
    case servicePrincipals
    case oauth2PermissionGrants
    case sharepointSettings
    // Exchange Online, one cmdlet each.
    case exchangeOrganizationConfig
    case acceptedDomains
    case mailboxes
    case mailboxAuditBypass
    case roleAssignmentPolicies
    case sharingPolicies
    case owaMailboxPolicies
    case transportRules
    case adminAuditLogConfig
    case irmConfiguration
    /// The TXT records of every accepted domain, from DNS.
    case spfRecords
    // Defender for Office 365 and Exchange Online Protection, through the same API.
    case antiPhishPolicies
    case antiPhishRules
    case atpPolicyForO365
    case safeAttachmentPolicies
    case safeAttachmentRules
    case safeLinksPolicies
    case safeLinksRules
    case hostedContentFilterPolicies
    case malwareFilterPolicies
    case outboundSpamFilterPolicies
    case outboundSpamFilterRules
    case eopProtectionPolicyRules
    case atpProtectionPolicyRules
    // Defender for Endpoint.
    case secureConfigurationAssessments
    // Intune, through Graph.
    case managedDevices
    case deviceCompliancePolicies
    case deviceComplianceStatuses
    // Microsoft 365 admin center settings, through Graph beta (v1.0 has no such resource).
    case appsAndServicesSettings
    case formsSettings

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The file inside the snapshot directory.
    public var fileName: String { rawValue + ".json" }

    /// Whether the service answers with a collection (`{"value": [...]}`, paged through
    /// `@odata.nextLink`) rather than a single object. Exchange always answers with a collection,
    /// even for its one organization configuration.
    public var isCollection: Bool {
        switch self {
        case .identitySecurityDefaultsEnforcementPolicy, .authorizationPolicy, .authenticationMethodsPolicy,
            .adminConsentRequestPolicy, .sharepointSettings, .appsAndServicesSettings, .formsSettings:
            false
        default:
            true
        }
    }

    /// How the resource is read.
    public var request: M365Request {
        if let cmdlet = exchangeCmdlet { return .exchange(cmdlet: cmdlet, parameters: exchangeParameters) }
        if self == .spfRecords { return .dnsText }
        if self == .secureConfigurationAssessments {
            // The documented JSON export; the default page holds 50,000 rows.
            return .defender("/api/machines/SecureConfigurationsAssessmentByMachine")
        }
        return .graph(graphPath)
    }

    /// The Exchange Online cmdlet behind the resource, nil for the others.
    public var exchangeCmdlet: String? {
        switch self {
        case .exchangeOrganizationConfig: "Get-OrganizationConfig"
        case .acceptedDomains: "Get-AcceptedDomain"
        case .mailboxes: "Get-Mailbox"
        case .mailboxAuditBypass: "Get-MailboxAuditBypassAssociation"
        case .roleAssignmentPolicies: "Get-RoleAssignmentPolicy"
        case .sharingPolicies: "Get-SharingPolicy"
        case .owaMailboxPolicies: "Get-OwaMailboxPolicy"
        case .transportRules: "Get-TransportRule"
        case .adminAuditLogConfig: "Get-AdminAuditLogConfig"
        case .irmConfiguration: "Get-IRMConfiguration"
        case .antiPhishPolicies: "Get-AntiPhishPolicy"
        case .antiPhishRules: "Get-AntiPhishRule"
        case .atpPolicyForO365: "Get-AtpPolicyForO365"
        case .safeAttachmentPolicies: "Get-SafeAttachmentPolicy"
        case .safeAttachmentRules: "Get-SafeAttachmentRule"
        case .safeLinksPolicies: "Get-SafeLinksPolicy"
        case .safeLinksRules: "Get-SafeLinksRule"
        case .hostedContentFilterPolicies: "Get-HostedContentFilterPolicy"
        case .malwareFilterPolicies: "Get-MalwareFilterPolicy"
        case .outboundSpamFilterPolicies: "Get-HostedOutboundSpamFilterPolicy"
        case .outboundSpamFilterRules: "Get-HostedOutboundSpamFilterRule"
        case .eopProtectionPolicyRules: "Get-EOPProtectionPolicyRule"
        case .atpProtectionPolicyRules: "Get-ATPProtectionPolicyRule"
        default: nil
        }
    }

    /// Parameters of the cmdlet: every mailbox and every bypass association, not the first 1,000.
    var exchangeParameters: [String: String] {
        switch self {
        case .mailboxes, .mailboxAuditBypass: ["ResultSize": "Unlimited"]
        default: [:]
        }
    }

    /// The Graph v1.0 request, relative to `https://graph.microsoft.com/v1.0`. `groupMembers` is
    /// assembled from one `transitiveMembers` request per group the other resources refer to, and
    /// `deviceComplianceStatuses` from one `deviceStatuses` request per compliance policy.
    var graphPath: String {
        switch self {
        case .organization:
            "/organization?$select=id,displayName,onPremisesSyncEnabled,onPremisesLastSyncDateTime,"
                + "onPremisesLastPasswordSyncDateTime,verifiedDomains"
        case .domains: "/domains"
        case .subscribedSkus: "/subscribedSkus"
        case .users:
            // Graph pages users with sign-in activity 120 at a time at most.
            "/users?$select=id,displayName,userPrincipalName,accountEnabled,userType,onPremisesSyncEnabled,"
                + "assignedLicenses,createdDateTime,signInActivity&$top=120"
        case .userRegistrationDetails: "/reports/authenticationMethods/userRegistrationDetails"
        case .roleAssignments: "/roleManagement/directory/roleAssignments"
        case .roleEligibilitySchedules: "/roleManagement/directory/roleEligibilitySchedules"
        case .groupMembers: "/groups/{id}/transitiveMembers?$select=id"
        case .conditionalAccessPolicies: "/identity/conditionalAccess/policies"
        case .identitySecurityDefaultsEnforcementPolicy: "/policies/identitySecurityDefaultsEnforcementPolicy"
        case .authorizationPolicy: "/policies/authorizationPolicy"
        case .authenticationMethodsPolicy: "/policies/authenticationMethodsPolicy"
        case .adminConsentRequestPolicy: "/policies/adminConsentRequestPolicy"
        case .groupSettings: "/groupSettings"
        case .onPremisesSynchronization: "/directory/onPremisesSynchronization"
        case .servicePrincipals:
            "/servicePrincipals?$select=id,appId,displayName,appOwnerOrganizationId,servicePrincipalType&$top=999"
        case .oauth2PermissionGrants: "/oauth2PermissionGrants"
        case .sharepointSettings: "/admin/sharepoint/settings"
        case .managedDevices:
            "/deviceManagement/managedDevices?$select=id,deviceName,operatingSystem,osVersion,complianceState,"
                + "managementAgent,isEncrypted,jailBroken"
        case .deviceCompliancePolicies: "/deviceManagement/deviceCompliancePolicies?$expand=assignments"
        case .deviceComplianceStatuses: "/deviceManagement/deviceCompliancePolicies/{id}/deviceStatuses"
        case .appsAndServicesSettings: "/beta/admin/appsAndServices"
        case .formsSettings: "/beta/admin/forms"
        // Not Graph's: read from Exchange, Defender for Endpoint or DNS (see `request`).
        case .exchangeOrganizationConfig, .acceptedDomains, .mailboxes, .mailboxAuditBypass, .roleAssignmentPolicies,
            .sharingPolicies, .owaMailboxPolicies, .transportRules, .adminAuditLogConfig, .irmConfiguration,
            .antiPhishPolicies, .antiPhishRules, .atpPolicyForO365, .safeAttachmentPolicies, .safeAttachmentRules,
            .safeLinksPolicies, .safeLinksRules, .hostedContentFilterPolicies, .malwareFilterPolicies,
            .outboundSpamFilterPolicies, .outboundSpamFilterRules, .eopProtectionPolicyRules, .atpProtectionPolicyRules,
            .spfRecords, .secureConfigurationAssessments:
            ""
        }
    }
}

/// How one resource is read from its service.
public enum M365Request: Sendable, Equatable {
    /// A Graph GET, relative to the Graph root's `/v1.0`, or to the root itself when it starts with
    /// `/beta/`.
    case graph(String)
    /// An Exchange Online cmdlet, through the admin API's `InvokeCommand`.
    case exchange(cmdlet: String, parameters: [String: String])
    /// A Defender for Endpoint API GET, relative to its root.
    case defender(String)
    /// The DNS TXT records of every accepted domain.
    case dnsText
}
