import PostureCore
import Testing

/// Typed identifiers: outside text becomes an organization id only when it follows the id rules,
/// and both kinds keep their text exactly.
@Suite struct IdentifierTests {
    @Test(arguments: ["contoso", "a", "Fabrikam-2.eu_west", String(repeating: "x", count: 64)])
    func validTextBecomesAnOrganizationID(_ text: String) throws {
        let id = try #require(OrganizationID(validating: text))
        #expect(id.rawValue == text)
        #expect(id.description == text)
        #expect(id == OrganizationID(text))
    }

    @Test(arguments: ["", "-contoso", ".hidden", "a b", "a/b", "münchen", "x?y", String(repeating: "x", count: 65)])
    func invalidTextIsRefused(_ text: String) {
        #expect(OrganizationID(validating: text) == nil)
    }

    @Test func identifiersOrderAndHashByTheirText() {
        let ids: [OrganizationID] = ["fabrikam", "contoso", "adatum"]
        #expect(ids.sorted().map(\.rawValue) == ["adatum", "contoso", "fabrikam"])
        #expect(Set(ids + ["contoso"]).count == 3)
        let actions: [ActionID] = ["OneAdmin", "AdminMFAV2"]
        #expect(actions.sorted() == ["AdminMFAV2", "OneAdmin"])
        #expect(ActionID("AdminMFAV2") != ActionID("adminmfav2"))
    }
}
