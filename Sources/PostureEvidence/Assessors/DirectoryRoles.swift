/// Built-in Entra ID role template ids the assessors reason about. Role definitions of built-in
/// roles carry these ids in every tenant.
public enum DirectoryRoles {
    public static let globalAdministrator = "62e90394-69f5-4237-9190-012177145e10"
    /// Customer Lockbox Access Approver: approves Microsoft engineers' requests to content.
    public static let customerLockboxApprover = "5c4f9dcd-47dc-4cf7-8c9a-9e4207cbfc91"

    /// The privileged roles Microsoft's "Require multifactor authentication for admins" template
    /// targets; "administrators" in the assessors means holders of any of these.
    public static let privileged: [String: String] = [
        "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
        "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
        "b0f54661-2d74-4c50-afa3-1ec803f12efe": "Billing Administrator",
        "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
        "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
        "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
        "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
        "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
        "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
        "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
    ]

    /// authorizationPolicy.guestUserRoleId of "restricted to their own directory objects".
    public static let restrictedGuest = "2af84b1e-32c8-42b7-82bc-daa82404023b"
    /// The built-in "Phishing-resistant MFA" authentication strength.
    public static let phishingResistantStrength = "00000000-0000-0000-0000-000000000004"
    /// The built-in authentication strengths (multifactor, passwordless, phishing-resistant): all
    /// of them require more than one factor.
    public static let builtInMultifactorStrengths: Set<String> = [
        "00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000003",
        "00000000-0000-0000-0000-000000000004",
    ]
    /// Methods that are multifactor on their own (a combination of two methods, `password,sms`,
    /// always is): a key or platform credential with a PIN or biometric, passwordless phone
    /// sign-in, a Temporary Access Pass, a multifactor certificate or federated MFA.
    public static let multifactorMethods: Set<String> = [
        "windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush",
        "temporaryAccessPassOneTime", "temporaryAccessPassMultiUse", "federatedMultiFactor",
    ]

    /// Whether an allowed combination of an authentication strength (`password,microsoftAuthenticatorPush`,
    /// `fido2`, `password`) is multifactor.
    public static func isMultifactor(_ combination: String) -> Bool {
        let methods = combination.split(separator: ",").map { $0.filter { !$0.isWhitespace } }
        return methods.count > 1 || methods.first.map(multifactorMethods.contains) == true
    }

    /// Authentication method combinations that cannot be relayed by a phishing proxy.
    public static let phishingResistantCombinations: Set<String> = [
        "windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor",
    ]
    /// The Password Rule Settings directory setting template (banned passwords).
    public static let passwordRuleSettingsTemplate = "5cf42378-d67d-4f36-ba46-e8b86229381d"
    /// Never-expiring passwords, as Graph writes them on a domain.
    public static let neverExpires = 2_147_483_647
}
