import Foundation
import JWTKit
import NIOConcurrencyHelpers
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import Testing
import Vapor
import VaporTesting
import _CryptoExtras

@testable import PostureServices

/// A small OpenID Connect issuer on 127.0.0.1 with its own RSA keys: discovery, JWKS and signing.
final class TestIssuer: Sendable {
    let app: Application
    let base: String
    private let keys: NIOLockedValueBox<[(kid: String, key: JWTKit.Insecure.RSA.PrivateKey)]>
    let jwksFetches = NIOLockedValueBox(0)

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim
        var roles: [String]?
        var groups: [String]?
        var scp: String?
        var wids: [String]?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private init(app: Application, base: String, keys: [(String, JWTKit.Insecure.RSA.PrivateKey)]) {
        self.app = app
        self.base = base
        self.keys = NIOLockedValueBox(keys)
    }

    static func start() async throws -> TestIssuer {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        let holder = NIOLockedValueBox<TestIssuer?>(nil)
        app.get(".well-known", "openid-configuration") { _ -> Response in
            let base = holder.withLockedValue { $0!.base }
            return try JSONResponseBody.make(["issuer": base, "jwks_uri": base + "/keys"])
        }
        app.get("keys") { _ -> Response in
            let issuer = holder.withLockedValue { $0! }
            issuer.jwksFetches.withLockedValue { $0 += 1 }
            let keys = try issuer.keys.withLockedValue { keys in
                try keys.map { kid, key -> [String: String] in
                    let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
                    return [
                        "kty": "RSA", "use": "sig", "kid": kid, "n": TestIssuer.base64URL(modulus),
                        "e": TestIssuer.base64URL(exponent),
                    ]
                }
            }
            return try JSONResponseBody.make(["keys": keys])
        }
        try app.server.start()
        let port = try #require(app.http.server.shared.localAddress?.port)
        let issuer = TestIssuer(
            app: app,
            base: "http://127.0.0.1:\(port)",
            keys: [("k1", try Self.newKey())]
        )
        holder.withLockedValue { $0 = issuer }
        return issuer
    }

    static func newKey() throws -> JWTKit.Insecure.RSA.PrivateKey {
        try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    /// The private key published under `kid`.
    func signingKey(_ kid: String) -> JWTKit.Insecure.RSA.PrivateKey? {
        keys.withLockedValue { keys in keys.first { $0.kid == kid }?.key }
    }

    func addKey(_ kid: String) throws {
        let key = try Self.newKey()
        keys.withLockedValue { $0.append((kid, key)) }
    }

    func token(
        kid: String = "k1",
        issuer: String? = nil,
        audience: String = "api://posture",
        expiresIn: TimeInterval = 3600,
        roles: [String]? = ["SecurityEvents.ReadWrite.All"],
        groups: [String]? = ["posture-contoso-readers"],
        subject: String = "ana@contoso.example",
        wids: [String]? = nil,
        now: Date = APIHarness.now,
        signingKey: JWTKit.Insecure.RSA.PrivateKey? = nil
    ) async throws -> String {
        let stored: JWTKit.Insecure.RSA.PrivateKey? = keys.withLockedValue { keys in
            keys.first { $0.kid == kid }?.key
        }
        let key = try #require(signingKey ?? stored)
        let collection = JWTKeyCollection()
        await collection.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        let claims = Claims(
            iss: .init(value: issuer ?? base),
            aud: .init(value: [audience]),
            sub: .init(value: subject),
            exp: .init(value: now.addingTimeInterval(expiresIn)),
            nbf: .init(value: now.addingTimeInterval(-60)),
            roles: roles,
            groups: groups,
            scp: nil,
            wids: wids
        )
        return try await collection.sign(claims, kid: JWKIdentifier(string: kid))
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

enum JSONResponseBody {
    static func make(_ object: Any) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(
            status: .ok,
            headers: headers,
            body: .init(data: try JSONSerialization.data(withJSONObject: object))
        )
    }
}

/// Tokens from a configured external issuer are accepted, mapped to roles by their claims, and
/// refused when anything about them is wrong.
@Suite struct ExternalIssuerTests {
    static func configuration(_ issuer: TestIssuer) -> ExternalIssuer {
        ExternalIssuer(
            issuer: issuer.base,
            audience: "api://posture",
            subjectClaim: "sub",
            mappings: [
                ClaimRoleMapping(
                    claim: "groups",
                    value: "posture-contoso-readers",
                    grant: .role(.securityReader, organizationID: "contoso")
                ),
                ClaimRoleMapping(
                    claim: "groups",
                    value: "posture-fabrikam-admins",
                    grant: .role(.securityAdministrator, organizationID: "fabrikam")
                ),
            ]
        )
    }

    /// The same payload and signature under a header that names another algorithm.
    static func relabel(_ token: String, alg: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let header = TestIssuer.base64URL(Data(#"{"alg":"\#(alg)","kid":"k1","typ":"JWT"}"#.utf8))
        return ([header] + parts.dropFirst()).joined(separator: ".")
    }

    /// An Entra ID tenant bound to an organization: the directory roles in `wids` are the
    /// person's Secure Score roles there, the strongest of them and of the mapped claims wins, and
    /// roles Secure Score does not know grant nothing.
    @Test func directoryRolesInWidsAreRoles() async throws {
        let issuer = try await TestIssuer.start()
        var bound = Self.configuration(issuer)
        bound.directoryRolesOrganization = "contoso"
        let issuers = [bound]
        let configure: @Sendable (inout PostureConfiguration) -> Void = { $0.externalIssuers = issuers }
        let securityAdministrator = "194ae4cb-b126-40b2-bd5b-6091b380977d"
        let globalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
        let defaultUser = "b79fbf4d-3ef9-4689-8143-76b194e85509"
        do {
            try await APIHarness.with(configure: configure) { harness in
                let status = "/api/v1/organizations/contoso/actions/PIMEnabled/status"
                let administrator = try await issuer.token(wids: [defaultUser, securityAdministrator])
                let written = try await harness.send(
                    .PUT,
                    status,
                    token: administrator,
                    json: #"{"status": "planned"}"#
                )
                #expect(
                    written.status == .ok,
                    "Security administrator writes, over the mapped reader role: \(written.body)"
                )
                let reader = try await issuer.token(groups: nil, wids: [globalReader, defaultUser])
                #expect(
                    try await harness.send(.GET, "/api/v1/organizations/contoso/score", token: reader).status == .ok
                )
                #expect(
                    try await harness.send(.PUT, status, token: reader, json: #"{"status": "planned"}"#).status
                        == .forbidden
                )
                #expect(
                    try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: reader).status
                        == .notFound,
                    "directory roles count in the bound organization only"
                )
                let nobody = try await issuer.token(groups: nil, wids: [defaultUser])
                let refused = try await harness.send(.GET, "/api/v1/organizations/contoso/score", token: nobody)
                #expect(refused.status == .unauthorized || refused.status == .notFound, "\(refused.status)")
            }
        } catch {
            try? await issuer.stop()
            throw error
        }
        try await issuer.stop()
    }

    @Test func issuerTokensAreAcceptedMappedAndRefusedWhenWrong() async throws {
        let issuer = try await TestIssuer.start()
        let instant = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        let issuers = [Self.configuration(issuer)]
        let configure: @Sendable (inout PostureConfiguration) -> Void = { $0.externalIssuers = issuers }
        do {
            try await APIHarness.with(clock: clock, configure: configure) { harness in
                let reader = try await issuer.token()
                let score = try await harness.send(.GET, "/api/v1/organizations/contoso/score", token: reader)
                #expect(score.status == .ok, "\(score.body)")
                #expect(
                    try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: reader).status
                        == .notFound,
                    "no role in fabrikam"
                )
                let write = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/actions/PIMEnabled/status",
                    token: reader,
                    json: #"{"status": "planned"}"#
                )
                #expect(write.status == .forbidden, "the mapped role is read-only")

                // Two groups: a role in each organization; the Graph API then needs ?organization=.
                let both = try await issuer.token(groups: ["posture-contoso-readers", "posture-fabrikam-admins"])
                let patched = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/fabrikam/actions/PIMEnabled/status",
                    token: both,
                    json: #"{"status": "planned"}"#
                )
                #expect(patched.status == .ok, "\(patched.body)")
                let audit = try await harness.runtime.service.store.auditEntries(organizationID: "fabrikam")
                #expect(
                    audit.last?.actor == "\(issuer.base)#ana@contoso.example",
                    "the actor names the issuer and subject"
                )
                let graph = try await harness.send(.GET, "/v1.0/security/secureScores?$top=1", token: both)
                #expect(graph.status == .badRequest && graph.body.contains("organization"))

                let refused: [(String, String)] = [
                    ("wrong audience", try await issuer.token(audience: "api://someone-else")),
                    ("expired", try await issuer.token(expiresIn: -120)),
                    ("no mapped role", try await issuer.token(groups: ["other-group"])),
                    ("no scope", try await issuer.token(roles: ["Directory.Read.All"])),
                    ("no subject", try await issuer.token(subject: "")),
                    ("unconfigured issuer", try await issuer.token(issuer: "https://login.example.com/other")),
                    ("signed by a key not in the JWKS", try await issuer.token(signingKey: try TestIssuer.newKey())),
                    // The JWKS declares no alg, so the RSA key stands for RS256 only.
                    ("a PS256 header over an RS256 signature", Self.relabel(try await issuer.token(), alg: "PS256")),
                    ("an RS384 header over an RS256 signature", Self.relabel(try await issuer.token(), alg: "RS384")),
                ]
                for (what, token) in refused {
                    let response = try await harness.send(.GET, "/api/v1/organizations/contoso/score", token: token)
                    #expect(response.status == .unauthorized, "\(what): \(response.status)")
                }

                // The keys were fetched once and cached.
                #expect(issuer.jwksFetches.withLockedValue { $0 } == 1)
                // A new key at the issuer: its first token triggers one refresh (a minute after the last).
                try issuer.addKey("k2")
                instant.withLockedValue { $0 = $0.addingTimeInterval(61) }
                let rotated = try await issuer.token(kid: "k2", now: instant.withLockedValue { $0 })
                #expect(
                    try await harness.send(.GET, "/api/v1/organizations/contoso/score", token: rotated).status == .ok
                )
                #expect(issuer.jwksFetches.withLockedValue { $0 } == 2)
                // Unknown key ids right after a refresh do not make the server fetch again.
                let unknown = try await issuer.token(
                    kid: "k9",
                    now: instant.withLockedValue { $0 },
                    signingKey: try TestIssuer.newKey()
                )
                #expect(
                    try await harness.send(.GET, "/api/v1/organizations/contoso/score", token: unknown).status
                        == .unauthorized
                )
                #expect(issuer.jwksFetches.withLockedValue { $0 } == 2)
            }
        } catch {
            try? await issuer.stop()
            throw error
        }
        try await issuer.stop()
    }
}
