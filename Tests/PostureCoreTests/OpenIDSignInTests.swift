import Foundation
import PostureCore
import Testing

/// The rules of signing in through an OpenID Connect provider: the issuers file's `signIn` block,
/// the checks of an ID token's claims, who the claims describe, and why a sign-in grants nothing.
@Suite struct OpenIDSignInTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let issuer = ExternalIssuer(
        issuer: "https://id.example.com",
        audience: nil,
        mappings: [],
        directoryRolesOrganization: "contoso",
        signIn: SignInSettings(name: "Example", clientID: "posture")
    )
    static let multiTenant = ExternalIssuer(
        issuer: "https://login.microsoftonline.com/{tenantid}/v2.0",
        audience: nil,
        discoveryURL: "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
        mappings: [],
        tenantOrganizations: ["11111111-2222-3333-4444-555555555555": "contoso"],
        signIn: SignInSettings(name: "Entra ID", clientID: "posture")
    )

    static func claims(_ changes: [String: JSONValue] = [:], removing: [String] = []) -> JSONObject {
        var claims: JSONObject = [
            "iss": "https://id.example.com", "aud": ["posture"], "sub": "ana",
            "exp": .int(Int(now.timeIntervalSince1970) + 300), "iat": .int(Int(now.timeIntervalSince1970) - 5),
            "nonce": "n-1",
        ]
        for (key, value) in changes { claims[key] = value }
        for key in removing { claims[key] = nil }
        return claims
    }

    @Test(
        arguments: [
            ("valid", claims(), nil),
            ("audience as one string", claims(["aud": "posture"]), nil),
            ("another issuer", claims(["iss": "https://evil.example.com"]), IDTokenCheck.Problem.wrongIssuer),
            ("no issuer", claims(removing: ["iss"]), .wrongIssuer),
            ("another audience", claims(["aud": ["someone-else"]]), .wrongAudience),
            ("several audiences without azp", claims(["aud": ["posture", "other"]]), .wrongAudience),
            ("several audiences, azp another", claims(["aud": ["posture", "other"], "azp": "other"]), .wrongAudience),
            ("several audiences, azp us", claims(["aud": ["posture", "other"], "azp": "posture"]), nil),
            ("one audience, azp another", claims(["azp": "other"]), .wrongAudience),
            ("expired beyond the leeway", claims(["exp": .int(Int(now.timeIntervalSince1970) - 61)]), .expired),
            ("expired within the leeway", claims(["exp": .int(Int(now.timeIntervalSince1970) - 30)]), nil),
            ("no expiry", claims(removing: ["exp"]), .missingTime("exp")),
            ("expiry as text", claims(["exp": "1900000000"]), .missingTime("exp")),
            ("issued in the future", claims(["iat": .int(Int(now.timeIntervalSince1970) + 120)]), .issuedInTheFuture),
            ("no issue time", claims(removing: ["iat"]), .missingTime("iat")),
            ("another nonce", claims(["nonce": "n-2"]), .nonceMismatch),
            ("no nonce", claims(removing: ["nonce"]), .nonceMismatch),
            ("no subject", claims(removing: ["sub"]), .missingSubject("sub")),
            ("empty subject", claims(["sub": ""]), .missingSubject("sub")),
        ] as [(String, JSONObject, IDTokenCheck.Problem?)]
    )
    func idTokenClaims(_ name: String, _ claims: JSONObject, _ expected: IDTokenCheck.Problem?) {
        let problem = IDTokenCheck.problem(
            claims: claims,
            issuer: Self.issuer,
            clientID: "posture",
            nonce: "n-1",
            now: Self.now
        )
        #expect(problem == expected, "\(name)")
    }

    @Test func aMultiTenantIssuerTakesTheTokensTenant() {
        let tenant = "11111111-2222-3333-4444-555555555555"
        let own = Self.claims([
            "iss": .string("https://login.microsoftonline.com/\(tenant)/v2.0"), "tid": .string(tenant),
        ])
        #expect(
            IDTokenCheck.problem(
                claims: own,
                issuer: Self.multiTenant,
                clientID: "posture",
                nonce: "n-1",
                now: Self.now
            ) == nil
        )
        // A token naming one tenant in iss and another in tid is someone else's.
        var mixed = own
        mixed["tid"] = "99999999-2222-3333-4444-555555555555"
        #expect(
            IDTokenCheck.problem(
                claims: mixed,
                issuer: Self.multiTenant,
                clientID: "posture",
                nonce: "n-1",
                now: Self.now
            )
                == .wrongIssuer
        )
        // A tid that is no tenant id never goes into the expected issuer.
        var odd = own
        odd["tid"] = "x/../../evil"
        #expect(Self.multiTenant.expectedIssuer(claims: odd) == nil)
        // Directory roles apply in the organization bound to the token's tenant, and nowhere else.
        let reader: JSONValue = ["5d6b6bb7-de71-4623-b4af-96380a352509"]
        #expect(
            Self.multiTenant.access(claims: ["tid": .string(tenant), "wids": reader]).roles == [
                "contoso": .securityReader
            ]
        )
        #expect(
            Self.multiTenant.access(claims: ["tid": "99999999-2222-3333-4444-555555555555", "wids": reader]).isEmpty
        )
    }

    @Test func theProfileComesFromTheClaims() {
        let full = SignInProfile(
            claims: ["sub": "abc", "name": "Ana Núñez", "email": "Ana@Contoso.example", "preferred_username": "ana"],
            subjectClaim: "sub"
        )
        #expect(full.subject == "abc" && full.displayName == "Ana Núñez" && full.email == "Ana@Contoso.example")
        #expect(full.preferredUsername == "ana@contoso.example")
        // Entra ID without the email claim: the UPN-like preferred_username is the address.
        let entra = SignInProfile(
            claims: ["oid": "o-1", "preferred_username": "bo@fabrikam.example"],
            subjectClaim: "oid"
        )
        #expect(
            entra.subject == "o-1" && entra.email == "bo@fabrikam.example" && entra.displayName == "bo@fabrikam.example"
        )
        // Nothing but a subject that is no user name: no preferred user name; control characters go.
        let bare = SignInProfile(claims: ["sub": "id|42", "name": "Eve\u{7}\nWright"], subjectClaim: "sub")
        #expect(bare.preferredUsername == nil && bare.displayName == "EveWright")
        // An address the provider has not verified names nobody.
        let unverified = SignInProfile(
            claims: ["sub": "s", "email": "ceo@contoso.example", "email_verified": false],
            subjectClaim: "sub"
        )
        #expect(unverified.preferredUsername == nil && unverified.email == nil)
        let long = SignInProfile(
            claims: ["sub": "s", "name": .string(String(repeating: "x", count: 500))],
            subjectClaim: "sub"
        )
        #expect(long.displayName.count == TextLimits.Field.displayName.maximum)
    }

    @Test func missingAccessSaysWhatToAskFor() {
        let bound = Self.issuer
        #expect(bound.missingAccess(claims: ["sub": "a"]).joined().contains("no wids claim"))
        #expect(
            bound.missingAccess(claims: ["wids": ["b79fbf4d-3ef9-4689-8143-76b194e85509"]]).joined().contains(
                "Global reader"
            )
        )
        let grouped = ExternalIssuer(
            issuer: "https://id.example.com",
            audience: nil,
            mappings: [
                .init(claim: "groups", value: "g-secret-id", grant: .role(.globalReader, organizationID: "contoso"))
            ]
        )
        let absent = grouped.missingAccess(claims: [:]).joined()
        #expect(absent.contains("no groups claim"))
        let other = grouped.missingAccess(claims: ["groups": ["g-other"]]).joined()
        #expect(
            other.contains("groups claim holds none") && !other.contains("g-secret-id"),
            "the values looked for stay hidden"
        )
        #expect(
            Self.multiTenant.missingAccess(claims: ["tid": "99999999-2222-3333-4444-555555555555"]).joined().contains(
                "not bound"
            )
        )
    }

    @Test func theIssuersFileDescribesSignIn() throws {
        let text = """
            {"issuers": [
              {"issuer": "http://127.0.0.1:9400", "wids": "contoso",
               "signIn": {"name": "Test directory", "clientId": "posture", "clientSecretEnv": "OIDC_SECRET", "scopes": ["email"]}},
              {"issuer": "https://login.microsoftonline.com/{tenantid}/v2.0",
               "discoveryUrl": "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
               "wids": {"11111111-2222-3333-4444-555555555555": "contoso"},
               "signIn": {"name": "Entra ID", "clientId": "app"}}
            ]}
            """
        let issuers = try ExternalIssuer.decodeList(text, file: "issuers.json", environment: ["OIDC_SECRET": "s3cret"])
        #expect(issuers.count == 2)
        #expect(
            issuers[0].signIn
                == SignInSettings(
                    name: "Test directory",
                    clientID: "posture",
                    clientSecret: "s3cret",
                    scopes: ["openid", "email"]
                )
        )
        #expect(issuers[0].audience == nil, "a sign-in entry needs no API audience")
        #expect(
            issuers[1].isMultiTenant
                && issuers[1].tenantOrganizations == ["11111111-2222-3333-4444-555555555555": "contoso"]
        )
        #expect(issuers[1].signIn?.clientSecret == nil && issuers[1].signIn?.scopes == SignInSettings.defaultScopes)
    }

    @Test(
        arguments: [
            (
                #"{"issuers": [{"issuer": "https://a.example", "wids": "contoso",\#n "signIn": {"name": "A", "clientId": "c", "clientSecretEnv": "UNSET"}}]}"#,
                "issuers.json:2: issuers[0]: signIn.clientSecretEnv: names the environment variable UNSET, which is not set"
            ),
            (
                #"{"issuers": [{"issuer": "https://a.example", "wids": "contoso", "signIn": {"name": "A"}}]}"#,
                "issuers[0]: signIn.clientId: missing required field"
            ),
            (
                #"{"issuers": [{"issuer": "https://a.example", "wids": "contoso"}]}"#,
                "issuers[0]: audience: missing required field"
            ),
            (
                #"{"issuers": [{"issuer": "https://a.example", "wids": "contoso", "signIn": {"name": "A", "clientId": "c", "secret": "x"}}]}"#,
                "issuers[0]: signIn.secret: unknown field"
            ),
            (
                #"{"issuers": [{"issuer": "https://login.example/{tenantid}/v2.0", "wids": "contoso", "signIn": {"name": "A", "clientId": "c"}}]}"#,
                "discoveryUrl: a multi-tenant issuer needs its discovery document"
            ),
            (
                #"{"issuers": [{"issuer": "https://login.example/{tenantid}/v2.0", "discoveryUrl": "https://login.example/d", "wids": "contoso", "signIn": {"name": "A", "clientId": "c"}}]}"#,
                "wids: a multi-tenant issuer binds each tenant"
            ),
            (
                #"{"issuers": [{"issuer": "https://login.example/{tenantid}/v2.0", "audience": "api", "discoveryUrl": "https://login.example/d", "wids": {"11111111-2222-3333-4444-555555555555": "contoso"}, "signIn": {"name": "A", "clientId": "c"}}]}"#,
                "audience: a multi-tenant issuer ({tenantid}) serves sign-in only"
            ),
            (
                #"{"issuers": [{"issuer": "https://a.example", "wids": "contoso", "signIn": {"name": "Same", "clientId": "c"}}, {"issuer": "https://b.example", "wids": "contoso", "signIn": {"name": "same", "clientId": "c"}}]}"#,
                "two sign-in buttons have the same signIn.name"
            ),
            (
                #"{"issuers": [{"issuer": "https://a.example", "wids": "contoso", "signIn": {"name": "A", "clientId": "c", "scopes": ["openid profile"]}}]}"#,
                "signIn.scopes: a scope is one word"
            ),
            (
                #"{"issuers": [{"issuer": "https://login.example/{tenantid}/v2.0", "discoveryUrl": "https://login.example/d", "wids": {"11111111-2222-3333-4444-555555555555": "contoso"}, "roles": [{"claim": "roles", "value": "Admin", "instanceAdministrator": true}], "signIn": {"name": "A", "clientId": "c"}}]}"#,
                "roles: a multi-tenant issuer grants roles by each tenant's directory roles (wids) only"
            ),
            (
                #"{"issuers": [{"issuer": "https://a.example", "audience": "c", "wids": "contoso", "signIn": {"name": "A", "clientId": "c"}}]}"#,
                "audience: must differ from signIn.clientId"
            ),
        ]
    )
    func aMisconfiguredProviderIsReportedWithItsLineAndField(_ text: String, _ expected: String) {
        do {
            _ = try ExternalIssuer.decodeList(text, file: "issuers.json")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}

/// Rate limits and caps count an IPv6 client by its /64: one host usually holds a whole one.
@Suite struct ClientLimitKeyTests {
    @Test(
        arguments: [
            ("192.0.2.7", "192.0.2.7"),
            ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
            ("2001:0db8:0001:0002::", "2001:db8:1:2::/64"),
            ("[2001:db8::1]", "2001:db8:0:0::/64"),
            ("fe80::1%eth0", "fe80:0:0:0::/64"),
            ("::1", "0:0:0:0::/64"),
            ("::ffff:198.51.100.4", "198.51.100.4"),
            ("unknown", "unknown"),
        ]
    )
    func keys(_ address: String, _ key: String) {
        #expect(ClientAddress.limitKey(address) == key)
    }
}
