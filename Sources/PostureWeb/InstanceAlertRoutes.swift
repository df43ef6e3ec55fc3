import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The instance's Alerts page: instance administrators set the instance-wide rules and channels;
/// everyone else is refused.
struct InstanceAlertRoutes: OutboundPage {
    let dependencies: WebDependencies

    var service: PostureService { dependencies.service }

    func register(on signedIn: any RoutesBuilder) {
        let instance = signedIn.grouped("instance")
        instance.get("alerts", use: page)
        registerOutbound(on: instance)
    }

    func administrator(_ request: Request) throws -> WebUser {
        let web = try request.webUser
        guard web.user.instanceAdministrator else {
            throw WebError.forbidden("Only instance administrators manage instance-wide alerts.")
        }
        return web
    }

    static let messages = [
        "alerts": "Instance-wide rules saved.",
        "channel-test": "Test message queued: it leaves within a second; the delivery log shows how it went.",
        "channel-removed": "Channel removed; what it still had to send is cancelled.",
    ]

    @Sendable func page(_ request: Request) async throws -> Response {
        try await renderOutbound(request, message: Self.messages[request.query[String.self, at: "saved"] ?? ""])
    }

    func outboundOwner(_ request: Request) async throws -> (id: OrganizationID, actor: String) {
        (.instance, try administrator(request).user.username)
    }

    func drawOutbound(
        _ request: Request,
        message: String?,
        errors: [String],
        webhookSecret: (String, String)?,
        status: HTTPStatus
    ) async throws -> Response {
        let web = try administrator(request)
        var channels = try await channelSection(.instance, canWrite: true, newSecret: webhookSecret)
        channels.offersTickets = false
        let view = InstanceAlertsView(
            signedIn: web.signedIn,
            alerts: try await alertSection(.instance, canWrite: true),
            channels: channels,
            message: message,
            errors: errors
        )
        return WebPages.html(view.render(), status: status)
    }

    func backToOutbound(_ request: Request, _ saved: String, section: String?) -> Response {
        request.redirect(to: "/instance/alerts?saved=\(saved)" + (section.map { "#" + $0 } ?? ""))
    }
}
