import Foundation
import NIOConcurrencyHelpers
import PostureCore
import PostureStore

/// Where issued tokens are recorded and checked, so a token can be revoked before it expires.
public protocol TokenRegistry: Sendable {
    func record(_ token: IssuedToken) async throws
    /// Whether a verified token may still be used: recorded, not revoked, and not older than the
    /// organization it names (a token must not open an organization created after it).
    func isUsable(tokenID: String, organizationID: OrganizationID, issuedAt: Date) async throws -> Bool
}

/// The registry in the database, with a short per-node memory so every request does not read it:
/// a revocation takes effect on every node within ``cacheLifetime``.
public final class StoreTokenRegistry: TokenRegistry {
    public static let cacheLifetime: TimeInterval = 5

    let store: PostureStore
    let clock: PostureClock
    private let checked = NIOLockedValueBox<[String: (usable: Bool, at: Date)]>([:])

    public init(store: PostureStore, clock: PostureClock) {
        self.store = store
        self.clock = clock
    }

    public func record(_ token: IssuedToken) async throws {
        try await store.recordIssuedToken(token)
    }

    public func isUsable(tokenID: String, organizationID: OrganizationID, issuedAt: Date) async throws -> Bool {
        let now = clock.now()
        if let hit = checked.withLockedValue({ $0[tokenID] }), now.timeIntervalSince(hit.at) < Self.cacheLifetime {
            return hit.usable
        }
        var usable = false
        if let token = try await store.issuedToken(tokenID), token.revokedAt == nil,
            token.organizationID == organizationID.rawValue
        {
            if organizationID == "*" {
                usable = true
            } else if let organization = try await store.organization(organizationID) {
                // One second of slack: the organization row and the token may share a clock tick.
                usable = organization.createdAt <= issuedAt.addingTimeInterval(1)
            }
        }
        checked.withLockedValue { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[tokenID] = (usable, now)
        }
        return usable
    }
}
