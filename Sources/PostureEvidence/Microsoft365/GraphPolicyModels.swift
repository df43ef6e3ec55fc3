// Graph v1.0 policy resources, decoded with only the properties the assessors read.

public struct GraphConditionalAccessPolicy: Decodable, Sendable {
    public struct Users: Decodable, Sendable {
        public var includeUsers: [String]?
        public var excludeUsers: [String]?
        public var includeGroups: [String]?
        public var excludeGroups: [String]?
        public var includeRoles: [String]?
        public var excludeRoles: [String]?
        public var includeGuestsOrExternalUsers: GuestsOrExternalUsers?
        public var excludeGuestsOrExternalUsers: GuestsOrExternalUsers?
    }
    /// Present when a policy picks guest or external user types; its presence is what matters here.
    public struct GuestsOrExternalUsers: Decodable, Sendable {
        public var guestOrExternalUserTypes: String?
    }
    public struct Applications: Decodable, Sendable {
        public var includeApplications: [String]?
        public var excludeApplications: [String]?
    }
    public struct Locations: Decodable, Sendable {
        public var includeLocations: [String]?
        public var excludeLocations: [String]?
    }
    public struct Platforms: Decodable, Sendable {
        public var includePlatforms: [String]?
        public var excludePlatforms: [String]?
    }
    public struct DeviceFilter: Decodable, Sendable {
        public var mode: String?
        public var rule: String?
    }
    public struct Devices: Decodable, Sendable {
        public var deviceFilter: DeviceFilter?
    }
    public struct Conditions: Decodable, Sendable {
        public var users: Users?
        public var applications: Applications?
        public var clientAppTypes: [String]?
        public var signInRiskLevels: [String]?
        public var userRiskLevels: [String]?
        public var locations: Locations?
        public var platforms: Platforms?
        public var devices: Devices?
    }
    public struct AuthenticationStrength: Decodable, Sendable {
        public var id: String?
        public var allowedCombinations: [String]?
    }
    public struct GrantControls: Decodable, Sendable {
        public var `operator`: String?
        public var builtInControls: [String]?
        public var authenticationStrength: AuthenticationStrength?
    }
    public struct SignInFrequency: Decodable, Sendable {
        public var isEnabled: Bool?
        public var value: Int?
        public var type: String?
        public var frequencyInterval: String?
    }
    public struct PersistentBrowser: Decodable, Sendable {
        public var isEnabled: Bool?
        public var mode: String?
    }
    public struct SessionControls: Decodable, Sendable {
        public var signInFrequency: SignInFrequency?
        public var persistentBrowser: PersistentBrowser?
    }

    public var id: String
    public var displayName: String?
    /// `enabled`, `disabled` or `enabledForReportingButNotEnforced` (report-only).
    public var state: String
    public var conditions: Conditions?
    public var grantControls: GrantControls?
    public var sessionControls: SessionControls?
}

public struct GraphSecurityDefaults: Decodable, Sendable {
    public var isEnabled: Bool?
}

public struct GraphAuthorizationPolicy: Decodable, Sendable {
    public struct DefaultUserRolePermissions: Decodable, Sendable {
        public var allowedToCreateApps: Bool?
        public var permissionGrantPoliciesAssigned: [String]?
    }
    public var allowInvitesFrom: String?
    public var guestUserRoleId: String?
    public var defaultUserRolePermissions: DefaultUserRolePermissions?
}

public struct GraphAuthenticationMethodsPolicy: Decodable, Sendable {
    public struct MethodConfiguration: Decodable, Sendable {
        public var id: String
        public var state: String?
    }
    public var authenticationMethodConfigurations: [MethodConfiguration]?
}

public struct GraphAdminConsentRequestPolicy: Decodable, Sendable {
    public struct Reviewer: Decodable, Sendable {
        public var query: String?
    }
    public var isEnabled: Bool?
    public var reviewers: [Reviewer]?
}

public struct GraphSharePointSettings: Decodable, Sendable {
    public struct IdleSessionSignOut: Decodable, Sendable {
        public var isEnabled: Bool?
        public var signOutAfterInSeconds: Int?
    }
    public var isUnmanagedSyncAppForTenantRestricted: Bool?
    public var sharingDomainRestrictionMode: String?
    public var sharingAllowedDomainList: [String]?
    public var sharingBlockedDomainList: [String]?
    public var isResharingByExternalUsersEnabled: Bool?
    public var idleSessionSignOut: IdleSessionSignOut?
    public var isLegacyAuthProtocolsEnabled: Bool?
    public var sharingCapability: String?
}
