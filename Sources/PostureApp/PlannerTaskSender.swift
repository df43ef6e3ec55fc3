import Foundation
import PostureCollector
import PostureCore
import PostureServices

/// Planner tasks through Graph, signed in as the organization's Microsoft 365 connection. The
/// connection's own endpoints are used, so it reaches the same tenant and cloud its collections do.
public struct PlannerTaskSender: TaskSending {
    public init() {}

    public func createTask(
        _ draft: PlannerTaskDraft,
        in planner: PlannerSettings,
        connection: ConnectionSettings,
        credential: ConnectionCredential
    ) async -> (DeliveryAttempt, PlannerAPI.Task?) {
        let client: PlannerClient
        switch Self.client(connection, credential) {
        case .success(let made): client = made
        case .failure(let problem): return (DeliveryAttempt(status: nil, error: problem.message), nil)
        }
        switch await client.createTask(draft, in: planner) {
        case .success(let task): return (DeliveryAttempt(status: 201), task)
        case .failure(let failure):
            return (
                DeliveryAttempt(status: failure.status, retryAfter: failure.retryAfter, error: failure.message), nil
            )
        }
    }

    public func tasks(
        in planner: PlannerSettings,
        connection: ConnectionSettings,
        credential: ConnectionCredential
    ) async -> Result<[PlannerAPI.Task], TicketReadFailure> {
        switch Self.client(connection, credential) {
        case .success(let client): await client.readTasks(planner).mapError { TicketReadFailure($0.message) }
        case .failure(let problem): .failure(problem)
        }
    }

    public func check(
        _ planner: PlannerSettings,
        connection: ConnectionSettings,
        credential: ConnectionCredential
    ) async -> ConnectionCheckReport.Outcome {
        switch Self.client(connection, credential) {
        case .success(let client): await client.check(planner)
        case .failure(let problem): .failed(problem.message)
        }
    }

    static func client(
        _ connection: ConnectionSettings,
        _ credential: ConnectionCredential
    ) -> Result<PlannerClient, TicketReadFailure> {
        do {
            return .success(
                PlannerClient(settings: connection, credential: try ConnectionCollection.credential(credential))
            )
        } catch {
            return .failure(TicketReadFailure(error.description))
        }
    }
}
