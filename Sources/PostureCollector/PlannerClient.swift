import Foundation
import PostureCore

/// Microsoft Planner through Graph, signed in as an organization's connection: creates a task
/// for a shared action (or finds the open one it would repeat), sets its description, and reads
/// tasks back. Each call is one delivery attempt: few retries, a short timeout, and throttling
/// reported to the delivery queue instead of waited out here.
public struct PlannerClient: Sendable {
    /// Why a call failed: the service's status (nil when it did not answer), its `Retry-After`,
    /// and what went wrong in a person's words.
    public struct Failure: Error, Sendable, Equatable {
        public var status: Int?
        public var retryAfter: Double?
        public var message: String
    }

    let client: GraphClient
    /// Seconds a whole call may take, retries and pages included: well inside the delivery
    /// queue's shortest lease (35 s), so no second node sends while this one still works.
    let deadline: Double
    /// Pages of a plan's tasks read at most (Graph gives up to 100 a page).
    static let pageLimit = 40

    public init(
        settings: ConnectionSettings,
        credential: GraphCredential,
        timeout: Double = 15,
        deadline: Double = 25,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        self.deadline = deadline
        client = GraphClient(
            tenantID: settings.tenantID,
            clientID: settings.clientID,
            credential: credential,
            loginURL: settings.effectiveLoginURL,
            graphURL: settings.effectiveGraphURL,
            maxAttempts: 1,
            requestTimeout: timeout,
            sleep: sleep
        )
    }

    /// Creates the draft's task, unless the plan has an open task of the same title (a share
    /// repeated, or an attempt whose answer was lost): then that one, its description set if it
    /// has none yet.
    public func createTask(
        _ draft: PlannerTaskDraft,
        in planner: PlannerSettings
    ) async -> Result<PlannerAPI.Task, Failure> {
        await within { await self.create(draft, in: planner) }
    }

    private func create(
        _ draft: PlannerTaskDraft,
        in planner: PlannerSettings
    ) async -> Result<PlannerAPI.Task, Failure> {
        do {
            let existing = PlannerAPI.openTask(titled: draft.title, in: try await tasks(planner))
            let task: PlannerAPI.Task
            if let existing {
                task = existing
            } else {
                let created = try await client.write(
                    "POST",
                    PlannerAPI.createPath,
                    body: PlannerAPI.createBody(draft, planner)
                )
                guard let made = PlannerAPI.task(Self.object(created)) else {
                    return .failure(Failure(status: nil, message: "Planner answered without the task"))
                }
                task = made
            }
            // The description lives on the task's details, written with their ETag.
            let details = try await client.get(PlannerAPI.detailsPath(taskID: task.id))
            let described = (details["description"] as? String).map { !$0.isEmpty } ?? false
            if !described || existing == nil {
                guard let etag = details["@odata.etag"] as? String else {
                    return .failure(
                        Failure(status: nil, message: "Planner answered the task's details without an ETag")
                    )
                }
                _ = try await client.write(
                    "PATCH",
                    PlannerAPI.detailsPath(taskID: task.id),
                    body: PlannerAPI.detailsBody(draft),
                    ifMatch: etag
                )
            }
            return .success(task)
        } catch {
            return .failure(failure(error))
        }
    }

    /// Every task of the plan, following next links, up to ``pageLimit`` pages.
    public func tasks(_ planner: PlannerSettings) async throws(CollectorError) -> [PlannerAPI.Task] {
        var next: String? = PlannerAPI.planTasksPath(planner)
        var seen = Set<String>()
        var tasks: [PlannerAPI.Task] = []
        while let target = next, seen.count < Self.pageLimit {
            try GraphClient.checkNext(target, seen: &seen)
            let page = try await client.get(target)
            tasks += (page["value"] as? [Any] ?? []).compactMap {
                ($0 as? [String: Any]).flatMap { PlannerAPI.task(Self.object($0)) }
            }
            next = page["@odata.nextLink"] as? String
        }
        return tasks
    }

    /// ``tasks(_:)`` with its failure in a person's words.
    public func readTasks(_ planner: PlannerSettings) async -> Result<[PlannerAPI.Task], Failure> {
        await within {
            do throws(CollectorError) {
                return .success(try await self.tasks(planner))
            } catch {
                return .failure(self.failure(error))
            }
        }
    }

    /// The call's result, or a failure once ``deadline`` has passed (the call is cancelled).
    func within<T: Sendable>(
        _ body: @escaping @Sendable () async -> Result<T, Failure>
    ) async -> Result<T, Failure> {
        let deadline = deadline
        return await withTaskGroup(of: Result<T, Failure>?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(for: .seconds(deadline))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
                ?? .failure(Failure(status: nil, message: "Planner did not answer within \(Int(deadline)) seconds"))
        }
    }

    /// Whether the connection may create tasks in the plan and bucket: the token's application
    /// permissions name `Tasks.ReadWrite.All` (when the token says), and the plan and the bucket
    /// can be read.
    public func check(_ planner: PlannerSettings) async -> ConnectionCheckReport.Outcome {
        switch await within({ .success(await self.checkNow(planner)) }) {
        case .success(let outcome): outcome
        case .failure(let failure): .failed(failure.message)
        }
    }

    private func checkNow(_ planner: PlannerSettings) async -> ConnectionCheckReport.Outcome {
        do {
            let token = try await client.graphToken()
            if let roles = PlannerAPI.grantedRoles(accessToken: token), !roles.contains(PlannerAPI.permission) {
                return .missing(permission: PlannerAPI.permission)
            }
            _ = try await client.get(PlannerAPI.planPath(planner))
            let bucket = try await client.get(PlannerAPI.bucketPath(planner))
            if let plan = bucket["planId"] as? String, plan != planner.planID {
                return .failed("the bucket \(planner.bucketID) belongs to another plan (\(plan))")
            }
            return .granted
        } catch .http(let status, _) where status == 401 || status == 403 {
            return .missing(permission: PlannerAPI.permission)
        } catch .http(let status, let message) where status == 404 {
            return .failed("the plan or bucket was not found (\(message)): check their ids in the channel")
        } catch {
            return .failed(error.description)
        }
    }

    func failure(_ error: CollectorError) -> Failure {
        let retryAfter = client.trafficSoFar.lastRetryAfter
        switch error {
        case .http(let status, let message):
            let advice =
                status == 401 || status == 403
                ? " (the connection's app needs the \(PlannerAPI.permission) application permission)" : ""
            return Failure(status: status, retryAfter: retryAfter, message: "Planner: \(message)" + advice)
        default:
            return Failure(status: nil, retryAfter: retryAfter, message: error.description)
        }
    }

    /// Graph's JSON as the core's ordered object.
    static func object(_ dictionary: [String: Any]) -> JSONObject {
        guard let data = try? JSONSerialization.data(withJSONObject: dictionary),
            let node = try? JSONSourceParser.parse(String(decoding: data, as: UTF8.self), file: "planner"),
            case .object(let object) = JSONValue(node)
        else { return JSONObject() }
        return object
    }
}
