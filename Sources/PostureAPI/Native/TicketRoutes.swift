import Foundation
import PostureCore
import PostureServices
import Vapor

/// Tickets raised for shared actions, with the state last read from their system: every role that
/// reads the organization sees them.
struct TicketRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("tickets", use: list)
    }

    struct TicketDTO: Encodable {
        var id: String
        var actionId: String
        var channelId: String
        var number: String
        var state: String
        var active: Bool
        var url: String
        var createdAt: Date
        var updatedAt: Date

        init(_ ticket: Ticket) {
            id = ticket.id
            actionId = ticket.actionID
            channelId = ticket.channelID
            number = ticket.number
            state = ticket.state
            active = ticket.active
            url = ticket.url
            createdAt = ticket.createdAt
            updatedAt = ticket.updatedAt
        }
    }

    /// Newest change first; `open=true` for the open ones, `actionId=` for one action's.
    @Sendable func list(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let open = try request.query.get(String?.self, at: "open")
        guard open == nil || open == "true" || open == "false" else {
            throw APIError.badRequest("open must be true or false", target: "open")
        }
        let tickets = try await service.tickets(
            id,
            actionID: try request.query.get(String?.self, at: "actionId"),
            openOnly: open == "true"
        )
        return try JSONResponse.encode(["value": tickets.map(TicketDTO.init)])
    }
}
