import Foundation
import PostureCore
import PostureStore

/// Tickets raised for shared actions: read back from their systems on a schedule, each change of
/// state announced (`ticket.updated`) to the organization's channels that want it.
extension PostureService {
    /// The organization's tickets, newest change first (the open ones only when `openOnly`).
    public func tickets(
        _ organizationID: OrganizationID,
        actionID: String? = nil,
        openOnly: Bool = false,
        limit: Int = 50
    ) async throws -> [Ticket] {
        _ = try await organization(organizationID)
        return try await store.tickets(organizationID, actionID: actionID, openOnly: openOnly, limit: limit)
    }

    /// The same for an organization the caller has just read.
    public func tickets(of organization: StoredOrganization, openOnly: Bool, limit: Int) async throws -> [Ticket] {
        try await store.tickets(organization.id, actionID: nil, openOnly: openOnly, limit: limit)
    }

    /// Reads every ticket channel's tickets (one query per channel: ServiceNow by the
    /// organization's correlation prefix, Planner by the plan's tasks), records what changed and
    /// queues `ticket.updated` for each change. Returns how many tickets changed; a channel that
    /// cannot be read is skipped and named.
    @discardableResult
    public func refreshTickets(using senders: OutboundSenders) async throws -> (changed: Int, failures: [String]) {
        var changed = 0
        var failures: [String] = []
        for channel in try await store.ticketChannels() {
            let known = Dictionary(
                try await store.tickets(channel.organizationID, limit: 500).filter { $0.channelID == channel.id }
                    .map { ($0.externalID, $0) },
                uniquingKeysWith: { first, _ in first }
            )
            guard !known.isEmpty else { continue }
            let result = try await currentTickets(of: channel, senders: senders)
            guard case .success(let current) = result else {
                if case .failure(let failure) = result { failures.append("\(channel.id): \(failure.message)") }
                continue
            }
            for now in current {
                guard let ticket = known[now.externalID], ticket.state != now.state || ticket.active != now.active
                else { continue }
                var updated = ticket
                updated.number = now.number
                updated.state = now.state
                updated.active = now.active
                updated.updatedAt = clock.now()
                try await announce(updated, channel: channel)
                changed += 1
            }
        }
        return (changed, failures)
    }

    /// A ticket as its system shows it now.
    struct TicketReading {
        var externalID: String
        var number: String
        var state: String
        var active: Bool
    }

    /// The channel's tickets as its system shows them now.
    private func currentTickets(
        of channel: OutboundChannel,
        senders: OutboundSenders
    ) async throws -> Result<[TicketReading], TicketReadFailure> {
        switch channel.kind {
        case .servicenow:
            guard let settings = channel.serviceNow,
                let sealed = try await store.channelForSending(channel.organizationID, id: channel.id, at: clock.now()),
                let credentials = ServiceNowCredentials(sealedText: sealed.secret)
            else { return .success([]) }
            return await senders.tickets.records(
                query: ServiceNowTableAPI.organizationQuery(channel.organizationID),
                settings: settings,
                credentials: credentials
            ).map { records in
                records.map {
                    TicketReading(externalID: $0.sysID, number: $0.number, state: $0.state, active: $0.active)
                }
            }
        case .planner:
            guard let planner = channel.planner,
                let signIn = try? await connectionSignIn(channel.organizationID)
            else { return .failure(TicketReadFailure("the organization has no Microsoft 365 connection")) }
            return await senders.tasks.tasks(
                in: planner,
                connection: signIn.connection.settings,
                credential: signIn.credential
            ).map { tasks in
                tasks.map { TicketReading(externalID: $0.id, number: "Planner", state: $0.state, active: $0.isOpen) }
            }
        default:
            return .success([])
        }
    }

    /// Records a ticket's new state and queues `ticket.updated`, in one transaction.
    func announce(_ ticket: Ticket, channel: OutboundChannel) async throws {
        let organization = try await organization(ticket.organizationID)
        let title = catalog[ticket.actionID]?.title ?? ticket.actionID
        let event = OutboundEvent(
            type: .ticketUpdated,
            timestamp: ticket.updatedAt,
            data: JSONObject([
                ("organizationId", .string(ticket.organizationID.rawValue)),
                ("organizationName", .string(organization.organization.displayName)),
                ("actionId", .string(ticket.actionID)), ("title", .string(title)), ("number", .string(ticket.number)),
                ("state", .string(ticket.state)), ("active", .bool(ticket.active)), ("ticketUrl", .string(ticket.url)),
                ("system", .string(channel.kind.rawValue)),
            ])
        )
        try await store.transaction { store in
            try await store.upsertTicket(ticket)
            try await self.enqueue(event, for: ticket.organizationID, store: store)
        }
    }
}
