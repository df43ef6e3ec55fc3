import Crypto
import Foundation
import NIOConcurrencyHelpers
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// `POST /oauth2/v2.0/token` (also under `/{tenant}/…`, as Entra ID spells it): the OAuth 2.0
/// client-credentials grant. Errors use OAuth's own shape (`error`, `error_description`), which is
/// what token clients parse, not Graph's.
struct TokenEndpoint {
    let dependencies: APIDependencies
    let limiter: RateLimiter
    static let lifetime: TimeInterval = 3600

    func register(on routes: any RoutesBuilder) {
        routes.post("oauth2", "v2.0", "token", use: token)
        routes.post(":tenant", "oauth2", "v2.0", "token", use: token)
    }

    struct Form: Content {
        var grant_type: String?
        var client_id: String?
        var client_secret: String?
        var scope: String?
    }

    struct OAuthError: Error {
        var status: HTTPResponseStatus
        var code: String
        var description: String
        var retryAfter: Int?
    }

    @Sendable func token(_ request: Request) async throws -> Response {
        do {
            return try await issue(request)
        } catch let error as OAuthError {
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            if let retryAfter = error.retryAfter { headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
            let body = JSONValue.object(
                JSONObject([("error", .string(error.code)), ("error_description", .string(error.description))])
            )
            return Response(status: error.status, headers: headers, body: .init(data: body.jsonData))
        }
    }

    func issue(_ request: Request) async throws -> Response {
        let now = dependencies.clock.now()
        let address = request.clientAddress(trustedProxies: dependencies.trustedProxies)
        if let wait = limiter.acquire("address:\(address)", now: now) {
            throw OAuthError(
                status: .tooManyRequests,
                code: "temporarily_unavailable",
                description: "too many token requests from this address; retry later",
                retryAfter: wait
            )
        }
        guard request.headers.contentType == .urlEncodedForm, let form = try? request.content.decode(Form.self) else {
            throw OAuthError(
                status: .badRequest,
                code: "invalid_request",
                description: "send an application/x-www-form-urlencoded body"
            )
        }
        guard form.grant_type == "client_credentials" else {
            throw OAuthError(
                status: .badRequest,
                code: "unsupported_grant_type",
                description: "only grant_type=client_credentials is supported"
            )
        }
        guard let clientID = form.client_id, !clientID.isEmpty, let secret = form.client_secret, !secret.isEmpty else {
            throw OAuthError(
                status: .badRequest,
                code: "invalid_request",
                description: "client_id and client_secret are required"
            )
        }
        if let wait = limiter.acquire("client:\(clientID)", now: now) {
            throw OAuthError(
                status: .tooManyRequests,
                code: "temporarily_unavailable",
                description: "too many token requests for this client; retry later",
                retryAfter: wait
            )
        }
        guard let client = try await dependencies.service.authenticatedClient(clientID, secret: secret) else {
            throw OAuthError(
                status: .unauthorized,
                code: "invalid_client",
                description: "unknown client, wrong secret or revoked client"
            )
        }
        let scopes = try Self.scopes(form.scope, allowed: client.scopes)
        let token = try await dependencies.tokens.issue(
            subject: client.clientID,
            grant: .organization(client.organizationID.rawValue, client.role),
            scopes: scopes,
            lifetime: Self.lifetime,
            clientID: client.clientID
        )
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let body = JSONValue.object(
            JSONObject([
                ("token_type", .string("Bearer")), ("expires_in", .int(Int(Self.lifetime))),
                ("ext_expires_in", .int(Int(Self.lifetime))), ("access_token", .string(token)),
                ("scope", .string(scopes.map(\.rawValue).joined(separator: " "))),
            ])
        )
        return Response(status: .ok, headers: headers, body: .init(data: body.jsonData))
    }

    /// `.default` (alone or after a resource URI, as Graph clients send it) means every scope the
    /// client holds; named scopes must each be held.
    static func scopes(_ requested: String?, allowed: [String]) throws -> [APIScope] {
        let held = allowed.compactMap(APIScope.init(rawValue:))
        let names = (requested ?? ".default").split(separator: " ").map { item -> String in
            String(item.split(separator: "/").last ?? item)
        }
        guard !names.isEmpty else {
            throw OAuthError(
                status: .badRequest,
                code: "invalid_scope",
                description: "ask for .default or a SecurityEvents scope"
            )
        }
        if names == [".default"] { return held }
        var result: [APIScope] = []
        for name in names {
            guard let scope = APIScope(rawValue: name), held.contains(scope) else {
                throw OAuthError(
                    status: .badRequest,
                    code: "invalid_scope",
                    description: "the client does not hold the scope \(name)"
                )
            }
            result.append(scope)
        }
        return result
    }
}
