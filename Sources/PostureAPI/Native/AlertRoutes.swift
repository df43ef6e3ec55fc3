import Foundation
import PostureCore
import PostureServices
import Vapor

/// An organization's alert rules: every role that reads the organization sees them; read-write
/// roles change them with a merge (`PATCH`: what the body leaves out stays).
struct AlertRoutes {
    let dependencies: APIDependencies
    /// Under `/instance`: the instance-wide rules, for instance administrators.
    var instance = false

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("alerts", use: show)
        organization.patch("alerts", use: update)
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        let id = try request.authorizeOwner(.read, instance: instance)
        return JSONResponse.make(try await service.alertRules(id).json)
    }

    @Sendable func update(_ request: Request) async throws -> Response {
        let id = try request.authorizeOwner(.changeState, instance: instance)
        let body = try request.jsonBody()
        let rules = try await service.updateAlertRules(id, actor: request.actor, requestID: request.id) { rules in
            try rules.merging(body)
        }
        return JSONResponse.make(rules.json)
    }
}
