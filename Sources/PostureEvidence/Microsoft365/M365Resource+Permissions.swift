import PostureCore

extension M365Resource {
    /// The application permission that reads the resource (the least one that does).
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
        }
    }

    /// The connection source the resource belongs to.
    public var source: ConnectionSource {
        self == .sharepointSettings ? .sharePoint : .entraID
    }
}
