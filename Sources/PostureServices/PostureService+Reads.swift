import Foundation
import PostureCore
import PostureStore

/// The stored state as routes and commands read it. The store itself stays inside the services;
/// these reads pass through unchanged, so a later rule (a limit, a cache, an access check) has
/// one place to go.
extension PostureService {
    /// The organization, or nil when there is none (``organization(_:)`` throws instead).
    public func findOrganization(_ id: OrganizationID) async throws -> StoredOrganization? {
        try await store.organization(id)
    }

    /// Every organization; lists of many use ``organizationPage(_:visible:)`` instead.
    public func organizations() async throws -> [StoredOrganization] {
        try await store.organizations()
    }

    /// Ids and names of at most `limit` organizations among `visible` (nil: all), in id order.
    public func organizationNames(
        among visible: [OrganizationID]?,
        limit: Int
    ) async throws -> [(id: OrganizationID, name: String)] {
        try await store.organizationNames(among: visible, limit: limit)
    }

    public func organizationCount() async throws -> Int {
        try await store.organizationCount()
    }

    public func measurements(_ organizationID: OrganizationID) async throws -> [ActionMeasurement] {
        try await store.measurements(organizationID)
    }

    public func statuses(_ organizationID: OrganizationID) async throws -> [StatusRecord] {
        try await store.statuses(organizationID)
    }

    public func statusHistory(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil
    ) async throws -> [StatusRecord] {
        try await store.statusHistory(organizationID, actionID: actionID)
    }

    public func tags(_ organizationID: OrganizationID) async throws -> [String: [String]] {
        try await store.tags(organizationID)
    }

    public func changes(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil,
        from: Date? = nil,
        to: Date? = nil
    ) async throws -> [ChangeEntry] {
        try await store.changes(organizationID, actionID: actionID, from: from, to: to)
    }

    /// A page of the change log after sequence `after` (see ``PostureStore/changePage``).
    public func changePage(
        _ organizationID: OrganizationID,
        actionID: ActionID? = nil,
        from: Date? = nil,
        to: Date? = nil,
        after: Int64,
        limit: Int,
        matching: (ChangeEntry) -> Bool = { _ in true }
    ) async throws -> (entries: [(sequence: Int64, entry: ChangeEntry)], more: Bool) {
        try await store.changePage(
            organizationID,
            actionID: actionID,
            from: from,
            to: to,
            after: after,
            limit: limit,
            matching: matching
        )
    }

    public func recentChanges(_ organizationID: OrganizationID, limit: Int) async throws -> [ChangeEntry] {
        try await store.recentChanges(organizationID, limit: limit)
    }

    public func snapshot(_ organizationID: OrganizationID, day: CivilDay) async throws -> DailySnapshot? {
        try await store.snapshot(organizationID, day: day)
    }

    /// Snapshots newest first within `[from, to]`, at most `limit`.
    public func snapshots(
        _ organizationID: OrganizationID,
        from: CivilDay? = nil,
        to: CivilDay? = nil,
        limit: Int? = nil
    ) async throws -> [DailySnapshot] {
        try await store.snapshots(organizationID, from: from, to: to, limit: limit)
    }

    public func snapshotCount(_ organizationID: OrganizationID) async throws -> Int {
        try await store.snapshotCount(organizationID)
    }

    /// Zones and custom comparison in one read.
    public func settings(
        _ organizationID: OrganizationID
    ) async throws -> (zones: ScoreZones, comparison: CustomComparison?) {
        try await store.settings(organizationID)
    }

    public func auditPage(organizationID: OrganizationID, after sequence: Int, limit: Int) async throws -> [AuditEntry]
    {
        try await store.auditPage(organizationID: organizationID, after: sequence, limit: limit)
    }

    /// Entries in sequence order, all of them or one organization's (`posture audit export`).
    public func auditEntries(
        organizationID: OrganizationID? = nil,
        after sequence: Int = 0,
        limit: Int? = nil
    ) async throws
        -> [AuditEntry]
    {
        try await store.auditEntries(organizationID: organizationID, after: sequence, limit: limit)
    }

    /// Walks the audit chain (`posture audit verify`), and says since when entries are signed.
    public func verifyAudit() async throws -> (verdict: AuditChain.Verdict, signedFrom: Int?) {
        (try await store.verifyAudit(), store.auditKey?.from)
    }

    public func client(_ clientID: String) async throws -> StoredClient? {
        try await store.client(clientID)
    }

    public func clients(organizationID: OrganizationID? = nil) async throws -> [StoredClient] {
        try await store.clients(organizationID: organizationID)
    }

    /// The client when `secret` is its secret and it is not revoked. Hashes are compared in
    /// constant time, and unknown clients cost the same, so timing says nothing.
    public func authenticatedClient(_ clientID: String, secret: String) async throws -> StoredClient? {
        let client = try await store.client(clientID)
        let presented = PostureStore.secretHash(secret)
        let expected = client?.secretHash ?? String(repeating: "0", count: 64)
        guard let client, ConstantTime.equal(presented, expected), !client.isRevoked else { return nil }
        return client
    }

    public func issuedTokens(organizationID: OrganizationID? = nil) async throws -> [IssuedToken] {
        try await store.issuedTokens(organizationID: organizationID)
    }

    /// Throws when the database does not answer (`/readyz`).
    public func ping() async throws {
        try await store.ping()
    }

    /// Runs `body` unless another node holds the named lock; nil when it did not run.
    public func withJobLock<T: Sendable>(
        _ name: String,
        _ body: @escaping @Sendable () async throws -> T
    )
        async throws -> T?
    {
        try await store.withJobLock(name, body)
    }
}

extension IdentityService {
    public func users() async throws -> [StoredUser] {
        try await store.users()
    }

    /// The provider accounts people sign in with, with the roles their last sign-in brought.
    public func identities() async throws -> [StoredIdentity] {
        try await store.identities()
    }

    public func userCount() async throws -> Int {
        try await store.userCount()
    }

    public func members(of organizationID: OrganizationID) async throws -> [(user: StoredUser, role: Role)] {
        try await store.members(of: organizationID)
    }
}
