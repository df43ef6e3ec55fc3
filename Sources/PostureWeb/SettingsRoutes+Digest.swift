import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Settings → Weekly digest: every person who reads the organization chooses it for themselves.
extension SettingsRoutes {
    func digestSection(_ id: OrganizationID, username: String, hasEmailChannel: Bool) async throws -> DigestSection {
        DigestSection(
            email: try await service.digestSubscription(id, username: username)?.email,
            hasEmailChannel: hasEmailChannel
        )
    }

    struct DigestForm: Content {
        var email: String?
    }

    @Sendable func subscribeDigest(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .settings, service: service)
        let form = (try? request.content.decode(DigestForm.self)) ?? DigestForm()
        do {
            try await service.subscribeDigest(
                context.id,
                username: context.web.user.username,
                email: form.email ?? "",
                requestID: request.id
            )
        } catch ServiceError.invalidConnection(let problems) {
            return try await render(
                request,
                errors: problems.map { "Your e-mail \($0.message)." },
                status: .badRequest
            )
        }
        return back(request, "digest", section: "digest")
    }

    @Sendable func stopDigest(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .settings, service: service)
        try await service.unsubscribeDigest(context.id, username: context.web.user.username, requestID: request.id)
        return back(request, "digest-stopped", section: "digest")
    }
}
