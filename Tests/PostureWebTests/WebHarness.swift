import Foundation
import NIOConcurrencyHelpers
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// An in-process server with two organizations, for the dashboard's sign-in pages. Keeps cookies
/// like a browser would.
struct WebHarness {
    static let start = Date(iso8601: "2026-11-28T12:00:00Z")!
    let runtime: PostureRuntime
    let instant: NIOLockedValueBox<Date>
    let cookies = NIOLockedValueBox<[String: String]>([:])
    /// Over a real socket on 127.0.0.1 (a trusted proxy then), so `X-Forwarded-For` picks the
    /// client address: for tests of per-address limits.
    var live = false

    /// With `demo`, `contoso` is the demo organization with its 120 days of history.
    static func with(
        database: TestDatabase = .sqlite,
        demo: Bool = false,
        peers: Int = 0,
        live: Bool = false,
        configure: @Sendable (inout PostureConfiguration) -> Void = { _ in },
        _ body: @Sendable (WebHarness) async throws -> Void
    ) async throws {
        let configure: @Sendable (inout PostureConfiguration) -> Void = { configuration in
            if live { configuration.trustedProxies = ["127.0.0.1"] }
            configure(&configuration)
        }
        let instant = NIOLockedValueBox(start)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await database.withRuntime(clock: clock, configure: configure) { runtime in
            if demo { try await runtime.service.seedDemo(endDay: CivilDay(start), peers: peers) }
            for (id, name) in [("contoso", "Contoso"), ("fabrikam", "Fabrikam <script>alert(1)</script>")]
            where !(demo && id == "contoso") {
                try await runtime.service.store.createOrganization(
                    Organization(id: id, displayName: name, licensedUserCount: 50),
                    at: start
                )
            }
            try await body(WebHarness(runtime: runtime, instant: instant, live: live))
        }
    }

    func advance(_ seconds: TimeInterval) {
        instant.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Adds a user with a known password, already changed (no forced change) unless asked.
    func addUser(
        _ name: String,
        password: String,
        roles: [String: Role] = [:],
        mustChange: Bool = false,
        instanceAdministrator: Bool = false
    )
        async throws
    {
        let identity = runtime.identity
        var (user, _) = try await identity.addUser(
            name,
            displayName: name.capitalized,
            instanceAdministrator: instanceAdministrator,
            password: password,
            actor: "test"
        )
        for (organization, role) in roles {
            try await identity.grant(role, to: name, in: OrganizationID(organization), actor: "test")
        }
        if !mustChange {
            user = try await identity.user(name)
            user.mustChangePassword = false
            try await identity.store.updateUser(user)
        }
    }

    struct Result {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var body: String
        var location: String? { headers.first(name: .location) }
        func setCookie(_ name: String) -> String? {
            headers[.setCookie].first { $0.hasPrefix(name + "=") }
        }
    }

    /// Sends a request with the stored cookies and stores the ones that come back.
    @discardableResult
    func send(
        _ method: HTTPMethod,
        _ path: String,
        form: [(String, String)]? = nil,
        headers: [(String, String)] = []
    ) async throws -> Result {
        var result = Result(status: .ok, headers: [:], body: "")
        try await runtime.application.testing(method: live ? .running(hostname: "127.0.0.1", port: 0) : .inMemory).test(
            method,
            path,
            beforeRequest: { request in
                for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
                let jar = cookies.withLockedValue { $0 }
                if !jar.isEmpty {
                    request.headers.replaceOrAdd(
                        name: .cookie,
                        value: jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
                    )
                }
                if let form {
                    request.headers.contentType = .urlEncodedForm
                    request.body = ByteBuffer(
                        string: form.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
                    )
                }
            },
            afterResponse: { response in
                result = Result(status: response.status, headers: response.headers, body: response.body.string)
            }
        )
        for header in result.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            cookies.withLockedValue { jar in
                if value.isEmpty || header.contains("Max-Age=0") { jar[name] = nil } else { jar[name] = value }
            }
        }
        return result
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// The hidden CSRF field of the page.
    static func csrf(_ page: String) throws -> String {
        let marker = #"name="csrf" value=""#
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    /// Opens the sign-in page and posts the form.
    func signIn(
        _ name: String,
        _ password: String,
        next: String = "/",
        headers: [(String, String)] = []
    ) async throws -> Result {
        let page = try await send(.GET, "/signin?next=\(Self.encode(next))")
        return try await send(
            .POST,
            "/signin",
            form: [("username", name), ("password", password), ("csrf", try Self.csrf(page.body)), ("next", next)],
            headers: headers
        )
    }
}
