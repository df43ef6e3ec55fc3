import Crypto
import Foundation
import JWTKit
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import Testing
import VaporTesting

@testable import PostureServices

/// Every way a bearer token can be wrong is refused with a 401, and the published key set is the
/// one that verifies good tokens.
@Suite struct TokenRejectionTests {
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var sub: SubjectClaim
        var iat: IssuedAtClaim
        var nbf: NotBeforeClaim
        var exp: ExpirationClaim
        var org: String
        var rol: String?
        var scp: String
        var jti: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func claims(
        iss: String = "posture",
        aud: String = "posture-api",
        nbf: TimeInterval = -5,
        exp: TimeInterval = 3600,
        rol: String? = "securityAdministrator",
        jti: String? = "recorded-1"
    )
        -> Claims
    {
        let now = APIHarness.now
        return Claims(
            iss: .init(value: iss),
            aud: .init(value: [aud]),
            sub: .init(value: "forger"),
            iat: .init(value: now),
            nbf: .init(value: now.addingTimeInterval(nbf)),
            exp: .init(value: now.addingTimeInterval(exp)),
            org: "contoso",
            rol: rol,
            scp: "SecurityEvents.ReadWrite.All",
            jti: jti
        )
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/",
            with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    static func unsigned(header: String, claims: Claims) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return base64URL(Data(header.utf8)) + "." + base64URL(try encoder.encode(claims))
    }

    @Test func everyKindOfBadTokenIsRefused() async throws {
        try await APIHarness.with { harness in
            // The well-formed token below is the one recorded in the registry.
            try await harness.runtime.service.store.recordIssuedToken(
                IssuedToken(
                    tokenID: "recorded-1",
                    subject: "forger",
                    organizationID: "contoso",
                    role: .securityAdministrator,
                    scopes: ["SecurityEvents.ReadWrite.All"],
                    issuedAt: APIHarness.now,
                    expiresAt: APIHarness.now.addingTimeInterval(3600),
                    issuedBy: "test"
                )
            )
            let directory = harness.runtime.configuration.resolvedKeysDirectory
            let ours = try SigningKeyStore.load(from: directory).current
            let signer = JWTKeyCollection()
            await signer.add(ecdsa: ours.key, kid: JWKIdentifier(string: ours.kid))
            let stranger = JWTKeyCollection()
            await stranger.add(ecdsa: ES256PrivateKey(), kid: "stranger")
            let forger = JWTKeyCollection()
            await forger.add(ecdsa: ES256PrivateKey(), kid: JWKIdentifier(string: ours.kid))
            let kidHeader = #"{"alg":"ES256","typ":"JWT","kid":"\#(ours.kid)"}"#

            let publicPEM = ours.key.publicKey.pemRepresentation
            let hmacBody = try Self.unsigned(
                header: #"{"alg":"HS256","typ":"JWT","kid":"\#(ours.kid)"}"#,
                claims: Self.claims()
            )
            let hmac = HMAC<SHA256>.authenticationCode(
                for: Data(hmacBody.utf8),
                using: SymmetricKey(data: Data(publicPEM.utf8))
            )

            let good = try await signer.sign(Self.claims(), kid: JWKIdentifier(string: ours.kid))
            let cases: [(String, String)] = [
                ("expired", try await signer.sign(Self.claims(exp: -1), kid: JWKIdentifier(string: ours.kid))),
                ("not yet valid", try await signer.sign(Self.claims(nbf: 600), kid: JWKIdentifier(string: ours.kid))),
                ("no role", try await signer.sign(Self.claims(rol: nil), kid: JWKIdentifier(string: ours.kid))),
                (
                    "unknown role",
                    try await signer.sign(Self.claims(rol: "owner"), kid: JWKIdentifier(string: ours.kid))
                ),
                (
                    "wrong issuer",
                    try await signer.sign(Self.claims(iss: "someone-else"), kid: JWKIdentifier(string: ours.kid))
                ),
                (
                    "wrong audience",
                    try await signer.sign(Self.claims(aud: "another-api"), kid: JWKIdentifier(string: ours.kid))
                ),
                ("unknown kid", try await stranger.sign(Self.claims(), kid: "stranger")),
                ("forged with our kid", try await forger.sign(Self.claims(), kid: JWKIdentifier(string: ours.kid))),
                (
                    "alg none",
                    try Self.unsigned(
                        header: #"{"alg":"none","typ":"JWT","kid":"\#(ours.kid)"}"#,
                        claims: Self.claims()
                    ) + "."
                ),
                ("HS256 signed with the public key", hmacBody + "." + Self.base64URL(Data(hmac))),
                ("bad signature", String(good.dropLast(4)) + (good.hasSuffix("AAAA") ? "BBBB" : "AAAA")),
                ("not a JWT", "hello"),
                (
                    "never recorded",
                    try await signer.sign(Self.claims(jti: "nobody-1"), kid: JWKIdentifier(string: ours.kid))
                ),
                ("no token id", try await signer.sign(Self.claims(jti: nil), kid: JWKIdentifier(string: ours.kid))),
                ("header only", Self.base64URL(Data(kidHeader.utf8))),
            ]
            #expect(try await harness.send(.GET, "/v1.0/security/secureScores?$top=1", token: good).status == .ok)
            for (what, token) in cases {
                let response = try await harness.send(.GET, "/v1.0/security/secureScores?$top=1", token: token)
                #expect(response.status == .unauthorized, "\(what)")
                #expect(try graphErrorCode(response.body) == "InvalidAuthenticationToken", "\(what)")
            }
        }
    }

    @Test func publishedKeysVerifyIssuedTokensAndRotationKeepsOldOnes() async throws {
        try await APIHarness.with { harness in
            let jwks = try await harness.send(.GET, "/.well-known/jwks.json", token: nil)
            let published = JWTKeyCollection()
            try await published.add(jwksJSON: jwks.body)
            let token = try await harness.token()
            struct Any_: JWTPayload {
                var org: String
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            #expect(try await published.verify(token, as: Any_.self).org == "contoso")
            let discovery = try object(
                try await harness.send(.GET, "/.well-known/openid-configuration", token: nil).body
            )
            #expect((discovery["jwks_uri"] as? String)?.hasSuffix("/.well-known/jwks.json") == true)

            let directory = harness.runtime.configuration.resolvedKeysDirectory
            let before = try SigningKeyStore.load(from: directory)
            let rotated = try SigningKeyStore.create(in: directory, now: APIHarness.now)
            let after = try SigningKeyStore.load(from: directory)
            #expect(after.current.kid == rotated.kid && after.all.count == before.all.count + 1)
            let restarted = await TokenService(signing: after.current, all: after.all, clock: APIHarness.clock)
            #expect(
                try await restarted.verify(token).access == Access(roles: ["contoso": .securityReader]),
                "a token signed before the rotation"
            )
        }
    }
}
