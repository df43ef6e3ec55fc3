// Defender for Endpoint's secure configuration assessment and Intune's device management, decoded
// with only the properties the assessors read.

/// One device's state for one configuration (`scid-2010` on `laptop-17`), from
/// `/api/machines/SecureConfigurationsAssessmentByMachine` (camelCase in the answer, as in
/// Microsoft's example; the documentation's property table spells them in PascalCase).
public struct DefenderConfigurationAssessment: Decodable, Sendable {
    public var deviceId: String
    public var deviceName: String?
    /// `scid-2010`: the Secure Score action `scid_2010`.
    public var configurationId: String
    public var isApplicable: Bool?
    public var isCompliant: Bool?
    public var osPlatform: String?

}

public struct GraphManagedDevice: Decodable, Sendable {
    public var id: String
    public var deviceName: String?
    /// `Windows`, `iOS`, `iPadOS`, `Android`, `macOS`, …
    public var operatingSystem: String?
    public var complianceState: String?
}

/// A compliance policy; `@odata.type` names its platform, and the settings are the platform's.
public struct GraphCompliancePolicy: Decodable, Sendable {
    public var id: String
    public var displayName: String?
    public var odataType: String?
    public var passwordRequired: Bool?
    public var passcodeRequired: Bool?
    public var storageRequireEncryption: Bool?
    public var bitLockerEnabled: Bool?
    public var securityBlockJailbrokenDevices: Bool?
    public var managedEmailProfileRequired: Bool?
    public var osMinimumVersion: String?
    public var activeFirewallRequired: Bool?
    public var antivirusRequired: Bool?
    public var antiSpywareRequired: Bool?
    public var defenderEnabled: Bool?
    public var assignments: [Assignment]?

    public struct Assignment: Decodable, Sendable {
        public var id: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, displayName, passwordRequired, passcodeRequired, storageRequireEncryption, bitLockerEnabled
        case securityBlockJailbrokenDevices, managedEmailProfileRequired, osMinimumVersion
        case activeFirewallRequired, antivirusRequired, antiSpywareRequired, defenderEnabled, assignments
        case odataType = "@odata.type"
    }
}

/// The devices one compliance policy was evaluated on, from its `deviceStatuses`.
public struct GraphComplianceStatuses: Decodable, Sendable {
    public struct Status: Decodable, Sendable {
        public var deviceDisplayName: String?
        /// `compliant`, `noncompliant`, `inGracePeriod`, `error`, `notApplicable`, …
        public var status: String?
    }

    /// The policy's id.
    public var id: String
    public var statuses: [Status]
}

/// Microsoft 365 admin center settings (Graph beta `/admin/appsAndServices`).
public struct GraphAppsAndServicesSettings: Decodable, Sendable {
    public struct Settings: Decodable, Sendable {
        public var isOfficeStoreEnabled: Bool?
        public var isAppAndServicesTrialEnabled: Bool?
    }
    public var settings: Settings?
}

/// Microsoft Forms settings (Graph beta `/admin/forms`).
public struct GraphFormsSettings: Decodable, Sendable {
    public struct Settings: Decodable, Sendable {
        public var isInOrgFormsPhishingScanEnabled: Bool?
    }
    public var settings: Settings?
}
