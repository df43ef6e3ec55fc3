import Foundation
import PostureCore
import PostureServices
import Vapor

/// Sharing an improvement action: read-write roles send it by e-mail (through the organization's
/// e-mail channel) or to one of its channels; every role that reads the organization sees the
/// action's shares. (Anyone can copy the action's link: it is the dashboard's address.)
struct ShareRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.post("actions", ":action", "share", use: share)
        organization.get("actions", ":action", "shares", use: list)
    }

    struct ShareDTO: Encodable {
        var id: String
        var actionId: String
        var method: String
        var target: String
        var channelId: String
        var note: String
        var sharedBy: String
        var sharedAt: Date
        var deliveryId: String
        var state: String?

        init(_ share: ActionShare, state: DeliveryState?) {
            id = share.id
            actionId = share.actionID
            method = share.method.rawValue
            target = share.target
            channelId = share.channelID
            note = share.note
            sharedBy = share.sharedBy
            sharedAt = share.sharedAt
            deliveryId = share.deliveryID
            self.state = state?.rawValue
        }
    }

    /// `{"to": [addresses]}` or `{"channelId": "ch_…"}`, with an optional `note`: 202 with the share.
    @Sendable func share(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["to", "channelId", "note"])
        let to = reader.stringArray("to", required: false)
        let channelID = reader.string("channelId", required: false)
        let note = reader.string("note", required: false, allowEmpty: true) ?? ""
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "body")
        }
        let destination: ShareDestination
        switch (to, channelID) {
        case (let to?, nil): destination = .email(to)
        case (nil, let channel?): destination = .channel(channel)
        default: throw APIError.badRequest("give either to (e-mail addresses) or channelId", target: "to")
        }
        let share = try await service.shareAction(
            id,
            actionID: request.parameters.get("action") ?? "",
            to: destination,
            note: note,
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(ShareDTO(share, state: .pending), status: .accepted)
    }

    /// The action's shares, newest first, with each one's delivery state.
    @Sendable func list(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let shares = try await service.shares(id, actionID: request.parameters.get("action") ?? "")
        return try JSONResponse.encode(["value": shares.map { ShareDTO($0.share, state: $0.state) }])
    }
}
