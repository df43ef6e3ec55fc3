import Foundation
import JWTKit
import PostureCore
import Vapor

/// Verifies access tokens from configured external OpenID Connect issuers. Each issuer's keys come
/// from its JWKS, are cached, and are fetched again when a token names an unknown `kid` (at most
/// once a minute, so random key ids cannot make us hammer the issuer) or after a day.
public struct ExternalTokenVerifier: Sendable {
    /// Clock skew tolerated on `exp` and `nbf` of tokens from other systems.
    static let leeway: TimeInterval = 60
    static let algorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]

    private let issuers: [String: IssuerKeys]
    private let clock: PostureClock

    public init(issuers: [ExternalIssuer], client: any Client, clock: PostureClock) {
        // Entries without an audience serve dashboard sign-in only.
        self.issuers = Dictionary(
            uniqueKeysWithValues: issuers.filter { $0.audience != nil }.map {
                ($0.issuer, IssuerKeys(configuration: $0, client: client, clock: clock))
            }
        )
        self.clock = clock
    }

    public func handles(issuer: String) -> Bool { issuers[issuer] != nil }

    /// True when no outside issuer is configured: then no token needs its payload read to pick a
    /// verifier.
    public var isEmpty: Bool { issuers.isEmpty }

    public func verify(_ token: String, issuer: String) async throws(TokenError) -> Principal {
        guard let keys = issuers[issuer], let audience = keys.configuration.audience else {
            throw TokenError.invalid("the token was issued by someone else")
        }
        let claims = try await keys.verifySignature(token, as: ExternalClaims.self)
        let configuration = keys.configuration
        let now = clock.now()
        guard claims.iss.value == configuration.issuer else {
            throw TokenError.invalid("the token was issued by someone else")
        }
        guard claims.aud.value.contains(audience) else {
            throw TokenError.invalid("the token is not for this API")
        }
        guard claims.exp.value.addingTimeInterval(Self.leeway) > now else {
            throw TokenError.invalid("the token has expired")
        }
        if let nbf = claims.nbf, nbf.value > now.addingTimeInterval(Self.leeway) {
            throw TokenError.invalid("the token is not valid yet")
        }
        // The signature is valid, so the payload can be read as a whole for the claim mapping.
        let payload = try UnverifiedJWT.payload(token)
        let scopes = ExternalIssuer.scopes(claims: payload)
        guard !scopes.isEmpty else { throw TokenError.invalid("the token carries no SecurityEvents scope") }
        let access = configuration.access(claims: payload)
        guard !access.isEmpty else { throw TokenError.invalid("none of the token's claims maps to a role") }
        // The subject is the actor in the audit log: without it, callers could not be told apart.
        guard case .string(let subject) = payload[configuration.subjectClaim], !subject.isEmpty else {
            throw TokenError.invalid("the token has no \(configuration.subjectClaim) claim")
        }
        return Principal(subject: "\(configuration.issuer)#\(subject)", access: access, scopes: scopes)
    }

    /// The issuer named by a token's payload, read before any verification to pick the verifier.
    static func unverifiedIssuer(_ token: String) -> String? {
        guard let payload = try? UnverifiedJWT.payload(token), case .string(let issuer) = payload["iss"] else {
            return nil
        }
        return issuer
    }
}

/// The registered claims every external token must carry.
struct ExternalClaims: JWTPayload {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?

    // Time checks run in ``ExternalTokenVerifier`` against the injected clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// No claims: for checking a signature alone.
struct SignatureOnly: JWTPayload {
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// What an issuer's JWKS says about one key: its type and the one algorithm it verifies.
struct PublishedKey: Sendable, Equatable {
    var keyType: String
    var algorithm: String

    /// A token's header must name exactly the key's algorithm.
    func accepts(_ alg: String) -> Bool { algorithm == alg }

    /// The algorithm a key without `alg` stands for: RS256 for RSA (what every major issuer signs
    /// with), ES256 or ES384 by curve. Pinning it stops a header from choosing another padding
    /// or hash for the same key (a PS256 header over an RS256 signature).
    static func defaultAlgorithm(keyType: String, curve: String?) -> String? {
        switch (keyType, curve) {
        case ("RSA", _): "RS256"
        case ("EC", "P-256"): "ES256"
        case ("EC", "P-384"): "ES384"
        default: nil
        }
    }

    /// The JWKS with every key's algorithm made explicit, and `kid` → key. Keys without a `kid`,
    /// or whose algorithm cannot be known, are dropped: a token could not name them anyway.
    static func pin(_ data: Data) -> (jwks: Data, keys: [String: PublishedKey])? {
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let keys = document["keys"] as? [[String: Any]]
        else { return nil }
        var pinned: [[String: Any]] = []
        var published: [String: PublishedKey] = [:]
        for var key in keys {
            guard let kid = key["kid"] as? String, let type = key["kty"] as? String,
                let alg = (key["alg"] as? String) ?? defaultAlgorithm(keyType: type, curve: key["crv"] as? String),
                ExternalTokenVerifier.algorithms.contains(alg)
            else { continue }
            key["alg"] = alg
            pinned.append(key)
            published[kid] = PublishedKey(keyType: type, algorithm: alg)
        }
        guard let rewritten = try? JSONSerialization.data(withJSONObject: ["keys": pinned]) else { return nil }
        return (rewritten, published)
    }
}

/// One issuer's key cache, and the signature check of its tokens (API access tokens and
/// dashboard ID tokens alike).
public actor IssuerKeys {
    public nonisolated let configuration: ExternalIssuer
    private let client: any Client
    private let clock: PostureClock
    private var collection = JWTKeyCollection()
    private var kids: [String: PublishedKey] = [:]
    private var fetchedAt: Date?

    static let minimumRefreshInterval: TimeInterval = 60
    static let maximumAge: TimeInterval = 86_400

    public init(configuration: ExternalIssuer, client: any Client, clock: PostureClock) {
        self.configuration = configuration
        self.client = client
        self.clock = clock
    }

    /// The token's payload once its signature is verified with one of the issuer's keys: the
    /// header's `kid` names it, or, when the issuer publishes a single key, a header without `kid`
    /// means that one. The key decides the algorithm, not the token: a header naming another
    /// algorithm than the key's (declared, or pinned by its type) is refused before verifying.
    public func verifySignature<Payload: JWTPayload>(
        _ token: String,
        as payload: Payload.Type
    ) async throws(TokenError) -> Payload {
        let header = try UnverifiedJWT.header(token)
        guard let alg = header["alg"] as? String, ExternalTokenVerifier.algorithms.contains(alg) else {
            throw TokenError.invalid("the token's algorithm is not accepted")
        }
        let (collection, key) = try await collection(containing: header["kid"] as? String)
        guard key.accepts(alg) else { throw TokenError.invalid("the token's algorithm does not match its key") }
        do {
            return try await collection.verify(token, as: Payload.self)
        } catch {
            throw TokenError.invalid("the token's signature or format is invalid")
        }
    }

    /// The whole payload of a token whose signature is verified; the caller checks the claims.
    public func verifiedClaims(_ token: String) async throws(TokenError) -> JSONObject {
        _ = try await verifySignature(token, as: SignatureOnly.self)
        return try UnverifiedJWT.payload(token)
    }

    func collection(containing named: String?) async throws(TokenError) -> (JWTKeyCollection, PublishedKey) {
        let now = clock.now()
        let stale = fetchedAt.map { now.timeIntervalSince($0) > Self.maximumAge } ?? true
        let mayRefresh = fetchedAt.map { now.timeIntervalSince($0) >= Self.minimumRefreshInterval } ?? true
        let missing = named.map { kids[$0] == nil } ?? kids.isEmpty
        if stale || (missing && mayRefresh) {
            do {
                try await refresh(now: now)
            } catch {
                // Keep serving the keys we have; without any, say why tokens fail.
                if kids.isEmpty { throw TokenError.invalid("the issuer's keys could not be fetched") }
            }
        }
        // Without a kid, JWTKit verifies with its default key: allowed only when it is the only one.
        guard let kid = named ?? (kids.count == 1 ? kids.keys.first : nil) else {
            throw TokenError.invalid("the token names no key and the issuer publishes several")
        }
        guard let key = kids[kid] else { throw TokenError.invalid("the token's key id is unknown") }
        return (collection, key)
    }

    private func refresh(now: Date) async throws {
        fetchedAt = now
        var jwksURL = configuration.jwksURL
        if jwksURL == nil {
            let response = try await client.get(URI(string: configuration.discoveryDocumentURL)) {
                $0.timeout = .seconds(10)
            }
            guard response.status == .ok, let body = response.body,
                let document = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                let uri = document["jwks_uri"] as? String, ExternalIssuer.isTrustedURL(uri)
            else { throw Abort(.badGateway) }
            jwksURL = uri
        }
        let response = try await client.get(URI(string: jwksURL!)) { $0.timeout = .seconds(10) }
        guard response.status == .ok, let body = response.body else { throw Abort(.badGateway) }
        guard let (pinned, published) = PublishedKey.pin(Data(body.readableBytesView)) else {
            throw Abort(.badGateway)
        }
        let jwks = try JSONDecoder().decode(JWKS.self, from: pinned)
        let fresh = JWTKeyCollection()
        try await fresh.add(jwks: jwks)
        collection = fresh
        kids = published
    }
}
