import Foundation
import JWTKit
import NIOConcurrencyHelpers
import PostureCore

/// The two Graph scopes of the secure-score API.
public enum APIScope: String, CaseIterable, Sendable {
    case read = "SecurityEvents.Read.All"
    case readWrite = "SecurityEvents.ReadWrite.All"
}

/// Who is calling: the subject, the organizations it may see and the scopes it holds.
public struct Principal: Sendable, Equatable {
    public var subject: String
    /// One organization id, or nil for an instance-wide token that sees every organization.
    public var organizationID: String?
    public var scopes: Set<APIScope>

    public var canWrite: Bool { scopes.contains(.readWrite) }
    public var canRead: Bool { !scopes.isEmpty }

    public func canSee(_ organizationID: String) -> Bool {
        self.organizationID.map { $0 == organizationID } ?? true
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
    /// Organization id, or `*` for every organization.
    var org: String
    /// Space-separated scopes, as in Entra ID's `scp`.
    var scp: String

    // Time-dependent checks run in `TokenService.verify` against the injected clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Issues and verifies bearer tokens with one HMAC-SHA256 secret (at least 32 bytes).
public struct TokenService: Sendable {
    public static let issuer = "posture"
    public static let audience = "posture-api"
    public static let minimumSecretLength = 32

    private let keys: JWTKeyCollection
    private let clock: PostureClock
    /// Tokens already verified: the signature check is the costly part; expiry is re-checked.
    private let verified = NIOLockedValueBox<[String: (principal: Principal, expires: Date)]>([:])

    public init(secret: [UInt8], clock: PostureClock) async throws {
        guard secret.count >= Self.minimumSecretLength else {
            throw TokenError.secretTooShort(secret.count)
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: "posture-hs256")
        self.clock = clock
    }

    /// A signed token for `organizationID` (nil: every organization) valid for `lifetime` seconds.
    public func issue(
        subject: String,
        organizationID: String?,
        scopes: [APIScope],
        lifetime: TimeInterval
    ) async throws
        -> String
    {
        let now = clock.now()
        let claims = AccessTokenClaims(
            iss: .init(value: Self.issuer),
            aud: .init(value: [Self.audience]),
            sub: .init(value: subject),
            iat: .init(value: now),
            nbf: .init(value: now.addingTimeInterval(-5)),
            exp: .init(value: now.addingTimeInterval(lifetime)),
            org: organizationID ?? "*",
            scp: scopes.map(\.rawValue).joined(separator: " ")
        )
        return try await keys.sign(claims, kid: "posture-hs256")
    }

    /// Checks signature, issuer, audience and validity period; returns the caller.
    public func verify(_ token: String) async throws(TokenError) -> Principal {
        let now = clock.now()
        if let hit = verified.withLockedValue({ $0[token] }) {
            guard hit.expires > now else { throw TokenError.invalid("the token has expired") }
            return hit.principal
        }
        let principal = try await verifyUncached(token, now: now)
        verified.withLockedValue { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[token] = principal
        }
        return principal.principal
    }

    private func verifyUncached(
        _ token: String,
        now: Date
    ) async throws(TokenError) -> (principal: Principal, expires: Date) {
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
        let principal = Principal(
            subject: claims.sub.value,
            organizationID: claims.org == "*" ? nil : claims.org,
            scopes: scopes
        )
        return (principal, claims.exp.value)
    }
}

public enum TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    case secretTooShort(Int)
    case invalid(String)

    public var description: String {
        switch self {
        case .secretTooShort(let count):
            "the token signing secret must be at least \(TokenService.minimumSecretLength) bytes, got \(count)"
        case .invalid(let reason): reason
        }
    }
}
