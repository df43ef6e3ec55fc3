// Graph v1.0 directory resources, decoded with only the properties the assessors read. Unknown
// properties are ignored, so snapshots keep Graph's full JSON and newer Graph fields do no harm.

public struct GraphOrganization: Decodable, Sendable {
    public var id: String
    public var displayName: String?
    public var onPremisesSyncEnabled: Bool?
    public var onPremisesLastPasswordSyncDateTime: String?
}

public struct GraphDomain: Decodable, Sendable {
    public var id: String
    public var authenticationType: String?
    public var isVerified: Bool?
    /// False on a subdomain, which takes its password policy from its root domain.
    public var isRoot: Bool?
    public var passwordValidityPeriodInDays: Int?
}

public struct GraphSubscribedSku: Decodable, Sendable {
    public var skuId: String
    public var skuPartNumber: String?
}

public struct GraphUser: Decodable, Sendable {
    public struct License: Decodable, Sendable {
        public var skuId: String
    }
    public struct SignInActivity: Decodable, Sendable {
        public var lastSignInDateTime: String?
        public var lastNonInteractiveSignInDateTime: String?
        public var lastSuccessfulSignInDateTime: String?
    }

    public var id: String
    public var displayName: String?
    public var userPrincipalName: String?
    public var accountEnabled: Bool?
    public var userType: String?
    public var onPremisesSyncEnabled: Bool?
    public var assignedLicenses: [License]?
    public var createdDateTime: String?
    public var signInActivity: SignInActivity?

    /// The name people recognise and exclusions use; the object id when Graph gave no UPN.
    public var entityName: String { userPrincipalName ?? id }
    public var isEnabled: Bool { accountEnabled ?? false }
    public var isGuest: Bool { userType?.lowercased() == "guest" }
}

/// `reports/authenticationMethods/userRegistrationDetails`.
public struct GraphRegistration: Decodable, Sendable {
    public var id: String
    public var userPrincipalName: String?
    public var isMfaRegistered: Bool?
    public var isSsprEnabled: Bool?
}

/// An active role assignment or an eligible one (Privileged Identity Management).
public struct GraphRoleAssignment: Decodable, Sendable {
    public var id: String?
    public var principalId: String
    public var roleDefinitionId: String
    public var directoryScopeId: String?
}

/// One group's transitive members, as the collector assembles them from
/// `/groups/{id}/transitiveMembers`.
public struct GraphGroupMembers: Decodable, Sendable {
    public struct Member: Decodable, Sendable {
        public var id: String
    }
    public var id: String
    public var members: [Member]
}

public struct GraphDirectorySetting: Decodable, Sendable {
    public struct Value: Decodable, Sendable {
        public var name: String
        public var value: String?
    }
    public var id: String?
    public var displayName: String?
    public var templateId: String?
    public var values: [Value]?

    public func value(_ name: String) -> String? {
        values?.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

public struct GraphOnPremisesSynchronization: Decodable, Sendable {
    public struct Features: Decodable, Sendable {
        public var passwordSyncEnabled: Bool?
    }
    public var id: String?
    public var features: Features?
}

public struct GraphServicePrincipal: Decodable, Sendable {
    public var id: String
    public var appId: String?
    public var displayName: String?
    public var appOwnerOrganizationId: String?
    public var servicePrincipalType: String?
}

public struct GraphPermissionGrant: Decodable, Sendable {
    public var id: String?
    public var clientId: String
    public var consentType: String?
    public var principalId: String?
    public var resourceId: String?
    public var scope: String?
}
