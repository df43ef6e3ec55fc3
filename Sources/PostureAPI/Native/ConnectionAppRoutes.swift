import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The instance-wide multi-tenant app: instance administrators only, the credential in and never
/// out. Connections use it with `PUT …/connection {"useInstanceApp": true, "tenantId": …}`.
struct ConnectionAppRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on api: any RoutesBuilder) {
        api.get("connection-app", use: get)
        api.put("connection-app", use: put)
        api.delete("connection-app", use: remove)
    }

    struct AppDTO: Encodable {
        var clientId: String
        var credential: String
        var createdAt: Date
        var createdBy: String
        var updatedAt: Date
        var credentialRotatedAt: Date
        /// Connections that sign in with it.
        var connections: Int
        /// The redirect URI to register on the app (Authentication → Web), where administrators
        /// come back after granting consent.
        var redirectUri: String
    }

    /// Reading needs an instance-wide token; changing, an instance-wide read-write one.
    func authorize(_ request: Request, write: Bool) throws {
        let principal = try request.principal
        guard principal.access.instanceAdministrator else {
            throw APIError.forbidden("only instance administrators manage the instance-wide app")
        }
        if write, !principal.scopes.contains(.readWrite) {
            throw APIError.forbidden("this change needs the SecurityEvents.ReadWrite.All scope")
        }
    }

    func document(_ app: StoredConnectionApp, _ request: Request) async throws -> AppDTO {
        AppDTO(
            clientId: app.clientID,
            credential: app.credentialKind.rawValue,
            createdAt: app.createdAt,
            createdBy: app.createdBy,
            updatedAt: app.updatedAt,
            credentialRotatedAt: app.credentialRotatedAt,
            connections: try await service.connectionsUsingApp(),
            redirectUri: request.baseURL(dependencies.publicBaseURL) + AdminConsent.callbackPath
        )
    }

    @Sendable func get(_ request: Request) async throws -> Response {
        try authorize(request, write: false)
        return try JSONResponse.encode(try await document(try await service.connectionApp(), request))
    }

    /// `{"clientId": GUID, "clientSecret": "…" | "certificate": "PEM"}`: sets up or replaces the
    /// app; replacing it is how its credential is rotated for every tenant at once.
    @Sendable func put(_ request: Request) async throws -> Response {
        try authorize(request, write: true)
        var reader = NodeReader(file: "body", entry: nil, node: try request.jsonBody())
        reader.rejectUnknownKeys(["clientId", "clientSecret", "certificate"])
        let client = reader.string("clientId")
        let credential = try ConnectionRoutes.credential(&reader)
        if let first = reader.collected.first {
            throw APIError.badRequest(first.description, target: first.field ?? "clientId")
        }
        let (app, replaced) = try await service.setConnectionApp(
            clientID: client ?? "",
            credential: credential,
            actor: request.actor,
            requestID: request.id
        )
        return try JSONResponse.encode(try await document(app, request), status: replaced ? .ok : .created)
    }

    @Sendable func remove(_ request: Request) async throws -> Response {
        try authorize(request, write: true)
        try await service.removeConnectionApp(actor: request.actor, requestID: request.id)
        return Response(status: .noContent)
    }
}
