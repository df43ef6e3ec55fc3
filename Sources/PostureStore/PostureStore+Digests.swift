import Foundation
import PostureCore
import SQLKit

/// People's weekly digests: who gets which organization's, at which address, and the week last
/// queued.
extension PostureStore {
    /// Subscribes the person, or changes their address (keeping the week last sent).
    public func saveDigestSubscription(_ subscription: DigestSubscription) async throws {
        try await sql.raw(
            """
            INSERT INTO digest_subscriptions (organization_id, username, email, created_at, last_sent_week)
            VALUES (\(bind: subscription.organizationID.rawValue), \(bind: subscription.username),
                \(bind: subscription.email), \(bind: subscription.createdAt.timeIntervalSince1970),
                \(bind: subscription.lastSentWeek?.description))
            ON CONFLICT (organization_id, username) DO UPDATE SET email = excluded.email
            """
        ).run()
    }

    /// Removes the person's subscription; whether there was one.
    @discardableResult
    public func deleteDigestSubscription(_ organizationID: OrganizationID, username: String) async throws -> Bool {
        let rows = try await sql.raw(
            """
            DELETE FROM digest_subscriptions
            WHERE organization_id = \(bind: organizationID.rawValue) AND username = \(bind: username)
            RETURNING username
            """
        ).all()
        return !rows.isEmpty
    }

    public func digestSubscription(
        _ organizationID: OrganizationID,
        username: String
    ) async throws -> DigestSubscription? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.digestColumns) FROM digest_subscriptions
            WHERE organization_id = \(bind: organizationID.rawValue) AND username = \(bind: username)
            """
        ).first().map(DigestSubscription.init(row:))
    }

    public func digestSubscriptions(_ organizationID: OrganizationID) async throws -> [DigestSubscription] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.digestColumns) FROM digest_subscriptions
            WHERE organization_id = \(bind: organizationID.rawValue) ORDER BY username
            """
        ).all().map(DigestSubscription.init(row:))
    }

    /// Subscriptions whose digest for `week` is not queued yet, at most `limit`.
    public func digestsDue(week: CivilDay, limit: Int) async throws -> [DigestSubscription] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.digestColumns) FROM digest_subscriptions
            WHERE last_sent_week IS NULL OR last_sent_week < \(bind: week.description)
            ORDER BY organization_id, username LIMIT \(bind: max(1, limit))
            """
        ).all().map(DigestSubscription.init(row:))
    }

    /// Records the week queued (or skipped) for the person; only moves forward.
    public func markDigestSent(_ organizationID: OrganizationID, username: String, week: CivilDay) async throws {
        try await sql.raw(
            """
            UPDATE digest_subscriptions SET last_sent_week = \(bind: week.description)
            WHERE organization_id = \(bind: organizationID.rawValue) AND username = \(bind: username)
                AND (last_sent_week IS NULL OR last_sent_week < \(bind: week.description))
            """
        ).run()
    }

    /// A person's subscriptions: every one (the person removed), or one organization's (their role
    /// there removed).
    public func deleteDigestSubscriptions(username: String, in organizationID: OrganizationID? = nil) async throws {
        if let organizationID {
            try await sql.raw(
                """
                DELETE FROM digest_subscriptions
                WHERE username = \(bind: username) AND organization_id = \(bind: organizationID.rawValue)
                """
            ).run()
        } else {
            try await sql.raw("DELETE FROM digest_subscriptions WHERE username = \(bind: username)").run()
        }
    }

    func deleteDigestSubscriptions(_ organizationID: OrganizationID) async throws {
        try await sql.raw(
            "DELETE FROM digest_subscriptions WHERE organization_id = \(bind: organizationID.rawValue)"
        ).run()
    }

    static let digestColumns = "organization_id, username, email, created_at, last_sent_week"
}

extension DigestSubscription {
    init(row: any SQLRow) throws {
        self.init(
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
            username: try row.decode(column: "username", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            lastSentWeek: try row.decodeIfPresent(column: "last_sent_week", as: String.self).flatMap(CivilDay.init)
        )
    }
}
