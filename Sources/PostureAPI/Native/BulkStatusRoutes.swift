import Foundation
import PostureCore
import PostureServices
import Vapor

/// `POST /api/v1/bulk/statuses`: one status set in many organizations at once, as the
/// organizations page does. Each organization is decided by the caller's role there, written in
/// its own transaction and audited on its own; the answer says what happened in each.
struct BulkStatusRoutes: Sendable {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on routes: any RoutesBuilder) {
        routes.post("bulk", "statuses", use: setStatuses)
    }

    struct Outcome: Encodable {
        var organizationId: String
        /// `changed`, `forbidden`, `refused` or `notFound`.
        var outcome: String
        var message: String?
    }

    struct Result: Encodable {
        var actionId: String
        var status: String
        var changed: Int
        var value: [Outcome]
    }

    @Sendable func setStatuses(_ request: Request) async throws -> Response {
        let principal = try request.principal
        guard principal.scopes.contains(.readWrite) else {
            throw APIError.forbidden("this change needs the SecurityEvents.ReadWrite.All scope")
        }
        let body = try request.jsonBody()
        guard case .object(var members) = body.value else {
            throw APIError.badRequest("the body must be a JSON object")
        }
        // The organizations are read here; the rest is a status body like `PUT …/status`.
        var organizations = NodeReader(file: "body", entry: nil, node: body)
        let ids = organizations.stringArray("organizationIds", required: true) ?? []
        guard organizations.collected.isEmpty else { throw DiagnosticList(organizations.collected) }
        members.removeAll { $0.key == "organizationIds" }
        var reader = NodeReader(file: "body", entry: nil, node: SourceNode(.object(members), line: body.line))
        guard
            let record = AssessmentDecoder.decodeStatus(
                &reader,
                catalog: service.catalog,
                asOf: dependencies.clock.now()
            )
        else { throw DiagnosticList(reader.collected) }
        let results: [BulkStatusChange.Result]
        do {
            results = try await service.setStatusInEach(
                ids,
                record,
                access: principal.access,
                actor: request.actor,
                requestID: request.id
            )
        } catch let problem as BulkStatusChange.Problem {
            throw APIError.badRequest(problem.description, target: "organizationIds")
        }
        let outcomes = results.map { result -> Outcome in
            switch result.outcome {
            case .changed: Outcome(organizationId: result.organizationID.rawValue, outcome: "changed")
            case .notFound: Outcome(organizationId: result.organizationID.rawValue, outcome: "notFound")
            case .forbidden(let reason):
                Outcome(organizationId: result.organizationID.rawValue, outcome: "forbidden", message: reason)
            case .refused(let violations):
                Outcome(
                    organizationId: result.organizationID.rawValue,
                    outcome: "refused",
                    message: violations.map(\.description).joined(separator: "; ")
                )
            }
        }
        return try JSONResponse.encode(
            Result(
                actionId: record.actionID,
                status: record.status.rawValue,
                changed: outcomes.filter { $0.outcome == "changed" }.count,
                value: outcomes
            )
        )
    }
}
