import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Entities an organization leaves out of an action's count (break-glass accounts, service
/// accounts), with reason, owner and expiry. Read-write roles manage them; every change is scored
/// at once and audited.
struct ExclusionRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("exclusions", use: list)
        organization.put("actions", ":action", "exclusions", ":entity", use: set)
        organization.delete("actions", ":action", "exclusions", ":entity", use: remove)
    }

    struct ExclusionDTO: Encodable {
        var actionId: String
        var entity: String
        var reason: String
        var owner: String?
        var expiresAt: Date?
        var active: Bool
        var createdAt: Date
        var createdBy: String
    }

    struct ExclusionList: Encodable { var value: [ExclusionDTO] }

    func dto(_ stored: StoredExclusion) -> ExclusionDTO {
        ExclusionDTO(
            actionId: stored.actionID,
            entity: stored.exclusion.entity,
            reason: stored.exclusion.reason,
            owner: stored.exclusion.owner,
            expiresAt: stored.exclusion.expiresAt,
            active: stored.exclusion.isActive(asOf: dependencies.clock.now()),
            createdAt: stored.createdAt,
            createdBy: stored.createdBy
        )
    }

    @Sendable func list(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let exclusions = try await service.exclusions(
            id,
            actionID: request.queryValue("actionId").map(ActionID.init(rawValue:))
        )
        return try JSONResponse.encode(ExclusionList(value: exclusions.map(dto)))
    }

    /// `{"reason": "…", "owner": "…", "expiresAt": "2027-01-01"}`; the entity is in the path.
    @Sendable func set(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let actionID = ActionID(request.parameters.get("action") ?? "")
        let entity = request.parameters.get("entity") ?? ""
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["reason", "owner", "expiresAt"])
        let reason = reader.string("reason")
        let owner = reader.string("owner", required: false)
        let expiresAt = reader.date("expiresAt")
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "reason")
        }
        let exclusion = Exclusion(entity: entity, reason: reason ?? "", owner: owner, expiresAt: expiresAt)
        let report = try await service.setExclusion(
            id,
            actionID: actionID,
            exclusion,
            actor: request.actor,
            requestID: request.id
        )
        let stored = try await service.exclusions(id, actionID: actionID).first { $0.exclusion.entity == entity }
        struct Response: Encodable {
            var exclusion: ExclusionDTO?
            var action: ScoreDocument.Action?
        }
        let document = ScoreDocument(report: report, organization: nil)
        return try JSONResponse.encode(
            Response(exclusion: stored.map(dto), action: document.actions.first { $0.id == actionID.rawValue })
        )
    }

    @Sendable func remove(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        let actionID = ActionID(request.parameters.get("action") ?? "")
        let entity = request.parameters.get("entity") ?? ""
        guard
            try await service.removeExclusion(
                id,
                actionID: actionID,
                entity: entity,
                actor: request.actor,
                requestID: request.id
            )
        else { throw APIError.notFound("no exclusion of \"\(entity)\" from \(actionID)") }
        return Response(status: .noContent)
    }
}
