import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A local stand-in for Entra ID's token endpoint and the part of Microsoft Graph's Planner API
/// Posture uses, on 127.0.0.1: plans and buckets (GET), tasks (POST 201, GET, a plan's tasks
/// paged with `@odata.nextLink`), and task details (GET with `@odata.etag`, PATCH only with the
/// current ETag in `If-Match`, else 412). Access tokens are JWT-shaped with the app's `roles`, as
/// Entra ID's app-only tokens are. Tests move tasks with ``setProgress(_:percent:)``.
public final class FakePlanner: Sendable {
    public struct Task: Sendable {
        public var id: String
        public var planID: String
        public var bucketID: String
        public var title: String
        public var priority: Int
        public var assignees: [String]
        public var percentComplete: Int
        public var description: String
        public var references: [String]
        public var detailsVersion: Int
    }

    public static let tenantID = "8a1c2b3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d"
    public static let clientID = "22222222-3333-4444-5555-666666666666"
    public static let secret = "planner-app-secret"
    public static let planID = "xqQg5FS2LkCp935s-FIFm2QAFkHM"
    public static let bucketID = "hsOf2dhOJkqyYYZEtdzDe2QAIUCR"
    public static let otherBucketID = "gcrYAaAkgU2EQUvpkNNXLGQAGTtu"

    let app: Application
    public let base: String
    public let tasks = NIOLockedValueBox<[Task]>([])
    /// The application permissions tokens carry.
    public let roles = NIOLockedValueBox<[String]>(["Tasks.ReadWrite.All", "Directory.Read.All"])
    /// Every request as `METHOD path`.
    public let seen = NIOLockedValueBox<[String]>([])
    /// The next task creations answer 503 (Graph unavailable) this many times.
    public let failCreations = NIOLockedValueBox(0)
    let tokens = NIOLockedValueBox<Set<String>>([])

    public init() async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        self.app = app
        let box = NIOLockedValueBox<FakePlanner?>(nil)
        @Sendable func fake() -> FakePlanner { box.withLockedValue { $0 }! }
        app.post(":tenant", "oauth2", "v2.0", "token") { try fake().token($0) }
        app.get("v1.0", "planner", "plans", ":plan") { try fake().plan($0) }
        app.get("v1.0", "planner", "buckets", ":bucket") { try fake().bucket($0) }
        app.get("v1.0", "planner", "plans", ":plan", "tasks") { try fake().planTasks($0) }
        app.post("v1.0", "planner", "tasks") { try fake().create($0) }
        app.get("v1.0", "planner", "tasks", ":task") { try fake().task($0) }
        app.get("v1.0", "planner", "tasks", ":task", "details") { try fake().details($0) }
        app.patch("v1.0", "planner", "tasks", ":task", "details") { try fake().updateDetails($0) }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
        box.withLockedValue { $0 = self }
    }

    public func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// Moves a task, as a person working it in Planner would.
    public func setProgress(_ taskID: String, percent: Int) {
        tasks.withLockedValue { tasks in
            for index in tasks.indices where tasks[index].id == taskID { tasks[index].percentComplete = percent }
        }
    }

    static func json(_ status: HTTPStatus, _ object: Any, etag: String? = nil) throws -> Response {
        var headers: HTTPHeaders = ["content-type": "application/json"]
        if let etag { headers.add(name: .eTag, value: etag) }
        return Response(
            status: status,
            headers: headers,
            body: .init(data: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        )
    }

    static func error(_ status: HTTPStatus, _ code: String, _ message: String) throws -> Response {
        try json(status, ["error": ["code": code, "message": message]])
    }

    func note(_ request: Request) {
        seen.withLockedValue { $0.append("\(request.method.rawValue) \(request.url.path)") }
    }

    func signedIn(_ request: Request) -> Bool {
        note(request)
        guard let token = request.headers.bearerAuthorization?.token else { return false }
        return tokens.withLockedValue { $0.contains(token) }
    }

    func token(_ request: Request) throws -> Response {
        note(request)
        let form = (try? request.content.decode([String: String].self)) ?? [:]
        guard request.parameters.get("tenant") == Self.tenantID, form["client_id"] == Self.clientID,
            form["client_secret"] == Self.secret, form["grant_type"] == "client_credentials"
        else {
            return try Self.json(
                .unauthorized,
                ["error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."]
            )
        }
        func part(_ object: [String: Any]) throws -> String {
            try JSONSerialization.data(withJSONObject: object).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let token = [
            try part(["typ": "JWT", "alg": "RS256"]),
            try part([
                "aud": "https://graph.microsoft.com", "tid": Self.tenantID, "appid": Self.clientID,
                "roles": roles.withLockedValue { $0 }, "jti": UUID().uuidString,
            ]),
            "c2lnbmF0dXJl",
        ].joined(separator: ".")
        tokens.withLockedValue { _ = $0.insert(token) }
        return try Self.json(.ok, ["access_token": token, "token_type": "Bearer", "expires_in": 3599])
    }

    /// What reading and writing tasks needs, as Graph answers without it.
    func permitted() -> Bool {
        let granted = roles.withLockedValue { $0 }
        return granted.contains("Tasks.ReadWrite.All") || granted.contains("Tasks.Read.All")
    }

    func refused(_ request: Request, write: Bool = false) throws -> Response? {
        guard signedIn(request) else {
            return try Self.error(.unauthorized, "InvalidAuthenticationToken", "Access token is empty.")
        }
        let granted = roles.withLockedValue { $0 }
        if !permitted() || (write && !granted.contains("Tasks.ReadWrite.All")) {
            return try Self.error(
                .forbidden,
                "Forbidden",
                "You do not have the required permissions to access this item."
            )
        }
        return nil
    }

    func plan(_ request: Request) throws -> Response {
        if let refusal = try refused(request) { return refusal }
        guard request.parameters.get("plan") == Self.planID else {
            return try Self.error(.notFound, "NotFound", "The requested item is not found.")
        }
        return try Self.json(.ok, ["id": Self.planID, "title": "Security backlog"])
    }

    func bucket(_ request: Request) throws -> Response {
        if let refusal = try refused(request) { return refusal }
        let id = request.parameters.get("bucket") ?? ""
        guard [Self.bucketID, Self.otherBucketID].contains(id) else {
            return try Self.error(.notFound, "NotFound", "The requested item is not found.")
        }
        return try Self.json(.ok, ["id": id, "planId": Self.planID, "name": id == Self.bucketID ? "To do" : "Doing"])
    }

    func taskJSON(_ task: Task) -> [String: Any] {
        [
            "id": task.id, "planId": task.planID, "bucketId": task.bucketID, "title": task.title,
            "priority": task.priority, "percentComplete": task.percentComplete,
            "@odata.etag": "W/\"task-\(task.id)\"",
            "assignments": Dictionary(
                uniqueKeysWithValues: task.assignees.map {
                    ($0, ["@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": "8585"] as [String: Any])
                }
            ),
        ]
    }

    /// Two tasks a page, so readers must follow `@odata.nextLink`.
    func planTasks(_ request: Request) throws -> Response {
        if let refusal = try refused(request) { return refusal }
        guard request.parameters.get("plan") == Self.planID else {
            return try Self.error(.notFound, "NotFound", "The requested item is not found.")
        }
        let all = tasks.withLockedValue { $0 }
        let skip = (try? request.query.get(Int.self, at: "$skiptoken")) ?? 0
        let page = all.dropFirst(skip).prefix(2)
        var answer: [String: Any] = ["value": page.map(taskJSON)]
        if skip + page.count < all.count {
            answer["@odata.nextLink"] =
                "\(base)/v1.0/planner/plans/\(Self.planID)/tasks?$skiptoken=\(skip + page.count)"
        }
        return try Self.json(.ok, answer)
    }

    func create(_ request: Request) throws -> Response {
        if let refusal = try refused(request, write: true) { return refusal }
        let failing = failCreations.withLockedValue { value -> Bool in
            guard value > 0 else { return false }
            value -= 1
            return true
        }
        if failing {
            return try Self.error(.serviceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable.")
        }
        guard let body = request.body.string, let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
            let fields = object as? [String: Any], let plan = fields["planId"] as? String,
            let bucket = fields["bucketId"] as? String, let title = fields["title"] as? String
        else { return try Self.error(.badRequest, "BadRequest", "Invalid request body.") }
        guard plan == Self.planID, [Self.bucketID, Self.otherBucketID].contains(bucket) else {
            return try Self.error(.notFound, "NotFound", "The requested item is not found.")
        }
        guard !title.isEmpty, title.count <= 255,
            Set(fields.keys).isSubset(of: ["planId", "bucketId", "title", "priority", "assignments"])
        else { return try Self.error(.badRequest, "BadRequest", "Invalid request body.") }
        let assignees =
            (fields["assignments"] as? [String: [String: Any]])?.filter {
                $0.value["@odata.type"] as? String == "#microsoft.graph.plannerAssignment"
                    && $0.value["orderHint"] != nil
            }.map(\.key) ?? []
        let task = Task(
            id: String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(28)),
            planID: plan,
            bucketID: bucket,
            title: title,
            priority: fields["priority"] as? Int ?? 5,
            assignees: assignees.sorted(),
            percentComplete: 0,
            description: "",
            references: [],
            detailsVersion: 1
        )
        tasks.withLockedValue { $0.append(task) }
        return try Self.json(.created, taskJSON(task))
    }

    func find(_ request: Request) -> Task? {
        let id = request.parameters.get("task") ?? ""
        return tasks.withLockedValue { $0.first { $0.id == id } }
    }

    func task(_ request: Request) throws -> Response {
        if let refusal = try refused(request) { return refusal }
        guard let task = find(request) else {
            return try Self.error(.notFound, "NotFound", "The requested item is not found.")
        }
        return try Self.json(.ok, taskJSON(task))
    }

    static func detailsETag(_ task: Task) -> String { "W/\"details-\(task.id)-\(task.detailsVersion)\"" }

    func details(_ request: Request) throws -> Response {
        if let refusal = try refused(request) { return refusal }
        guard let task = find(request) else {
            return try Self.error(.notFound, "NotFound", "The requested item is not found.")
        }
        let etag = Self.detailsETag(task)
        return try Self.json(
            .ok,
            ["id": task.id, "description": task.description, "previewType": "automatic", "@odata.etag": etag],
            etag: etag
        )
    }

    func updateDetails(_ request: Request) throws -> Response {
        if let refusal = try refused(request, write: true) { return refusal }
        guard let task = find(request) else {
            return try Self.error(.notFound, "NotFound", "The requested item is not found.")
        }
        guard request.headers.first(name: .ifMatch) == Self.detailsETag(task) else {
            return try Self.error(
                .preconditionFailed,
                "PreconditionFailed",
                "The If-Match header is missing or does not match the item's ETag."
            )
        }
        guard let body = request.body.string, let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
            let fields = object as? [String: Any]
        else { return try Self.error(.badRequest, "BadRequest", "Invalid request body.") }
        let references = (fields["references"] as? [String: [String: Any]]) ?? [:]
        // Reference keys are encoded URLs: a raw `.` or `:` in a key is refused, as Graph does.
        guard references.keys.allSatisfy({ !$0.contains(".") && !$0.contains(":") }),
            references.values.allSatisfy({ $0["@odata.type"] as? String == "#microsoft.graph.plannerExternalReference" }
            )
        else { return try Self.error(.badRequest, "BadRequest", "The reference is not valid.") }
        tasks.withLockedValue { tasks in
            for index in tasks.indices where tasks[index].id == task.id {
                if let description = fields["description"] as? String { tasks[index].description = description }
                tasks[index].references += references.keys.sorted()
                tasks[index].detailsVersion += 1
            }
        }
        return Response(status: .noContent)
    }
}
