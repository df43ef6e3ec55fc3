import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// A page that holds the alert and channel forms: an organization's Settings, or the instance's
/// Alerts page. Its forms post to the same handlers, which ask the page whose rules and channels
/// they change, and draw the page again with what happened.
protocol OutboundPage: Sendable {
    var service: PostureService { get }

    /// Whose alerts and channels a form changes, and who is changing them; throws when the
    /// person may not.
    func outboundOwner(_ request: Request) async throws -> (id: OrganizationID, actor: String)

    /// The page again, with a message, errors, or a webhook's new secret shown once.
    func drawOutbound(
        _ request: Request,
        message: String?,
        errors: [String],
        webhookSecret: (String, String)?,
        status: HTTPStatus
    ) async throws -> Response

    /// Back to the page with the saved message, scrolled to `section`.
    func backToOutbound(_ request: Request, _ saved: String, section: String?) -> Response
}

extension OutboundPage {
    func renderOutbound(
        _ request: Request,
        message: String? = nil,
        errors: [String] = [],
        webhookSecret: (String, String)? = nil,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        try await drawOutbound(
            request,
            message: message,
            errors: errors,
            webhookSecret: webhookSecret,
            status: status
        )
    }

    /// The form routes, under `base` (`…/settings` or `/instance`).
    func registerOutbound(on routes: any RoutesBuilder) {
        routes.post("alerts", use: saveAlerts)
        routes.post("channels", use: addChannel)
        routes.post("channels", ":channel", "test", use: testChannel)
        routes.post("channels", ":channel", "remove", use: removeChannel)
        routes.post("channels", ":channel", "rotate", use: rotateWebhook)
    }
}

extension SettingsRoutes: OutboundPage {
    func outboundOwner(_ request: Request) async throws -> (id: OrganizationID, actor: String) {
        let context = try await connectionContext(request)
        return (context.id, context.web.user.username)
    }

    func drawOutbound(
        _ request: Request,
        message: String?,
        errors: [String],
        webhookSecret: (String, String)?,
        status: HTTPStatus
    ) async throws -> Response {
        try await render(request, message: message, errors: errors, webhookSecret: webhookSecret, status: status)
    }

    func backToOutbound(_ request: Request, _ saved: String, section: String?) -> Response {
        back(request, saved, section: section)
    }
}
