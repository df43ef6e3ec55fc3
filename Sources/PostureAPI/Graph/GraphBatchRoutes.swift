import Foundation
import PostureCore
import Vapor

/// Graph JSON batching (`POST /{version}/$batch`): up to 20 requests in one call, run in order
/// through the whole server (authentication included, with the caller's own token), answered in
/// one `responses` array. Clients such as CIPP send their control-profile PATCHes this way.
struct GraphBatchRoutes {
    let version: String
    static let maximumRequests = 20

    func register(on routes: any RoutesBuilder) {
        routes.post("$batch", use: batch)
    }

    @Sendable func batch(_ request: Request) async throws -> Response {
        let body = try request.jsonBody()
        guard case .array(let entries)? = body.member("requests")?.value else {
            throw APIError.badRequest("the body needs a \"requests\" array", target: "requests")
        }
        guard !entries.isEmpty, entries.count <= Self.maximumRequests else {
            throw APIError.badRequest(
                "a batch holds 1 to \(Self.maximumRequests) requests, got \(entries.count)",
                target: "requests"
            )
        }
        var seen = Set<String>()
        var responses: [JSONValue] = []
        for (index, entry) in entries.enumerated() {
            let sub = try Self.decode(entry, index: index)
            guard seen.insert(sub.id).inserted else {
                throw APIError.badRequest(
                    "requests[\(index)].id \"\(sub.id)\" is used twice",
                    target: "requests[\(index)].id"
                )
            }
            responses.append(try await run(sub, parent: request))
        }
        return JSONResponse.make(.object(JSONObject([("responses", .array(responses))])))
    }

    struct SubRequest {
        var id: String
        var method: HTTPMethod
        var path: String
        var headers: [(String, String)]
        var body: SourceNode?
    }

    static func decode(_ node: SourceNode, index: Int) throws -> SubRequest {
        let prefix = "requests[\(index)]"
        func text(_ key: String) throws -> String {
            guard case .string(let value)? = node.member(key)?.value, !value.isEmpty else {
                throw APIError.badRequest("\(prefix).\(key) is required text", target: "\(prefix).\(key)")
            }
            return value
        }
        let id = try text("id")
        let method = HTTPMethod(rawValue: try text("method").uppercased())
        guard [.GET, .PATCH].contains(method) else {
            throw APIError.badRequest("\(prefix).method must be GET or PATCH", target: "\(prefix).method")
        }
        var headers: [(String, String)] = []
        if case .object(let members)? = node.member("headers")?.value {
            for (name, value) in members {
                guard case .string(let text) = value.value else {
                    throw APIError.badRequest("\(prefix).headers.\(name) must be text", target: "\(prefix).headers")
                }
                headers.append((name, text))
            }
        }
        return SubRequest(id: id, method: method, path: try text("url"), headers: headers, body: node.member("body"))
    }

    /// A relative URL (`security/...` or `/security/...`) is under this batch's version; an
    /// absolute Graph URL keeps its own version. Only the secure-score resources are reachable.
    func target(_ url: String) -> String? {
        var path = url
        if let range = path.range(of: "://") {
            let afterHost = path[range.upperBound...].drop { $0 != "/" }
            path = String(afterHost)
        }
        if !path.hasPrefix("/") { path = "/" + path }
        if !(path.hasPrefix("/v1.0/") || path.hasPrefix("/beta/")) { path = "/\(version)" + path }
        let resource = path.split(separator: "?", maxSplits: 1)[0]
        let allowed = ["/security/secureScores", "/security/secureScoreControlProfiles"]
        // Both "/v1.0" and "/beta" are five characters long.
        guard allowed.contains(where: { resource.dropFirst(5).hasPrefix($0) }) else {
            return nil
        }
        return path
    }

    func run(_ sub: SubRequest, parent: Request) async throws -> JSONValue {
        guard let path = target(sub.path) else {
            return Self.failure(sub.id, APIError.badRequest("\(sub.path) cannot be batched here"), parent: parent)
        }
        var headers = HTTPHeaders()
        for (name, value) in sub.headers { headers.replaceOrAdd(name: name, value: value) }
        if let authorization = parent.headers.first(name: .authorization) {
            headers.replaceOrAdd(name: .authorization, value: authorization)
        }
        if let host = parent.headers.first(name: .host) { headers.replaceOrAdd(name: .host, value: host) }
        var buffer: ByteBuffer?
        if let body = sub.body {
            buffer = ByteBuffer(string: JSONValue(body).jsonText)
            if headers.contentType == nil { headers.contentType = .json }
        }
        let inner = Request(
            application: parent.application,
            method: sub.method,
            url: URI(string: path),
            headers: headers,
            collectedBody: buffer,
            logger: parent.logger,
            on: parent.eventLoop
        )
        let response = try await parent.application.responder.current.respond(to: inner).get()
        var object = JSONObject([("id", .string(sub.id)), ("status", .int(Int(response.status.code)))])
        var responseHeaders = JSONObject()
        if let type = response.headers.first(name: .contentType) { responseHeaders["Content-Type"] = .string(type) }
        object["headers"] = .object(responseHeaders)
        if let data = response.body.data, !data.isEmpty {
            if let parsed = try? JSONSourceParser.parse(Array(data), file: "response") {
                object["body"] = JSONValue(parsed)
            } else {
                object["body"] = .string(String(decoding: data, as: UTF8.self))
            }
        }
        return .object(object)
    }

    static func failure(_ id: String, _ error: APIError, parent: Request) -> JSONValue {
        .object(
            JSONObject([
                ("id", .string(id)), ("status", .int(Int(error.status.code))),
                ("headers", .object(JSONObject([("Content-Type", .string("application/json"))]))),
                (
                    "body",
                    .object(
                        JSONObject([
                            (
                                "error",
                                .object(
                                    JSONObject([("code", .string(error.code)), ("message", .string(error.message))])
                                )
                            )
                        ])
                    )
                ),
            ])
        )
    }
}

extension JSONValue {
    /// The same document as an ordered JSON value (numbers that are whole become integers).
    init(_ node: SourceNode) {
        switch node.value {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value):
            self = value == value.rounded() && abs(value) < 9e15 ? .int(Int(value)) : .double(value)
        case .string(let value): self = .string(value)
        case .array(let elements): self = .array(elements.map(JSONValue.init))
        case .object(let members): self = .object(JSONObject(members.map { ($0.key, JSONValue($0.node)) }))
        }
    }
}
