import Foundation
import PostureCore
import SQLKit

/// Channels: their settings, and their secrets (a webhook's signing secret, a Teams URL, an SMTP
/// password) sealed with the connection key. The sealed text is bound to the channel's kind and id,
/// so a secret cannot be moved to another channel.
extension PostureStore {
    /// Stores a new channel with its secret; the caller shows a webhook's secret once.
    public func createChannel(_ channel: OutboundChannel, secret: String) async throws {
        guard let key = connectionKey else { throw ConnectionKeyError.cannotSeal }
        let sealed = try key.seal(secret, for: Self.secretContext(channel.kind, channel.id))
        try await sql.raw(
            """
            INSERT INTO channels (id, organization_id, kind, name, url, events, settings, sealed_secret, created_at,
                created_by)
            VALUES (\(bind: channel.id), \(bind: channel.organizationID.rawValue), \(bind: channel.kind.rawValue),
                \(bind: channel.name), \(bind: channel.target),
                \(bind: channel.events.map(\.rawValue).joined(separator: " ")),
                \(bind: Self.settingsText(channel)),
                \(bind: sealed),
                \(bind: channel.createdAt.timeIntervalSince1970), \(bind: channel.createdBy))
            """
        ).run()
    }

    public func channels(_ organizationID: OrganizationID) async throws -> [OutboundChannel] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.channelColumns) FROM channels
            WHERE organization_id = \(bind: organizationID.rawValue) ORDER BY created_at, id
            """
        ).all().map(OutboundChannel.init(row:))
    }

    public func channel(_ organizationID: OrganizationID, id: String) async throws -> OutboundChannel? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.channelColumns) FROM channels
            WHERE organization_id = \(bind: organizationID.rawValue) AND id = \(bind: id)
            """
        ).first().map(OutboundChannel.init(row:))
    }

    /// A channel with its secret and, during a rotation, its previous one, opened: what sending
    /// needs, in one read.
    public func channelForSending(
        _ organizationID: OrganizationID,
        id: String,
        at now: Date
    ) async throws -> (channel: OutboundChannel, secret: String, previousSecret: String?)? {
        guard
            let row = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.channelColumns), sealed_secret, previous_sealed_secret, previous_expires_at
                FROM channels WHERE organization_id = \(bind: organizationID.rawValue) AND id = \(bind: id)
                """
            ).first()
        else { return nil }
        let channel = try OutboundChannel(row: row)
        // A channel turned off sends nothing: its secrets stay sealed.
        guard channel.isEnabled else { return (channel, "", nil) }
        guard let key = connectionKey else { throw ConnectionKeyError.cannotOpen }
        let context = Self.secretContext(channel.kind, channel.id)
        let secret = try key.open(try row.decode(column: "sealed_secret", as: String.self), for: context)
        var previous: String?
        if let sealed = try row.decodeIfPresent(column: "previous_sealed_secret", as: String.self),
            let until = try row.decodeIfPresent(column: "previous_expires_at", as: Double.self),
            until > now.timeIntervalSince1970
        {
            previous = try key.open(sealed, for: context)
        }
        return (channel, secret, previous)
    }

    /// Replaces a channel's secret; the one it replaces stays valid until `previousUntil` (nil:
    /// not at all). One statement: the right-hand sides read the row as it was. False when there
    /// is no such channel.
    public func rotateChannelSecret(
        _ channel: OutboundChannel,
        secret: String,
        previousUntil: Date?
    ) async throws -> Bool {
        guard let key = connectionKey else { throw ConnectionKeyError.cannotSeal }
        let sealed = try key.seal(secret, for: Self.secretContext(channel.kind, channel.id))
        return try await !sql.raw(
            """
            UPDATE channels SET previous_sealed_secret = \(unsafeRaw: previousUntil == nil ? "NULL" : "sealed_secret"),
                previous_expires_at = \(bind: previousUntil?.timeIntervalSince1970), sealed_secret = \(bind: sealed)
            WHERE id = \(bind: channel.id) AND organization_id = \(bind: channel.organizationID.rawValue)
            RETURNING id
            """
        ).all().isEmpty
    }

    /// Removes a channel and cancels what it still had to send; false when there was none.
    public func deleteChannel(_ organizationID: OrganizationID, id: String, at now: Date) async throws -> Bool {
        let removed = try await !sql.raw(
            """
            DELETE FROM channels WHERE organization_id = \(bind: organizationID.rawValue) AND id = \(bind: id)
            RETURNING id
            """
        ).all().isEmpty
        if removed { try await cancelDeliveries(channelID: id, at: now, reason: "the channel was removed") }
        return removed
    }

    /// Turns a channel off (a 410 Gone) and cancels what it still had to send.
    public func disableChannel(_ id: String, at now: Date, reason: String) async throws {
        try await sql.raw(
            """
            UPDATE channels SET disabled_at = \(bind: now.timeIntervalSince1970), disabled_reason = \(bind: reason)
            WHERE id = \(bind: id) AND disabled_at IS NULL
            """
        ).run()
        try await cancelDeliveries(channelID: id, at: now, reason: reason)
    }

    /// A channel's settings as stored: its kind's own, as JSON.
    static func settingsText(_ channel: OutboundChannel) -> String? {
        channel.mail.map { StoredJSON.encode($0) } ?? channel.serviceNow.map { StoredJSON.encode($0) }
            ?? channel.planner.map { StoredJSON.encode($0) }
    }

    /// Webhook secrets were sealed as `webhook:<id>` before other kinds existed; every kind keeps
    /// that shape.
    static func secretContext(_ kind: ChannelKind, _ id: String) -> String { kind.rawValue + ":" + id }

    static let channelColumns =
        "id, organization_id, kind, name, url, events, settings, created_at, created_by, disabled_at, disabled_reason"

    /// The organization's channels, their sealed secrets and its delivery log: part of deleting
    /// the organization, so a later organization of the same id sends nowhere.
    func deleteOutbound(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM deliveries WHERE organization_id = \(bind: organizationID.rawValue)").run()
        try await sql.raw("DELETE FROM channels WHERE organization_id = \(bind: organizationID.rawValue)").run()
        try await deleteAlerts(organizationID)
        try await deleteShares(organizationID)
        try await deleteTickets(organizationID)
        try await deleteDigestSubscriptions(organizationID)
        try await deleteReportSchedules(organizationID)
    }
}

extension OutboundChannel {
    init(row: any SQLRow) throws {
        let kind = ChannelKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .webhook
        let settings = try row.decodeIfPresent(column: "settings", as: String.self)
        self.init(
            id: try row.decode(column: "id", as: String.self),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
            kind: kind,
            name: try row.decode(column: "name", as: String.self),
            target: try row.decode(column: "url", as: String.self),
            events: try row.decode(column: "events", as: String.self).split(separator: " ")
                .compactMap { OutboundEventType(rawValue: String($0)) },
            mail: kind == .email ? try settings.map { try StoredJSON.decode(MailSettings.self, $0) } : nil,
            serviceNow: kind == .servicenow
                ? try settings.map { try StoredJSON.decode(ServiceNowSettings.self, $0) } : nil,
            planner: kind == .planner ? try settings.map { try StoredJSON.decode(PlannerSettings.self, $0) } : nil,
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            createdBy: try row.decode(column: "created_by", as: String.self),
            disabledAt: try row.decodeIfPresent(column: "disabled_at", as: Double.self).map(
                Date.init(timeIntervalSince1970:)
            ),
            disabledReason: try row.decodeIfPresent(column: "disabled_reason", as: String.self)
        )
    }
}
