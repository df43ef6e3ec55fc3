import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Requires a valid bearer token on every request it guards and stores the caller on the request.
struct BearerAuthenticationMiddleware: AsyncMiddleware {
    let tokens: TokenService
    let external: ExternalTokenVerifier
    let service: PostureService

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerToken, !bearer.isEmpty else {
            throw APIError.unauthenticated("send an access token in the Authorization header (Bearer)")
        }
        let principal: Principal
        do {
            if !external.isEmpty, let issuer = ExternalTokenVerifier.unverifiedIssuer(bearer),
                external.handles(issuer: issuer)
            {
                principal = try await external.verify(bearer, issuer: issuer)
            } else {
                principal = try await tokens.verify(bearer)
            }
        } catch {
            throw APIError.unauthenticated("the access token was refused: \(error.description)")
        }
        // A revoked client's tokens stop working at once, not when they expire.
        if let clientID = principal.clientID {
            guard let client = try await service.client(clientID), !client.isRevoked else {
                throw APIError.unauthenticated("the access token was refused: its API client was revoked")
            }
        }
        request.storage[PrincipalKey.self] = principal
        return try await next.respond(to: request)
    }
}

extension HTTPHeaders {
    /// The token of an `Authorization: Bearer …` header, as Vapor's `bearerAuthorization` reads it
    /// (two words between spaces, the first `Bearer` in any case), but split by bytes: Vapor splits
    /// by characters, which on a token of several hundred characters costs more than the rest of
    /// the check.
    var bearerToken: String? {
        guard let value = first(name: .authorization) else { return nil }
        let words = value.utf8.split(separator: UInt8(ascii: " "))
        guard words.count == 2, Substring(words[0]).lowercased() == "bearer" else { return nil }
        return String(Substring(words[1]))
    }
}

struct PrincipalKey: StorageKey {
    typealias Value = Principal
}

extension Request {
    var principal: Principal {
        get throws {
            guard let principal = storage[PrincipalKey.self] else {
                throw APIError.unauthenticated("send an access token in the Authorization header (Bearer)")
            }
            return principal
        }
    }

    /// The organization in the path, when the caller may do `operation` there. An organization
    /// where the caller holds no role answers 404, never 403, so organization ids do not leak.
    func authorize(_ operation: AccessOperation, parameter: String = "org") throws -> OrganizationID {
        guard let text = parameters.get(parameter) else { throw APIError.notFound("no such organization") }
        let id = OrganizationID(text)
        // `*` owns the instance-wide channels and rules, reached only under /instance.
        if id.isInstance { throw APIError.notFound("no organization with id \"\(id)\"") }
        try authorize(operation, organizationID: id)
        return id
    }

    /// The owner of the channels or alert rules a route addresses: the organization of `:org`, or
    /// the instance, whose channels and rules only instance administrators read, and change with
    /// the read-write scope.
    func authorizeOwner(_ operation: AccessOperation, instance: Bool) throws -> OrganizationID {
        guard instance else { return try authorize(operation) }
        let principal = try principal
        guard principal.access.instanceAdministrator else {
            throw APIError.forbidden("only instance administrators see and change instance-wide alerts and channels")
        }
        if operation != .read, !principal.scopes.contains(.readWrite) {
            throw APIError.forbidden("this change needs the SecurityEvents.ReadWrite.All scope")
        }
        if principal.scopes.isEmpty { throw APIError.forbidden("this needs the SecurityEvents.Read.All scope") }
        return .instance
    }

    func authorize(_ operation: AccessOperation, organizationID id: OrganizationID) throws {
        switch try principal.decide(operation, in: id) {
        case .allowed: return
        case .notFound: throw APIError.notFound("no organization with id \"\(id)\"")
        case .forbidden(let reason): throw APIError.forbidden(reason)
        }
    }

    /// Spends `cost` units of the caller's work budget before an expensive read, or refuses with
    /// 429 and `Retry-After` (also inside `$batch`, where each sub-request spends on its own).
    func spendWork(_ cost: Int, budget: WorkBudget, now: Date) throws {
        let principal = try principal
        let caller =
            principal.clientID.map { "client:" + $0 } ?? principal.tokenID.map { "token:" + $0 }
            ?? "subject:" + principal.subject
        if let wait = budget.spend(caller, cost: cost, now: now) {
            throw APIError.tooManyRequests(
                "this client has used its budget for expensive reads; retry in \(wait) s",
                retryAfter: wait
            )
        }
    }

    /// The acting person or client for audit trails.
    var actor: String {
        (try? principal.subject) ?? "anonymous"
    }
}
