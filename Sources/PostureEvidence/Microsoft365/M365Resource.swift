/// One Microsoft Graph resource of a Microsoft 365 evidence snapshot: a file of its own, holding
/// Graph's JSON as Graph returned it.
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

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The file inside the snapshot directory.
    public var fileName: String { rawValue + ".json" }

    /// Whether Graph answers with a collection (`{"value": [...]}`, paged through
    /// `@odata.nextLink`) rather than a single object.
    public var isCollection: Bool {
        switch self {
        case .identitySecurityDefaultsEnforcementPolicy, .authorizationPolicy, .authenticationMethodsPolicy,
            .adminConsentRequestPolicy, .sharepointSettings:
            false
        default:
            true
        }
    }

    /// The Graph v1.0 request, relative to `https://graph.microsoft.com/v1.0`. `groupMembers` is
    /// assembled from one `transitiveMembers` request per group the other resources refer to.
    public var graphPath: String {
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
        }
    }
}
