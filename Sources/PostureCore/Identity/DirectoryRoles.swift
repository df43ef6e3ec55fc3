/// Microsoft Entra ID's built-in directory roles as Posture's roles. A token's `wids` claim lists
/// the template ids of the person's directory roles; Secure Score grants access by them, and so
/// does Posture: read-write for the administrators who manage security settings, read-only for
/// the others, nothing for roles not listed.
public enum DirectoryRoles {
    /// Template id (the same in every tenant) → role.
    public static let entra: [String: Role] = [
        "62e90394-69f5-4237-9190-012177145e10": .globalAdministrator,
        "194ae4cb-b126-40b2-bd5b-6091b380977d": .securityAdministrator,
        "29232cdf-9323-42fd-ade2-1d097af3e4de": .exchangeAdministrator,
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": .sharePointAdministrator,
        "729827e3-9c14-49f7-bb1b-9608f156bbb8": .helpdeskAdministrator,
        "fe930be7-5e62-47db-91af-98c3a49a38b1": .userAdministrator,
        "f023fd81-a637-4b56-95fd-791ac0226033": .serviceAdministrator,
        "5d6b6bb7-de71-4623-b4af-96380a352509": .securityReader,
        "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f": .securityOperator,
        "f2ef992c-3afb-46b9-b7cf-a126ee74c451": .globalReader,
    ]

    /// The strongest role the template ids grant (read-write before read-only), or nil when none
    /// of them is a Secure Score role: "default user" (`b79fbf4d-…`) and every other role grant
    /// nothing. Case does not matter.
    public static func strongest(_ templateIDs: some Sequence<String>) -> Role? {
        templateIDs.compactMap { entra[$0.lowercased()] }.min()
    }
}
