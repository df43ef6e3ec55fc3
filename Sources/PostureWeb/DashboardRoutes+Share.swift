import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The flyout's share form: read-write roles send the action by e-mail to typed addresses or to
/// one of the organization's channels; what went wrong is said on the flyout by field.
extension DashboardRoutes {
    struct ShareForm: Content {
        var to: String?
        var channelId: String?
        var note: String?
    }

    @Sendable func share(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .actions,
            service: service,
            operation: .changeState
        )
        let actionID = request.parameters.get("action") ?? ""
        let form = (try? request.content.decode(ShareForm.self)) ?? ShareForm()
        let note = (form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let destination: ShareDestination
        if let channel = form.channelId, !channel.isEmpty {
            destination = .channel(channel)
        } else {
            destination = .email(EmailAddress.list(form.to ?? ""))
        }
        do {
            try await service.shareAction(
                context.id,
                actionID: actionID,
                to: destination,
                note: note,
                actor: context.web.user.username,
                requestID: request.id
            )
        } catch ServiceError.invalidConnection(let problems) {
            let labels = ["to": "Addresses:", "note": "The note"]
            return try await renderDetail(
                request,
                message: nil,
                errors: problems.map { "\(labels[$0.field] ?? $0.field) \($0.message)." },
                status: .badRequest
            )
        } catch ServiceError.channelNotFound {
            return try await renderDetail(
                request,
                message: nil,
                errors: ["That channel is gone or turned off; choose another."],
                status: .badRequest
            )
        } catch ServiceError.actionNotFound {
            throw WebError.notFound
        }
        return request.redirect(
            to: "/orgs/\(WebPath.segment(context.id))/actions/\(WebPath.segment(actionID))?saved=shared"
        )
    }
}
