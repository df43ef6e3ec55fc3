import Foundation
import JWTKit
import NIOConcurrencyHelpers
import PostureCore
import PostureServices
import PostureStore

/// The two Graph scopes of the secure-score API.
public typealias APIScope = Scope

/// Who is calling: the subject, its roles and the scopes it holds.
public struct Principal: Sendable, Equatable {
    public var subject: String
    public var access: Access
    public var scopes: Set<Scope>
    /// The API client the token was issued to, when it came from the client-credentials grant.
    public var clientID: String?
    /// The token's recorded id, for tokens issued by `posture token create`.
    public var tokenID: String?

    public init(
        subject: String,
        access: Access,
        scopes: Set<Scope>,
        clientID: String? = nil,
        tokenID: String? = nil
    ) {
        self.subject = subject
        self.access = access
        self.scopes = scopes
        self.clientID = clientID
        self.tokenID = tokenID
    }

    public func decide(_ operation: AccessOperation, in organizationID: OrganizationID) -> AccessDecision {
        AccessPolicy.decide(operation, organizationID: organizationID, access: access, scopes: scopes)
    }

    /// The one organization the caller belongs to, when there is exactly one.
    public var onlyOrganization: String? {
        guard !access.instanceAdministrator, access.roles.count == 1 else { return nil }
        return access.roles.keys.first
    }

    /// Distinguishes callers whose responses may differ, for the response cache: roles and scopes,
    /// so a response one caller may see is never served to a caller the route would refuse.
    var cacheScope: String {
        let roles =
            access.instanceAdministrator
            ? "*"
            : access.roles.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ",")
        return roles + ";" + scopes.map(\.rawValue).sorted().joined(separator: " ")
    }
}

/// What one token of ours grants: every organization, or one role in one organization.
public enum TokenGrant: Sendable, Equatable {
    case instance
    case organization(String, Role)

    var access: Access {
        switch self {
        case .instance: .instance
        case .organization(let id, let role): Access(roles: [id: role])
        }
    }
}

/// Claims of the bearer tokens Posture issues.
struct AccessTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    /// Organization id, or `*` for every organization (an instance administrator).
    var org: String
    /// The role in `org`, as in ``Role``.
    var rol: String?
    /// Space-separated scopes, as in Entra ID's `scp`.
    var scp: String
    /// The API client, for tokens from the client-credentials grant (checked for revocation).
    var cid: String?
    /// The token's id in the registry, for tokens from `posture token create` (checked for revocation).
    var jti: IDClaim?

    // Time-dependent checks run in `TokenService.verify` against the injected clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// An ES256 (P-256) signing key and its key id.
public struct SigningKey: Sendable {
    public var kid: String
    public var key: ES256PrivateKey

    public init(kid: String, key: ES256PrivateKey) {
        self.kid = kid
        self.key = key
    }
}

/// Issues and verifies bearer tokens, signed with ES256. Tokens name their key (`kid`); every key
/// still in the key set verifies, so tokens signed before a rotation stay valid until they expire
/// or their key is retired. Tokens not bound to an API client are recorded in the registry and
/// checked against it, so they can be listed and revoked.
public struct TokenService: Sendable {
    public static let issuer = "posture"
    public static let audience = "posture-api"
    /// No token lives longer: a leaked token is useless after this at the latest.
    public static let maximumLifetime: TimeInterval = 90 * 86_400

    private let keys: JWTKeyCollection
    private let current: String
    private let known: Set<String>
    /// The public half of every key, as published at `/.well-known/jwks.json`.
    public let jwks: JSONValue
    private let clock: PostureClock
    private let registry: (any TokenRegistry)?
    /// Tokens already verified: the signature check is the costly part; expiry is re-checked.
    private let verified = NIOLockedValueBox<[String: (principal: Principal, expires: Date, issued: Date)]>([:])

    /// `signing` must be one of `all`.
    public init(
        signing: SigningKey,
        all: [SigningKey],
        clock: PostureClock,
        registry: (any TokenRegistry)? = nil
    ) async {
        self.registry = registry
        keys = JWTKeyCollection()
        for key in all {
            await keys.add(ecdsa: key.key, kid: JWKIdentifier(string: key.kid))
        }
        current = signing.kid
        known = Set(all.map(\.kid))
        jwks = .object(
            JSONObject([
                (
                    "keys",
                    .array(
                        all.compactMap { key in
                            guard let parameters = key.key.publicKey.parameters else { return nil }
                            return .object(
                                JSONObject([
                                    ("kty", .string("EC")), ("crv", .string("P-256")), ("use", .string("sig")),
                                    ("alg", .string("ES256")), ("kid", .string(key.kid)), ("x", .string(parameters.x)),
                                    ("y", .string(parameters.y)),
                                ])
                            )
                        }
                    )
                )
            ])
        )
        self.clock = clock
    }

    /// A signed token carrying `grant`, valid for `lifetime` seconds (at most ``maximumLifetime``).
    /// Without a `clientID` the token is recorded in the registry under a new id.
    public func issue(
        subject: String,
        grant: TokenGrant,
        scopes: [APIScope],
        lifetime: TimeInterval,
        clientID: String? = nil,
        issuedBy: String = "posture"
    ) async throws
        -> String
    {
        let now = clock.now()
        let lifetime = min(lifetime, Self.maximumLifetime)
        var tokenID: String?
        if clientID == nil, let registry {
            let id = UUID().uuidString.lowercased()
            let (organization, role): (String, Role?) =
                switch grant {
                case .instance: ("*", nil)
                case .organization(let id, let role): (id, role)
                }
            try await registry.record(
                IssuedToken(
                    tokenID: id,
                    subject: subject,
                    organizationID: organization,
                    role: role,
                    scopes: scopes.map(\.rawValue),
                    issuedAt: now,
                    expiresAt: now.addingTimeInterval(lifetime),
                    issuedBy: issuedBy
                )
            )
            tokenID = id
        }
        let (organization, role): (String, String?) =
            switch grant {
            case .instance: ("*", nil)
            case .organization(let id, let role): (id, role.rawValue)
            }
        let claims = AccessTokenClaims(
            iss: .init(value: Self.issuer),
            aud: .init(value: [Self.audience]),
            sub: .init(value: subject),
            iat: .init(value: now),
            nbf: .init(value: now.addingTimeInterval(-5)),
            exp: .init(value: now.addingTimeInterval(lifetime)),
            org: organization,
            rol: role,
            scp: scopes.map(\.rawValue).joined(separator: " "),
            cid: clientID,
            jti: tokenID.map { IDClaim(value: $0) }
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: current))
    }

    /// Checks signature, issuer, audience, validity period and (for recorded tokens) the registry;
    /// returns the caller.
    public func verify(_ token: String) async throws(TokenError) -> Principal {
        let now = clock.now()
        let checked: (principal: Principal, expires: Date, issued: Date)
        if let hit = verified.withLockedValue({ $0[token] }) {
            guard hit.expires > now else { throw TokenError.invalid("the token has expired") }
            checked = hit
        } else {
            checked = try await verifyUncached(token, now: now)
            verified.withLockedValue { cache in
                if cache.count >= 10_000 { cache.removeAll() }
                cache[token] = checked
            }
        }
        try await checkRegistry(checked.principal, issuedAt: checked.issued)
        return checked.principal
    }

    /// Tokens neither recorded nor bound to a client (minted by a release before the registry)
    /// cannot be revoked, so they are refused.
    private func checkRegistry(_ principal: Principal, issuedAt: Date) async throws(TokenError) {
        guard let registry, principal.clientID == nil else { return }
        guard let tokenID = principal.tokenID else {
            throw TokenError.invalid("the token is not recorded; create a new one with posture token create")
        }
        let organization = principal.access.instanceAdministrator ? "*" : (principal.onlyOrganization ?? "")
        let usable: Bool
        do {
            usable = try await registry.isUsable(
                tokenID: tokenID,
                organizationID: OrganizationID(organization),
                issuedAt: issuedAt
            )
        } catch {
            throw TokenError.invalid("the token could not be checked")
        }
        guard usable else { throw TokenError.invalid("the token was revoked") }
    }

    private func verifyUncached(
        _ token: String,
        now: Date
    ) async throws(TokenError) -> (principal: Principal, expires: Date, issued: Date) {
        try checkHeader(token)
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw TokenError.invalid("the token's signature or format is invalid")
        }
        guard claims.iss.value == Self.issuer else { throw TokenError.invalid("the token was issued by someone else") }
        guard claims.aud.value.contains(Self.audience) else {
            throw TokenError.invalid("the token is not for this API")
        }
        guard claims.exp.value > now else { throw TokenError.invalid("the token has expired") }
        guard claims.nbf.value <= now else { throw TokenError.invalid("the token is not valid yet") }
        let scopes = Set(claims.scp.split(separator: " ").compactMap { APIScope(rawValue: String($0)) })
        guard !scopes.isEmpty else { throw TokenError.invalid("the token carries no SecurityEvents scope") }
        let access: Access
        if claims.org == "*" {
            access = .instance
        } else {
            guard let role = claims.rol.flatMap(Role.init(rawValue:)) else {
                throw TokenError.invalid("the token names no role")
            }
            access = Access(roles: [claims.org: role])
        }
        let principal = Principal(
            subject: claims.sub.value,
            access: access,
            scopes: scopes,
            clientID: claims.cid,
            tokenID: claims.jti?.value
        )
        return (principal, claims.exp.value, claims.iat.value)
    }
}

extension TokenService {
    /// Refuses, before any signature work, tokens that are not ES256 or that name no key of ours:
    /// `alg: none`, an HMAC token "signed" with our public key, a forged or unknown `kid`.
    func checkHeader(_ token: String) throws(TokenError) {
        let header = try UnverifiedJWT.header(token)
        guard header["alg"] as? String == "ES256" else {
            throw TokenError.invalid("only ES256-signed tokens are accepted")
        }
        guard let kid = header["kid"] as? String, known.contains(kid) else {
            throw TokenError.invalid("the token's key id is unknown")
        }
    }
}

public enum TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
