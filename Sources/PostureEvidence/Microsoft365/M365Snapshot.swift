import Foundation
import PostureCore

/// A decoded Microsoft 365 evidence snapshot. A resource that is absent, failed to collect or
/// failed to decode is `nil`: the actions that need it are "no data", never 0.
public struct M365Snapshot: Sendable {
    public var manifest: EvidenceManifest
    public var organization: [GraphOrganization]?
    public var domains: [GraphDomain]?
    public var subscribedSkus: [GraphSubscribedSku]?
    public var users: [GraphUser]?
    public var userRegistrationDetails: [GraphRegistration]?
    public var roleAssignments: [GraphRoleAssignment]?
    public var roleEligibilitySchedules: [GraphRoleAssignment]?
    public var groupMembers: [GraphGroupMembers]?
    public var conditionalAccessPolicies: [GraphConditionalAccessPolicy]?
    public var securityDefaults: GraphSecurityDefaults?
    public var authorizationPolicy: GraphAuthorizationPolicy?
    public var authenticationMethodsPolicy: GraphAuthenticationMethodsPolicy?
    public var adminConsentRequestPolicy: GraphAdminConsentRequestPolicy?
    public var groupSettings: [GraphDirectorySetting]?
    public var onPremisesSynchronization: [GraphOnPremisesSynchronization]?
    public var servicePrincipals: [GraphServicePrincipal]?
    public var oauth2PermissionGrants: [GraphPermissionGrant]?
    public var sharepointSettings: GraphSharePointSettings?
    public var exchangeOrganizationConfig: ExchangeOrganizationConfig?
    public var acceptedDomains: [ExchangeAcceptedDomain]?
    public var mailboxes: [ExchangeMailbox]?
    public var mailboxAuditBypass: [ExchangeAuditBypass]?
    public var roleAssignmentPolicies: [ExchangeRoleAssignmentPolicy]?
    public var sharingPolicies: [ExchangeSharingPolicy]?
    public var owaMailboxPolicies: [ExchangeOwaMailboxPolicy]?
    public var transportRules: [ExchangeTransportRule]?
    public var adminAuditLogConfig: ExchangeAdminAuditLogConfig?
    public var irmConfiguration: ExchangeIRMConfiguration?
    public var spfRecords: [DomainTextRecords]?
    public var antiPhishPolicies: [ExchangeAntiPhishPolicy]?
    public var antiPhishRules: [ExchangeProtectionRule]?
    public var atpPolicyForO365: ExchangeAtpPolicyForO365?
    public var safeAttachmentPolicies: [ExchangeSafeAttachmentPolicy]?
    public var safeAttachmentRules: [ExchangeProtectionRule]?
    public var safeLinksPolicies: [ExchangeSafeLinksPolicy]?
    public var safeLinksRules: [ExchangeProtectionRule]?
    public var hostedContentFilterPolicies: [ExchangeContentFilterPolicy]?
    public var malwareFilterPolicies: [ExchangeMalwareFilterPolicy]?
    public var outboundSpamFilterPolicies: [ExchangeOutboundSpamFilterPolicy]?
    public var outboundSpamFilterRules: [ExchangeOutboundSpamFilterRule]?
    public var eopProtectionPolicyRules: [ExchangeProtectionRule]?
    public var atpProtectionPolicyRules: [ExchangeProtectionRule]?
    public var secureConfigurationAssessments: [DefenderConfigurationAssessment]?
    public var managedDevices: [GraphManagedDevice]?
    public var deviceCompliancePolicies: [GraphCompliancePolicy]?
    public var deviceComplianceStatuses: [GraphComplianceStatuses]?
    public var appsAndServicesSettings: GraphAppsAndServicesSettings?
    public var formsSettings: GraphFormsSettings?
    /// Resources that could not be used, each with the file (or body member), path and reason.
    public var problems: [Diagnostic] = []
    /// Resources not in the snapshot at all, with the collector's reason when it recorded one.
    public var missing: [M365Resource: String] = [:]

    public init(manifest: EvidenceManifest) {
        self.manifest = manifest
    }

    public func has(_ resource: M365Resource) -> Bool {
        switch resource {
        case .organization: organization != nil
        case .domains: domains != nil
        case .subscribedSkus: subscribedSkus != nil
        case .users: users != nil
        case .userRegistrationDetails: userRegistrationDetails != nil
        case .roleAssignments: roleAssignments != nil
        case .roleEligibilitySchedules: roleEligibilitySchedules != nil
        case .groupMembers: groupMembers != nil
        case .conditionalAccessPolicies: conditionalAccessPolicies != nil
        case .identitySecurityDefaultsEnforcementPolicy: securityDefaults != nil
        case .authorizationPolicy: authorizationPolicy != nil
        case .authenticationMethodsPolicy: authenticationMethodsPolicy != nil
        case .adminConsentRequestPolicy: adminConsentRequestPolicy != nil
        case .groupSettings: groupSettings != nil
        case .onPremisesSynchronization: onPremisesSynchronization != nil
        case .servicePrincipals: servicePrincipals != nil
        case .oauth2PermissionGrants: oauth2PermissionGrants != nil
        case .sharepointSettings: sharepointSettings != nil
        case .exchangeOrganizationConfig: exchangeOrganizationConfig != nil
        case .acceptedDomains: acceptedDomains != nil
        case .mailboxes: mailboxes != nil
        case .mailboxAuditBypass: mailboxAuditBypass != nil
        case .roleAssignmentPolicies: roleAssignmentPolicies != nil
        case .sharingPolicies: sharingPolicies != nil
        case .owaMailboxPolicies: owaMailboxPolicies != nil
        case .transportRules: transportRules != nil
        case .adminAuditLogConfig: adminAuditLogConfig != nil
        case .irmConfiguration: irmConfiguration != nil
        case .spfRecords: spfRecords != nil
        case .antiPhishPolicies: antiPhishPolicies != nil
        case .antiPhishRules: antiPhishRules != nil
        case .atpPolicyForO365: atpPolicyForO365 != nil
        case .safeAttachmentPolicies: safeAttachmentPolicies != nil
        case .safeAttachmentRules: safeAttachmentRules != nil
        case .safeLinksPolicies: safeLinksPolicies != nil
        case .safeLinksRules: safeLinksRules != nil
        case .hostedContentFilterPolicies: hostedContentFilterPolicies != nil
        case .malwareFilterPolicies: malwareFilterPolicies != nil
        case .outboundSpamFilterPolicies: outboundSpamFilterPolicies != nil
        case .outboundSpamFilterRules: outboundSpamFilterRules != nil
        case .eopProtectionPolicyRules: eopProtectionPolicyRules != nil
        case .atpProtectionPolicyRules: atpProtectionPolicyRules != nil
        case .secureConfigurationAssessments: secureConfigurationAssessments != nil
        case .managedDevices: managedDevices != nil
        case .deviceCompliancePolicies: deviceCompliancePolicies != nil
        case .deviceComplianceStatuses: deviceComplianceStatuses != nil
        case .appsAndServicesSettings: appsAndServicesSettings != nil
        case .formsSettings: formsSettings != nil
        }
    }
}

/// Where a snapshot's resources come from: a directory of files or the members of a request body.
protocol M365ResourceSource {
    /// The decoded resource, or `nil` when the source does not have it.
    func decode<Value: Decodable>(_ type: Value.Type, _ resource: M365Resource) throws(Diagnostic) -> Value?
}

/// Graph's collection envelope, `{"value": [...]}`; other members (`@odata.context`, …) are ignored.
struct GraphCollection<Item: Decodable>: Decodable {
    var value: [Item]
}

/// A single Graph object, also accepted inside a one-item collection envelope.
struct GraphSingle<Item: Decodable>: Decodable {
    var item: Item

    private enum Keys: String, CodingKey { case value }

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Keys.self), container.contains(.value) {
            var list = try container.nestedUnkeyedContainer(forKey: .value)
            item = try list.decode(Item.self)
        } else {
            item = try Item(from: decoder)
        }
    }
}

extension M365Snapshot {
    /// Decodes every resource the source has, recording each resource's problem and going on.
    init(manifest: EvidenceManifest, source: some M365ResourceSource) {
        self.init(manifest: manifest)
        func list<Item: Decodable>(_ type: Item.Type, _ resource: M365Resource) -> [Item]? {
            one(GraphCollection<Item>.self, resource)?.value
        }
        func single<Item: Decodable>(_ type: Item.Type, _ resource: M365Resource) -> Item? {
            one(GraphSingle<Item>.self, resource)?.item
        }
        func one<Value: Decodable>(_ type: Value.Type, _ resource: M365Resource) -> Value? {
            // The manifest says this collection failed: any file by that name is older evidence.
            if let failure = manifest.failures[resource] {
                missing[resource] = failure
                return nil
            }
            do throws(Diagnostic) {
                guard let value = try source.decode(type, resource) else {
                    missing[resource] = manifest.failures[resource] ?? "not in the snapshot"
                    return nil
                }
                return value
            } catch {
                problems.append(error)
                return nil
            }
        }
        organization = list(GraphOrganization.self, .organization)
        domains = list(GraphDomain.self, .domains)
        subscribedSkus = list(GraphSubscribedSku.self, .subscribedSkus)
        users = list(GraphUser.self, .users)
        userRegistrationDetails = list(GraphRegistration.self, .userRegistrationDetails)
        roleAssignments = list(GraphRoleAssignment.self, .roleAssignments)
        roleEligibilitySchedules = list(GraphRoleAssignment.self, .roleEligibilitySchedules)
        groupMembers = list(GraphGroupMembers.self, .groupMembers)
        conditionalAccessPolicies = list(GraphConditionalAccessPolicy.self, .conditionalAccessPolicies)
        securityDefaults = single(GraphSecurityDefaults.self, .identitySecurityDefaultsEnforcementPolicy)
        authorizationPolicy = single(GraphAuthorizationPolicy.self, .authorizationPolicy)
        authenticationMethodsPolicy = single(GraphAuthenticationMethodsPolicy.self, .authenticationMethodsPolicy)
        adminConsentRequestPolicy = single(GraphAdminConsentRequestPolicy.self, .adminConsentRequestPolicy)
        groupSettings = list(GraphDirectorySetting.self, .groupSettings)
        onPremisesSynchronization = list(GraphOnPremisesSynchronization.self, .onPremisesSynchronization)
        servicePrincipals = list(GraphServicePrincipal.self, .servicePrincipals)
        oauth2PermissionGrants = list(GraphPermissionGrant.self, .oauth2PermissionGrants)
        sharepointSettings = single(GraphSharePointSettings.self, .sharepointSettings)
        exchangeOrganizationConfig = single(ExchangeOrganizationConfig.self, .exchangeOrganizationConfig)
        acceptedDomains = list(ExchangeAcceptedDomain.self, .acceptedDomains)
        mailboxes = list(ExchangeMailbox.self, .mailboxes)
        mailboxAuditBypass = list(ExchangeAuditBypass.self, .mailboxAuditBypass)
        roleAssignmentPolicies = list(ExchangeRoleAssignmentPolicy.self, .roleAssignmentPolicies)
        sharingPolicies = list(ExchangeSharingPolicy.self, .sharingPolicies)
        owaMailboxPolicies = list(ExchangeOwaMailboxPolicy.self, .owaMailboxPolicies)
        transportRules = list(ExchangeTransportRule.self, .transportRules)
        adminAuditLogConfig = single(ExchangeAdminAuditLogConfig.self, .adminAuditLogConfig)
        irmConfiguration = single(ExchangeIRMConfiguration.self, .irmConfiguration)
        spfRecords = list(DomainTextRecords.self, .spfRecords)
        antiPhishPolicies = list(ExchangeAntiPhishPolicy.self, .antiPhishPolicies)
        antiPhishRules = list(ExchangeProtectionRule.self, .antiPhishRules)
        atpPolicyForO365 = single(ExchangeAtpPolicyForO365.self, .atpPolicyForO365)
        safeAttachmentPolicies = list(ExchangeSafeAttachmentPolicy.self, .safeAttachmentPolicies)
        safeAttachmentRules = list(ExchangeProtectionRule.self, .safeAttachmentRules)
        safeLinksPolicies = list(ExchangeSafeLinksPolicy.self, .safeLinksPolicies)
        safeLinksRules = list(ExchangeProtectionRule.self, .safeLinksRules)
        hostedContentFilterPolicies = list(ExchangeContentFilterPolicy.self, .hostedContentFilterPolicies)
        malwareFilterPolicies = list(ExchangeMalwareFilterPolicy.self, .malwareFilterPolicies)
        outboundSpamFilterPolicies = list(ExchangeOutboundSpamFilterPolicy.self, .outboundSpamFilterPolicies)
        outboundSpamFilterRules = list(ExchangeOutboundSpamFilterRule.self, .outboundSpamFilterRules)
        eopProtectionPolicyRules = list(ExchangeProtectionRule.self, .eopProtectionPolicyRules)
        atpProtectionPolicyRules = list(ExchangeProtectionRule.self, .atpProtectionPolicyRules)
        secureConfigurationAssessments = list(DefenderConfigurationAssessment.self, .secureConfigurationAssessments)
        managedDevices = list(GraphManagedDevice.self, .managedDevices)
        deviceCompliancePolicies = list(GraphCompliancePolicy.self, .deviceCompliancePolicies)
        deviceComplianceStatuses = list(GraphComplianceStatuses.self, .deviceComplianceStatuses)
        appsAndServicesSettings = single(GraphAppsAndServicesSettings.self, .appsAndServicesSettings)
        formsSettings = single(GraphFormsSettings.self, .formsSettings)
    }
}
