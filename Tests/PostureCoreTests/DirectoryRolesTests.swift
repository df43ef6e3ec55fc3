import PostureCore
import Testing

/// Entra ID's directory roles as Secure Score grants them: the five that change security
/// settings write, the six that read read, every other role grants nothing.
@Suite struct DirectoryRolesTests {
    @Test(
        arguments: [
            (["62e90394-69f5-4237-9190-012177145e10"], Role.globalAdministrator),
            (["194ae4cb-b126-40b2-bd5b-6091b380977d"], .securityAdministrator),
            (["29232cdf-9323-42fd-ade2-1d097af3e4de"], .exchangeAdministrator),
            (["F28A1F50-F6E7-4571-818B-6A12F2AF6B6C"], .sharePointAdministrator),
            (["729827e3-9c14-49f7-bb1b-9608f156bbb8"], .helpdeskAdministrator),
            (["fe930be7-5e62-47db-91af-98c3a49a38b1"], .userAdministrator),
            (["f023fd81-a637-4b56-95fd-791ac0226033"], .serviceAdministrator),
            (["5d6b6bb7-de71-4623-b4af-96380a352509"], .securityReader),
            (["5f2222b1-57c3-48ba-8ad5-d4759f1fde6f"], .securityOperator),
            (["f2ef992c-3afb-46b9-b7cf-a126ee74c451"], .globalReader),
            // The strongest wins, whatever the order.
            (["f2ef992c-3afb-46b9-b7cf-a126ee74c451", "29232cdf-9323-42fd-ade2-1d097af3e4de"], .exchangeAdministrator),
        ] as [([String], Role)]
    )
    func templateIDsAreRoles(_ ids: [String], _ role: Role) {
        #expect(DirectoryRoles.strongest(ids) == role)
    }

    @Test func otherRolesGrantNothing() {
        // Default user, Billing administrator, Privileged role administrator.
        let others = [
            "b79fbf4d-3ef9-4689-8143-76b194e85509", "b0f54661-2d74-4c50-afa3-1ec803f12efe",
            "e8611ab8-c189-46e8-94e1-60213ab1f814",
        ]
        #expect(DirectoryRoles.strongest(others) == nil)
        #expect(DirectoryRoles.strongest([]) == nil)
        #expect(Set(DirectoryRoles.entra.values).count == 10, "one template per role")
        #expect(DirectoryRoles.entra.values.filter(\.isReadWrite).count == 4)
    }

    @Test func anIssuerBoundToAnOrganizationReadsWids() throws {
        let issuers = try ExternalIssuer.decodeList(
            #"{"issuers": [{"issuer": "https://login.microsoftonline.com/t/v2.0", "audience": "api://posture", "wids": "contoso"}]}"#,
            file: "issuers.json"
        )
        let issuer = try #require(issuers.first)
        #expect(issuer.directoryRolesOrganization == "contoso" && issuer.mappings.isEmpty)
        let access = issuer.access(claims: ["wids": ["5d6b6bb7-de71-4623-b4af-96380a352509"]])
        #expect(access.roles == ["contoso": .securityReader])
        #expect(issuer.access(claims: ["groups": ["x"]]).roles.isEmpty)
        do {
            _ = try ExternalIssuer.decodeList(
                #"{"issuers": [{"issuer": "https://login.example.com", "audience": "a", "wids": "*"}]}"#,
                file: "issuers.json"
            )
            Issue.record("a wids organization that is no id was accepted")
        } catch {
            #expect(error.description.contains("wids: must be the id of the organization"))
        }
    }
}
