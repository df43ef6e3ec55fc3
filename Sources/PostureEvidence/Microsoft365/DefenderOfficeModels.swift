// Defender for Office 365 and Exchange Online Protection policies and rules, as the Exchange admin
// API's `InvokeCommand` returns them, decoded with only the properties the assessors read.

/// A rule that applies a protection policy to recipients: an anti-phishing, Safe Attachments or
/// Safe Links rule, or a preset security policy's rule (which names several policies).
public struct ExchangeProtectionRule: Decodable, Sendable {
    public var name: String
    /// `Enabled` or `Disabled`.
    public var state: String?
    /// Rules apply in this order, 0 first; the first rule that matches a recipient decides.
    public var priority: Int?
    public var antiPhishPolicy: String?
    public var safeAttachmentPolicy: String?
    public var safeLinksPolicy: String?
    public var sentTo: [String]?
    public var sentToMemberOf: [String]?
    public var recipientDomainIs: [String]?
    public var exceptIfSentTo: [String]?
    public var exceptIfSentToMemberOf: [String]?
    public var exceptIfRecipientDomainIs: [String]?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case state = "State"
        case priority = "Priority"
        case antiPhishPolicy = "AntiPhishPolicy"
        case safeAttachmentPolicy = "SafeAttachmentPolicy"
        case safeLinksPolicy = "SafeLinksPolicy"
        case sentTo = "SentTo"
        case sentToMemberOf = "SentToMemberOf"
        case recipientDomainIs = "RecipientDomainIs"
        case exceptIfSentTo = "ExceptIfSentTo"
        case exceptIfSentToMemberOf = "ExceptIfSentToMemberOf"
        case exceptIfRecipientDomainIs = "ExceptIfRecipientDomainIs"
    }
}

public struct ExchangeAntiPhishPolicy: Decodable, Sendable {
    public var name: String
    public var isDefault: Bool?
    public var enabled: Bool?
    public var enableSpoofIntelligence: Bool?
    public var honorDmarcPolicy: Bool?
    public var enableFirstContactSafetyTips: Bool?
    public var enableUnauthenticatedSender: Bool?
    public var enableMailboxIntelligence: Bool?
    public var phishThresholdLevel: Int?
    public var enableTargetedUserProtection: Bool?
    public var targetedUsersToProtect: [String]?
    public var targetedUserProtectionAction: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case isDefault = "IsDefault"
        case enabled = "Enabled"
        case enableSpoofIntelligence = "EnableSpoofIntelligence"
        case honorDmarcPolicy = "HonorDmarcPolicy"
        case enableFirstContactSafetyTips = "EnableFirstContactSafetyTips"
        case enableUnauthenticatedSender = "EnableUnauthenticatedSender"
        case enableMailboxIntelligence = "EnableMailboxIntelligence"
        case phishThresholdLevel = "PhishThresholdLevel"
        case enableTargetedUserProtection = "EnableTargetedUserProtection"
        case targetedUsersToProtect = "TargetedUsersToProtect"
        case targetedUserProtectionAction = "TargetedUserProtectionAction"
    }
}

public struct ExchangeAtpPolicyForO365: Decodable, Sendable {
    public var enableATPForSPOTeamsODB: Bool?
    public var enableSafeDocs: Bool?
    public var allowSafeDocsOpen: Bool?

    enum CodingKeys: String, CodingKey {
        case enableATPForSPOTeamsODB = "EnableATPForSPOTeamsODB"
        case enableSafeDocs = "EnableSafeDocs"
        case allowSafeDocsOpen = "AllowSafeDocsOpen"
    }
}

public struct ExchangeSafeAttachmentPolicy: Decodable, Sendable {
    public var name: String
    public var enable: Bool?
    /// `Block`, `DynamicDelivery`, `Allow`, …
    public var action: String?
    public var quarantineTag: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case enable = "Enable"
        case action = "Action"
        case quarantineTag = "QuarantineTag"
    }
}

public struct ExchangeSafeLinksPolicy: Decodable, Sendable {
    public var name: String
    public var enableSafeLinksForEmail: Bool?
    public var scanUrls: Bool?
    public var deliverMessageAfterScan: Bool?
    public var enableForInternalSenders: Bool?
    public var trackClicks: Bool?
    public var allowClickThrough: Bool?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case enableSafeLinksForEmail = "EnableSafeLinksForEmail"
        case scanUrls = "ScanUrls"
        case deliverMessageAfterScan = "DeliverMessageAfterScan"
        case enableForInternalSenders = "EnableForInternalSenders"
        case trackClicks = "TrackClicks"
        case allowClickThrough = "AllowClickThrough"
    }
}

public struct ExchangeContentFilterPolicy: Decodable, Sendable {
    public var name: String
    public var bulkThreshold: Int?
    /// `On` or `Off`.
    public var markAsSpamBulkMail: String?
    public var phishZapEnabled: Bool?
    /// `Quarantine`, `MoveToJmf`, …
    public var phishSpamAction: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case bulkThreshold = "BulkThreshold"
        case markAsSpamBulkMail = "MarkAsSpamBulkMail"
        case phishZapEnabled = "PhishZapEnabled"
        case phishSpamAction = "PhishSpamAction"
    }
}

public struct ExchangeMalwareFilterPolicy: Decodable, Sendable {
    public var name: String
    public var zapEnabled: Bool?
    public var enableFileFilter: Bool?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case zapEnabled = "ZapEnabled"
        case enableFileFilter = "EnableFileFilter"
    }
}

/// The rule that applies a custom outbound spam policy to named senders.
public struct ExchangeOutboundSpamFilterRule: Decodable, Sendable {
    public var name: String
    public var state: String?
    public var policy: String?
    public var from: [String]?
    public var fromMemberOf: [String]?
    public var senderDomainIs: [String]?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case state = "State"
        case policy = "HostedOutboundSpamFilterPolicy"
        case from = "From"
        case fromMemberOf = "FromMemberOf"
        case senderDomainIs = "SenderDomainIs"
    }
}

public struct ExchangeOutboundSpamFilterPolicy: Decodable, Sendable {
    public var name: String
    public var isDefault: Bool?
    /// `Automatic` (system-controlled), `Off` or `On`.
    public var autoForwardingMode: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case isDefault = "IsDefault"
        case autoForwardingMode = "AutoForwardingMode"
    }
}
