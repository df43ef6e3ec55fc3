import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// `/healthz` says the process is up; `/readyz` also checks the database answers.
struct HealthRoutes {
    let dependencies: APIDependencies

    func register(on routes: any RoutesBuilder) {
        routes.get("healthz") { _ in
            JSONResponse.make(.object(JSONObject([("status", .string("ok"))])))
        }
        routes.get("readyz") { _ async -> Response in
            do {
                try await dependencies.service.ping()
                return JSONResponse.make(.object(JSONObject([("status", .string("ready"))])))
            } catch {
                return JSONResponse.make(
                    .object(JSONObject([("status", .string("unavailable")), ("reason", .string("database"))])),
                    status: .serviceUnavailable
                )
            }
        }
    }
}
