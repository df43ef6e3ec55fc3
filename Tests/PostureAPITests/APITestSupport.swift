import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// An in-process server on SQLite in memory with the demo organization and one more, a fixed
/// clock, and tokens of every kind.
struct APIHarness {
    static let now = Date(iso8601: "2026-11-28T12:00:00Z")!
    static let clock = PostureClock.fixed(now)

    let runtime: PostureRuntime
    var app: Application { runtime.application }

    static func with(
        database: TestDatabase = .sqlite,
        clock: PostureClock = clock,
        configure: @Sendable (inout PostureConfiguration) -> Void = { _ in },
        _ body: @Sendable (APIHarness) async throws -> Void
    ) async throws {
        try await database.withRuntime(clock: clock, configure: configure) { runtime in
            try await runtime.service.seedDemo(endDay: CivilDay(now))
            try await runtime.service.store.createOrganization(
                Organization(id: "fabrikam", displayName: "Fabrikam", licensedUserCount: 40),
                at: now
            )
            try await body(APIHarness(runtime: runtime))
        }
    }

    /// A token for one role in one organization (default: a reader, or a Security administrator
    /// with the read-write scope), or for every organization when `organization` is nil.
    func token(
        _ organization: String? = "contoso",
        _ scope: APIScope = .read,
        role: Role? = nil,
        lifetime: TimeInterval = 3600
    ) async throws
        -> String
    {
        try await runtime.tokens.issue(
            subject: "tester",
            grant: organization.map {
                .organization($0, role ?? (scope == .readWrite ? .securityAdministrator : .securityReader))
            } ?? .instance,
            scopes: [scope],
            lifetime: lifetime
        )
    }

    /// Sends a request and returns status, headers and body.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        token: String?,
        json: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> (status: HTTPStatus, headers: HTTPHeaders, body: String) {
        var result: (HTTPStatus, HTTPHeaders, String) = (.ok, [:], "")
        try await app.testing().test(
            method,
            path,
            beforeRequest: { request in
                if let token { request.headers.bearerAuthorization = .init(token: token) }
                for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
                if let json {
                    request.headers.contentType = .json
                    request.body = ByteBuffer(string: json)
                }
            },
            afterResponse: { response in
                result = (response.status, response.headers, response.body.string)
            }
        )
        return result
    }
}

/// Parses a JSON response body, failing the test when it is not JSON.
func object(_ body: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
}

/// The Graph error code of a body, checking the whole shape on the way.
func graphErrorCode(_ body: String) throws -> String? {
    let error = try #require(try object(body)["error"] as? [String: Any])
    #expect(error["message"] is String)
    #expect(error["innerError"] is [String: Any])
    return error["code"] as? String
}

extension PostureService {
    /// Claims what is due (20 at most) and sends each once, as the delivery scheduler would, with
    /// no jitter; the deliveries as recorded.
    func deliverDue(using senders: OutboundSenders) async throws -> [Delivery] {
        var recorded: [Delivery] = []
        for delivery in try await claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 20) {
            if let done = try await deliver(delivery, holder: "t", using: senders, jitter: 0) { recorded.append(done) }
        }
        return recorded
    }
}
