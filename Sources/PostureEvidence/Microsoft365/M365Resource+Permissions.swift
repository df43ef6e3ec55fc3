import PostureCore

extension M365Resource {
    /// The application permission that reads the resource (the least one that does). Exchange
    /// Online's app-only access also needs a directory role (Global Reader): see docs/connections.md.
    public var applicationPermission: String {
        switch self {
        case .organization, .domains, .subscribedSkus, .groupMembers, .groupSettings, .servicePrincipals,
            .oauth2PermissionGrants:
            "Directory.Read.All"
        case .users: "User.Read.All"
        case .userRegistrationDetails: "AuditLog.Read.All"
        case .roleAssignments, .roleEligibilitySchedules: "RoleManagement.Read.Directory"
        case .conditionalAccessPolicies, .identitySecurityDefaultsEnforcementPolicy, .authorizationPolicy,
            .authenticationMethodsPolicy, .adminConsentRequestPolicy:
            "Policy.Read.All"
        case .onPremisesSynchronization: "OnPremDirectorySynchronization.Read.All"
        case .sharepointSettings: "SharePointTenantSettings.Read.All"
        case .secureConfigurationAssessments: "Vulnerability.Read.All"
        case .managedDevices: "DeviceManagementManagedDevices.Read.All"
        case .deviceCompliancePolicies, .deviceComplianceStatuses: "DeviceManagementConfiguration.Read.All"
        case .appsAndServicesSettings: "OrgSettings-AppsAndServices.Read.All"
        case .formsSettings: "OrgSettings-Forms.Read.All"
        // Public DNS needs no permission; the domains it is asked about come from Exchange.
        case .exchangeOrganizationConfig, .acceptedDomains, .mailboxes, .mailboxAuditBypass, .roleAssignmentPolicies,
            .sharingPolicies, .owaMailboxPolicies, .transportRules, .adminAuditLogConfig, .irmConfiguration,
            .antiPhishPolicies, .antiPhishRules, .atpPolicyForO365, .safeAttachmentPolicies, .safeAttachmentRules,
            .safeLinksPolicies, .safeLinksRules, .hostedContentFilterPolicies, .malwareFilterPolicies,
            .outboundSpamFilterPolicies, .outboundSpamFilterRules, .eopProtectionPolicyRules,
            .atpProtectionPolicyRules, .spfRecords:
            "Exchange.ManageAsApp"
        }
    }

    /// The connection source the resource belongs to.
    public var source: ConnectionSource {
        switch self {
        case .sharepointSettings: .sharePoint
        case .secureConfigurationAssessments: .defenderEndpoint
        case .managedDevices, .deviceCompliancePolicies, .deviceComplianceStatuses: .intune
        case .appsAndServicesSettings, .formsSettings: .adminCenter
        case .exchangeOrganizationConfig, .acceptedDomains, .mailboxes, .mailboxAuditBypass, .roleAssignmentPolicies,
            .sharingPolicies, .owaMailboxPolicies, .transportRules, .adminAuditLogConfig, .irmConfiguration,
            .antiPhishPolicies, .antiPhishRules, .atpPolicyForO365, .safeAttachmentPolicies, .safeAttachmentRules,
            .safeLinksPolicies, .safeLinksRules, .hostedContentFilterPolicies, .malwareFilterPolicies,
            .outboundSpamFilterPolicies, .outboundSpamFilterRules, .eopProtectionPolicyRules,
            .atpProtectionPolicyRules, .spfRecords:
            .exchangeOnline
        case .organization, .domains, .subscribedSkus, .users, .userRegistrationDetails, .roleAssignments,
            .roleEligibilitySchedules, .groupMembers, .conditionalAccessPolicies,
            .identitySecurityDefaultsEnforcementPolicy, .authorizationPolicy, .authenticationMethodsPolicy,
            .adminConsentRequestPolicy, .groupSettings, .onPremisesSynchronization, .servicePrincipals,
            .oauth2PermissionGrants:
            .entraID
        }
    }
}
