import Foundation
import PostureCore
import SQLKit

/// Shares of improvement actions: an action's share history, each with its delivery.
extension PostureStore {
    public func insertShare(_ share: ActionShare) async throws {
        try await sql.raw(
            """
            INSERT INTO action_shares (id, organization_id, action_id, method, target, channel_id, note, shared_by,
                shared_at, delivery_id)
            VALUES (\(bind: share.id), \(bind: share.organizationID.rawValue), \(bind: share.actionID),
                \(bind: share.method.rawValue), \(bind: share.target), \(bind: share.channelID), \(bind: share.note),
                \(bind: share.sharedBy), \(bind: share.sharedAt.timeIntervalSince1970), \(bind: share.deliveryID))
            """
        ).run()
    }

    /// The action's shares, newest first, with the state of each one's delivery.
    public func shares(
        _ organizationID: OrganizationID,
        actionID: String,
        limit: Int
    ) async throws -> [(share: ActionShare, state: DeliveryState?)] {
        try await sql.raw(
            """
            SELECT s.id, s.organization_id, s.action_id, s.method, s.target, s.channel_id, s.note, s.shared_by,
                s.shared_at, s.delivery_id, d.state
            FROM action_shares s LEFT JOIN deliveries d ON d.id = s.delivery_id
            WHERE s.organization_id = \(bind: organizationID.rawValue) AND s.action_id = \(bind: actionID)
            ORDER BY s.shared_at DESC, s.id DESC LIMIT \(bind: max(1, min(limit, 100)))
            """
        ).all().map { row in
            (
                ActionShare(
                    id: try row.decode(column: "id", as: String.self),
                    organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
                    actionID: try row.decode(column: "action_id", as: String.self),
                    method: ShareMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .channel,
                    target: try row.decode(column: "target", as: String.self),
                    channelID: try row.decode(column: "channel_id", as: String.self),
                    note: try row.decode(column: "note", as: String.self),
                    sharedBy: try row.decode(column: "shared_by", as: String.self),
                    sharedAt: Date(timeIntervalSince1970: try row.decode(column: "shared_at", as: Double.self)),
                    deliveryID: try row.decode(column: "delivery_id", as: String.self)
                ),
                try row.decodeIfPresent(column: "state", as: String.self).flatMap(DeliveryState.init(rawValue:))
            )
        }
    }

    func deleteShares(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM action_shares WHERE organization_id = \(bind: organizationID.rawValue)").run()
    }
}
