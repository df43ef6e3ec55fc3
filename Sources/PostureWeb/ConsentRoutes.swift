import Foundation
import PostureCore
import PostureServices
import Vapor

/// Where Microsoft sends a tenant's administrator back after the admin-consent page of the
/// instance-wide app. Open to anyone (the administrator need not be a Posture user): the state
/// names the organization and carries a token only its consent address holds, compared in
/// constant time, and the page says nothing about organizations the state does not prove.
struct ConsentRoutes {
    let dependencies: WebDependencies

    func register(on web: any RoutesBuilder) {
        let path = AdminConsent.callbackPath.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
        web.get(path) { request in try await callback(request) }
    }

    @Sendable func callback(_ request: Request) async throws -> Response {
        var query: [String: String] = [:]
        for name in ["state", "admin_consent", "tenant", "error", "error_description"] {
            if let value = request.query[String.self, at: name] { query[name] = String(value.prefix(1_000)) }
        }
        let outcome = try await dependencies.service.acceptConsent(
            state: query["state"] ?? "",
            answer: AdminConsent.answer(query),
            requestID: request.id
        )
        let view: ErrorView
        let status: HTTPStatus
        switch outcome {
        case .granted(let id):
            view = ErrorView(
                title: "Consent recorded",
                message: "Thank you: the tenant of “\(id.rawValue)” granted Posture's app its permissions. "
                    + "Posture collects it within a minute; you may close this page.",
                signedIn: nil
            )
            status = .ok
        case .refused(let id, let error, let description):
            view = ErrorView(
                title: "Consent not granted",
                message: "Microsoft answered for “\(id.rawValue)”: \(error)"
                    + (description.map { ", \($0)" } ?? "") + ". Nothing was changed; the consent address still works.",
                signedIn: nil
            )
            status = .ok
        case .unknownState:
            view = ErrorView(
                title: "Unknown consent request",
                message: "This answer does not belong to a consent address Posture handed out, or the connection has "
                    + "changed since. Open the consent address shown in Settings → Microsoft 365 connection again.",
                signedIn: nil
            )
            status = .badRequest
        }
        return WebPages.html(view.render(), status: status)
    }
}
