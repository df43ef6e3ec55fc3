import Foundation
import PostureCore
import SQLKit

/// Tickets raised for shared actions, with the state last read from their system.
extension PostureStore {
    /// Records a ticket, or the newer state of one already known (by channel and system id).
    /// Returns the ticket as stored and the state it had before (nil: new).
    @discardableResult
    public func upsertTicket(_ ticket: Ticket) async throws -> (ticket: Ticket, previous: Ticket?) {
        let previous = try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.ticketColumns) FROM tickets
            WHERE channel_id = \(bind: ticket.channelID) AND external_id = \(bind: ticket.externalID)
            """
        ).first().map(Ticket.init(row:))
        if let previous {
            try await sql.raw(
                """
                UPDATE tickets SET number = \(bind: ticket.number), state = \(bind: ticket.state),
                    active = \(bind: ticket.active), updated_at = \(bind: ticket.updatedAt.timeIntervalSince1970)
                WHERE id = \(bind: previous.id)
                """
            ).run()
            var stored = previous
            stored.number = ticket.number
            stored.state = ticket.state
            stored.active = ticket.active
            stored.updatedAt = ticket.updatedAt
            return (stored, previous)
        }
        try await sql.raw(
            """
            INSERT INTO tickets (id, organization_id, action_id, channel_id, external_id, number, state, active, url,
                created_at, updated_at)
            VALUES (\(bind: ticket.id), \(bind: ticket.organizationID.rawValue), \(bind: ticket.actionID),
                \(bind: ticket.channelID), \(bind: ticket.externalID), \(bind: ticket.number), \(bind: ticket.state),
                \(bind: ticket.active), \(bind: ticket.url), \(bind: ticket.createdAt.timeIntervalSince1970),
                \(bind: ticket.updatedAt.timeIntervalSince1970))
            """
        ).run()
        return (ticket, nil)
    }

    /// The organization's tickets, newest change first: the open ones only when `openOnly`, one
    /// action's when `actionID` is given.
    public func tickets(
        _ organizationID: OrganizationID,
        actionID: String? = nil,
        openOnly: Bool = false,
        limit: Int = 50
    ) async throws -> [Ticket] {
        var query = SQLQueryString(
            "SELECT \(unsafeRaw: Self.ticketColumns) FROM tickets WHERE organization_id = \(bind: organizationID.rawValue)"
        )
        if let actionID {
            query.appendInterpolation(unsafeRaw: " AND action_id = ")
            query.appendInterpolation(bind: actionID)
        }
        if openOnly {
            query.appendInterpolation(unsafeRaw: " AND active = ")
            query.appendInterpolation(bind: true)
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY updated_at DESC, id DESC LIMIT \(max(1, min(limit, 500)))")
        return try await sql.raw(query).all().map(Ticket.init(row:))
    }

    /// Every ServiceNow and Planner channel of every organization: what the ticket poller reads.
    public func ticketChannels() async throws -> [OutboundChannel] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.channelColumns) FROM channels
            WHERE kind IN (\(bind: ChannelKind.servicenow.rawValue), \(bind: ChannelKind.planner.rawValue))
                AND disabled_at IS NULL
            ORDER BY organization_id, id
            """
        ).all().map(OutboundChannel.init(row:))
    }

    func deleteTickets(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM tickets WHERE organization_id = \(bind: organizationID.rawValue)").run()
    }

    static let ticketColumns =
        "id, organization_id, action_id, channel_id, external_id, number, state, active, url, created_at, updated_at"
}

extension Ticket {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.decode(column: "id", as: String.self),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
            actionID: try row.decode(column: "action_id", as: String.self),
            channelID: try row.decode(column: "channel_id", as: String.self),
            externalID: try row.decode(column: "external_id", as: String.self),
            number: try row.decode(column: "number", as: String.self),
            state: try row.decode(column: "state", as: String.self),
            active: try row.decode(column: "active", as: Bool.self),
            url: try row.decode(column: "url", as: String.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            updatedAt: Date(timeIntervalSince1970: try row.decode(column: "updated_at", as: Double.self))
        )
    }
}
