import Foundation
import JWTKit
import PostureAPI
import PostureCore
import Testing
import Vapor

/// ID tokens of a dashboard sign-in, signed for real by a local issuer: the signature is checked
/// with the issuer's published keys (a token without `kid` only when there is one key), then the
/// claims by ``IDTokenCheck``.
@Suite struct IDTokenVerificationTests {
    struct IDClaims: JWTPayload {
        var iss: String
        var aud: [String]
        var sub: String
        var exp: Int
        var iat: Int
        var nonce: String

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func sign(
        _ issuer: TestIssuer,
        key: JWTKit.Insecure.RSA.PrivateKey,
        kid: String? = nil,
        audience: String = "posture-dashboard",
        expiresIn: Int = 300,
        now: Date
    ) async throws -> String {
        let collection = JWTKeyCollection()
        await collection.add(rsa: key, digestAlgorithm: .sha256, kid: kid.map { JWKIdentifier(string: $0) })
        let seconds = Int(now.timeIntervalSince1970)
        let claims = IDClaims(
            iss: issuer.base,
            aud: [audience],
            sub: "ana",
            exp: seconds + expiresIn,
            iat: seconds,
            nonce: "n-1"
        )
        return try await collection.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    @Test func idTokensAreCheckedWithTheIssuersKeysThenByTheirClaims() async throws {
        let issuer = try await TestIssuer.start()
        do {
            let now = Date()
            let configuration = ExternalIssuer(
                issuer: issuer.base,
                audience: nil,
                mappings: [],
                directoryRolesOrganization: "contoso",
                signIn: SignInSettings(name: "Test", clientID: "posture-dashboard")
            )
            let clock = PostureClock { now }
            let keys = IssuerKeys(configuration: configuration, client: issuer.app.client, clock: clock)
            let key = try #require(issuer.signingKey("k1"))
            func check(_ token: String) async throws -> IDTokenCheck.Problem? {
                let claims = try await keys.verifiedClaims(token)
                return IDTokenCheck.problem(
                    claims: claims,
                    issuer: configuration,
                    clientID: "posture-dashboard",
                    nonce: "n-1",
                    now: now
                )
            }
            // No kid: the issuer's only key.
            #expect(try await check(try await Self.sign(issuer, key: key, now: now)) == nil)
            #expect(try await check(try await Self.sign(issuer, key: key, kid: "k1", now: now)) == nil)
            #expect(
                try await check(try await Self.sign(issuer, key: key, audience: "someone-else", now: now))
                    == .wrongAudience
            )
            #expect(try await check(try await Self.sign(issuer, key: key, expiresIn: -120, now: now)) == .expired)
            await #expect(throws: TokenError.self, "signed by a key the issuer never published") {
                _ = try await keys.verifiedClaims(try await Self.sign(issuer, key: try TestIssuer.newKey(), now: now))
            }

            // Two published keys: a token must say which.
            try issuer.addKey("k2")
            let fresh = IssuerKeys(configuration: configuration, client: issuer.app.client, clock: clock)
            do {
                _ = try await fresh.verifiedClaims(try await Self.sign(issuer, key: key, now: now))
                Issue.record("a token without kid was accepted among several keys")
            } catch {
                #expect("\(error)".contains("names no key"))
            }
            #expect(
                try await fresh.verifiedClaims(try await Self.sign(issuer, key: key, kid: "k1", now: now))["sub"]
                    == "ana"
            )
        } catch {
            try? await issuer.stop()
            throw error
        }
        try await issuer.stop()
    }
}
