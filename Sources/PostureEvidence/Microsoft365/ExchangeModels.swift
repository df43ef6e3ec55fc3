// Exchange Online cmdlet output, as the admin API's `InvokeCommand` returns it (PascalCase
// properties), decoded with only the properties the assessors read.

public struct ExchangeOrganizationConfig: Decodable, Sendable {
    public var auditDisabled: Bool?
    public var customerLockBoxEnabled: Bool?
    public var mailTipsAllTipsEnabled: Bool?
    public var mailTipsExternalRecipientsTipsEnabled: Bool?
    public var mailTipsGroupMetricsEnabled: Bool?
    public var mailTipsLargeAudienceThreshold: Int?
    public var oAuth2ClientProfileEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case auditDisabled = "AuditDisabled"
        case customerLockBoxEnabled = "CustomerLockBoxEnabled"
        case mailTipsAllTipsEnabled = "MailTipsAllTipsEnabled"
        case mailTipsExternalRecipientsTipsEnabled = "MailTipsExternalRecipientsTipsEnabled"
        case mailTipsGroupMetricsEnabled = "MailTipsGroupMetricsEnabled"
        case mailTipsLargeAudienceThreshold = "MailTipsLargeAudienceThreshold"
        case oAuth2ClientProfileEnabled = "OAuth2ClientProfileEnabled"
    }
}

public struct ExchangeAcceptedDomain: Decodable, Sendable {
    public var domainName: String
    public var initialDomain: Bool?

    enum CodingKeys: String, CodingKey {
        case domainName = "DomainName"
        case initialDomain = "InitialDomain"
    }
}

public struct ExchangeMailbox: Decodable, Sendable {
    public var name: String
    public var userPrincipalName: String?
    /// `UserMailbox`, `SharedMailbox`, `RoomMailbox`, `EquipmentMailbox`, `DiscoveryMailbox`, …
    public var recipientTypeDetails: String
    public var auditEnabled: Bool?
    public var auditOwner: [String]?
    public var auditDelegate: [String]?
    public var auditAdmin: [String]?
    /// The logon types whose audited actions are Microsoft's defaults (`Admin`, `Delegate`, `Owner`).
    public var defaultAuditSet: [String]?
    public var roleAssignmentPolicy: String?

    /// How findings name the mailbox.
    public var displayName: String { userPrincipalName ?? name }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case userPrincipalName = "UserPrincipalName"
        case recipientTypeDetails = "RecipientTypeDetails"
        case auditEnabled = "AuditEnabled"
        case auditOwner = "AuditOwner"
        case auditDelegate = "AuditDelegate"
        case auditAdmin = "AuditAdmin"
        case defaultAuditSet = "DefaultAuditSet"
        case roleAssignmentPolicy = "RoleAssignmentPolicy"
    }
}

public struct ExchangeAuditBypass: Decodable, Sendable {
    public var name: String
    public var auditBypassEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case auditBypassEnabled = "AuditBypassEnabled"
    }
}

public struct ExchangeRoleAssignmentPolicy: Decodable, Sendable {
    public var name: String
    public var isDefault: Bool?
    public var assignedRoles: [String]?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case isDefault = "IsDefault"
        case assignedRoles = "AssignedRoles"
    }
}

public struct ExchangeSharingPolicy: Decodable, Sendable {
    public var name: String
    public var enabled: Bool?
    public var isDefault: Bool?
    /// `domain:sharing level` pairs; `*` is every domain, `Anonymous` publishing to anyone.
    public var domains: [String]?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case enabled = "Enabled"
        case isDefault = "Default"
        case domains = "Domains"
    }
}

public struct ExchangeOwaMailboxPolicy: Decodable, Sendable {
    public var name: String
    public var additionalStorageProvidersAvailable: Bool?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case additionalStorageProvidersAvailable = "AdditionalStorageProvidersAvailable"
    }
}

public struct ExchangeTransportRule: Decodable, Sendable {
    public var name: String
    /// `Enabled` or `Disabled`.
    public var state: String?
    public var setSCL: Int?
    public var senderDomainIs: [String]?
    public var from: [String]?
    public var fromAddressContainsWords: [String]?
    public var fromAddressMatchesPatterns: [String]?

    /// `SetSCL` comes as a number or as text (`"-1"`), depending on the serializer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        state = try container.decodeIfPresent(String.self, forKey: .state)
        if let number = try? container.decodeIfPresent(Int.self, forKey: .setSCL) {
            setSCL = number
        } else if let text = try container.decodeIfPresent(String.self, forKey: .setSCL) {
            guard let number = Int(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .setSCL,
                    in: container,
                    debugDescription: "expected a spam confidence level from -1 to 9, found \"\(text)\""
                )
            }
            setSCL = number
        } else {
            setSCL = nil
        }
        senderDomainIs = try container.decodeIfPresent([String].self, forKey: .senderDomainIs)
        from = try container.decodeIfPresent([String].self, forKey: .from)
        fromAddressContainsWords = try container.decodeIfPresent([String].self, forKey: .fromAddressContainsWords)
        fromAddressMatchesPatterns = try container.decodeIfPresent([String].self, forKey: .fromAddressMatchesPatterns)
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case state = "State"
        case setSCL = "SetSCL"
        case senderDomainIs = "SenderDomainIs"
        case from = "From"
        case fromAddressContainsWords = "FromAddressContainsWords"
        case fromAddressMatchesPatterns = "FromAddressMatchesPatterns"
    }
}

public struct ExchangeAdminAuditLogConfig: Decodable, Sendable {
    public var unifiedAuditLogIngestionEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case unifiedAuditLogIngestionEnabled = "UnifiedAuditLogIngestionEnabled"
    }
}

/// One accepted domain's TXT records as DNS answered (none when the name does not exist), or
/// why DNS did not answer.
public struct DomainTextRecords: Decodable, Sendable {
    public var domain: String
    public var records: [String]?
    public var error: String?
}

public struct ExchangeIRMConfiguration: Decodable, Sendable {
    public var azureRMSLicensingEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case azureRMSLicensingEnabled = "AzureRMSLicensingEnabled"
    }
}
