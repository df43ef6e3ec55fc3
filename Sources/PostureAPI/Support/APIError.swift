import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// An error answered in Microsoft Graph's shape:
/// `{"error": {"code", "message", "target", "innerError": {"request-id", "date"}}}`.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponseStatus
    public var code: String
    public var message: String
    /// The field or parameter at fault, when there is one.
    public var target: String?
    /// Extra headers such as `Retry-After` or `WWW-Authenticate`.
    public var headers: [(String, String)] = []

    public init(_ status: HTTPResponseStatus, code: String, message: String, target: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message && lhs.target == rhs.target
    }

    public static func badRequest(_ message: String, target: String? = nil) -> APIError {
        APIError(.badRequest, code: "badRequest", message: message, target: target)
    }

    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "itemNotFound", message: message)
    }

    public static func unauthenticated(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "InvalidAuthenticationToken", message: message)
        error.headers = [("WWW-Authenticate", "Bearer realm=\"posture\"")]
        return error
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "accessDenied", message: message)
    }

    public static func tooManyRequests(_ message: String, retryAfter seconds: Int) -> APIError {
        var error = APIError(.tooManyRequests, code: "activityLimitReached", message: message)
        error.headers = [("Retry-After", String(seconds))]
        return error
    }

    /// 503: the server cannot do it now; with `Retry-After` when it can say when to try again.
    public static func serviceUnavailable(_ message: String, retryAfter seconds: Int? = nil) -> APIError {
        var error = APIError(.serviceUnavailable, code: "serviceNotAvailable", message: message)
        if let seconds { error.headers = [("Retry-After", String(seconds))] }
        return error
    }

    /// 501: this server does not do it at all (a feature it was set up without).
    public static func notImplemented(_ message: String) -> APIError {
        APIError(.notImplemented, code: "notSupported", message: message)
    }

    /// 405 with the `Allow` header HTTP requires.
    public static func methodNotAllowed(_ message: String, allow: [HTTPMethod]) -> APIError {
        var error = APIError(.methodNotAllowed, code: "notSupported", message: message)
        error.headers = [("Allow", allow.map(\.rawValue).joined(separator: ", "))]
        return error
    }

    /// Maps every error a handler may throw to one Graph-shaped error, in one place.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServiceError:
            switch error {
            case .organizationNotFound, .actionNotFound, .connectionNotFound: return .notFound(error.description)
            case .statusRefused(let violations):
                return .badRequest(error.description, target: violations.first?.field)
            case .invalidExclusion:
                return .badRequest(error.description, target: "exclusion")
            case .invalidText(let field, _):
                return .badRequest(error.description, target: field)
            case .invalidReport(let problem):
                return .badRequest(error.description, target: problem.field)
            case .invalidConnection(let problems):
                return .badRequest(error.description, target: problems.first?.field)
            case .connectionTestUnavailable:
                return APIError(.notImplemented, code: "notSupported", message: error.description)
            case .collectionRunning, .connectionAppInUse, .tooManyChannels, .tooManyReportSchedules,
                .reportAlreadyQueued:
                return APIError(.conflict, code: "conflict", message: error.description)
            case .connectionAppNotFound, .channelNotFound, .reportScheduleNotFound:
                return .notFound(error.description)
            case .instanceAdministratorOnly:
                return .forbidden(error.description)
            }
        case let error as StoreError:
            switch error {
            case .organizationExists:
                return APIError(.conflict, code: "conflict", message: error.description, target: "id")
            case .organizationNotFound: return .notFound(error.description)
            }
        case let error as ODataQueryError:
            return .badRequest(error.message, target: error.parameter)
        case let error as Diagnostic:
            return .badRequest(error.apiMessage, target: error.field)
        case let error as DiagnosticList:
            return .badRequest(
                error.diagnostics.map(\.apiMessage).joined(separator: "; "),
                target: error.diagnostics.first?.field
            )
        case let error as any AbortError:
            return APIError(error.status, code: Self.code(for: error.status), message: error.reason)
        default:
            return APIError(.internalServerError, code: "generalException", message: "an internal error occurred")
        }
    }

    static func code(for status: HTTPResponseStatus) -> String {
        switch status {
        case .badRequest: "badRequest"
        case .unauthorized: "InvalidAuthenticationToken"
        case .forbidden: "accessDenied"
        case .notFound: "itemNotFound"
        case .methodNotAllowed: "notSupported"
        case .payloadTooLarge: "requestTooLarge"
        case .unsupportedMediaType: "unsupportedMediaType"
        case .tooManyRequests: "activityLimitReached"
        default: status.code >= 500 ? "generalException" : "badRequest"
        }
    }
}

extension Diagnostic {
    /// Request bodies have no file name worth showing: name the line and field instead.
    var apiMessage: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let entry { parts.append(entry) }
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// Renders every error, including Vapor's own (unknown route, body too large), in Graph's shape.
/// 5xx details are logged, never sent.
struct GraphErrorMiddleware: AsyncMiddleware {
    let clock: PostureClock

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status.code >= 500 {
                request.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return Self.response(apiError, request: request, at: clock.now())
        }
    }

    static func response(_ error: APIError, request: Request, at date: Date) -> Response {
        var inner: JSONObject = JSONObject([
            ("request-id", .string(request.id)), ("date", .string(date.iso8601)),
        ])
        if let clientRequestID = request.headers.first(name: "client-request-id") {
            inner["client-request-id"] = .string(clientRequestID)
        }
        let body = JSONValue.object(
            JSONObject([
                (
                    "error",
                    .object(
                        JSONObject([
                            ("code", .string(error.code)), ("message", .string(error.message)),
                            ("target", error.target.map(JSONValue.string) ?? .null), ("innerError", .object(inner)),
                        ])
                    )
                )
            ])
        )
        let response = JSONResponse.make(body, status: error.status)
        for (name, value) in error.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
