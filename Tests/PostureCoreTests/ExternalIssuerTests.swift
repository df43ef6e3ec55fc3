import PostureCore
import Testing

@Suite struct ExternalIssuerTests {
    static let file = """
        {"issuers": [
          {"issuer": "https://login.example.com/t/v2.0", "audience": "api://posture",
           "roles": [
             {"claim": "groups", "value": "sec-admins", "organization": "contoso", "role": "Security administrator"},
             {"claim": "groups", "value": "readers", "organization": "contoso", "role": "globalReader"},
             {"claim": "roles", "value": "Posture.Admin", "instanceAdministrator": true}
           ]}
        ]}
        """

    @Test func decodesAndMapsClaimsToTheStrongestRole() throws {
        let issuers = try ExternalIssuer.decodeList(Self.file, file: "issuers.json")
        let issuer = try #require(issuers.first)
        #expect(issuer.subjectClaim == "sub" && issuer.jwksURL == nil)
        let both = issuer.access(claims: ["groups": ["readers", "sec-admins"]])
        #expect(both == Access(roles: ["contoso": .securityAdministrator]))
        #expect(issuer.access(claims: ["groups": "readers"]) == Access(roles: ["contoso": .globalReader]))
        #expect(issuer.access(claims: ["roles": ["Posture.Admin"]]).instanceAdministrator)
        #expect(issuer.access(claims: ["groups": ["strangers"]]).isEmpty)
        #expect(issuer.access(claims: ["groups": 7]).isEmpty)
    }

    @Test(arguments: [
        ("https://login.example.com/t/v2.0", true), ("http://127.0.0.1:8081", true), ("http://localhost/x", true),
        ("http://[::1]:9000", true), ("http://login.example.com", false), ("http://127.0.0.1.evil.example", false),
        ("https://", false), ("login.example.com", false),
        // Userinfo must not pass for a host: the host here is example.invalid.
        ("http://localhost:1@example.invalid/jwks", false), ("http://127.0.0.1@example.invalid/", false),
        ("https://user:pw@login.example.com/keys", false), ("http://localhost\\@example.invalid/", false),
        ("HTTP://LOCALHOST:8081/x", true), ("ftp://localhost/x", false),
    ])
    func keysComeOverTLSOrFromThisMachine(url: String, trusted: Bool) {
        #expect(ExternalIssuer.isTrustedURL(url) == trusted)
    }

    @Test func scopesComeFromScpOrRoles() {
        #expect(ExternalIssuer.scopes(claims: ["scp": "openid SecurityEvents.Read.All"]) == [.read])
        #expect(ExternalIssuer.scopes(claims: ["roles": ["SecurityEvents.ReadWrite.All", "x"]]) == [.readWrite])
        #expect(ExternalIssuer.scopes(claims: ["scp": "User.Read"]).isEmpty)
    }

    @Test func everyProblemIsReportedWithItsLine() {
        let broken = """
            {"issuers": [
              {"issuer": "http://login.example.com/t", "audience": "api://posture", "jwksUrl": "ftp://keys",
               "roles": [{"claim": "groups", "value": "x", "organization": "contoso", "role": "owner"},
                         {"claim": "groups", "value": "y", "organization": "*", "role": "globalReader"}]},
              {"audience": 5, "extra": true, "roles": []}
            ]}
            """
        do {
            _ = try ExternalIssuer.decodeList(broken, file: "issuers.json")
            Issue.record("a broken file was accepted")
        } catch {
            let text = error.description
            for fragment in [
                "issuers.json:2", "must be an https URL", "jwksUrl: must be an https URL", "issuers.json:3",
                "must be one of", "must be an organization's id, got \"*\"", "issuers[1]",
                "extra: unknown field", "issuer: missing required field",
            ] {
                #expect(text.contains(fragment), "\(fragment) in \(text)")
            }
        }
    }
}
