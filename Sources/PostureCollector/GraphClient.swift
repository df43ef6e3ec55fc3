import Foundation
import PostureCore
import PostureEvidence
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to Microsoft Graph, Exchange Online's admin API and Defender for Endpoint's API with
/// app-only tokens (one per service): pages, throttling, retries and token renewal.
final class GraphClient: Sendable {
    struct Settings: Sendable {
        var tenantID: String
        var clientID: String
        var credential: GraphCredential
        /// `https://login.microsoftonline.com`, or a national cloud's.
        var loginURL: String
        /// `https://graph.microsoft.com`, or a national cloud's.
        var graphURL: String
        /// Exchange Online's admin endpoint, `https://outlook.office365.com` or a national cloud's.
        var exchangeURL: String = ""
        /// Defender for Endpoint's API; nil where the cloud has none.
        var defenderURL: String?
        /// Attempts per request when Graph throttles (429) or is unavailable (503, 504).
        var maxAttempts = 6
        /// Seconds a request may take; a person waiting on a connection test gets less.
        var requestTimeout: Double = 120
    }

    let settings: Settings
    let session: URLSession
    /// Waits between attempts; tests pass one that records instead of sleeping.
    let sleep: @Sendable (Double) async throws -> Void
    /// The current token of each service (by its root URL) and how many were requested; shared
    /// by every request of a collection.
    private let state = Mutex<(tokens: [String: String], requests: Int)>(([:], 0))
    /// Every HTTP exchange, the throttled answers among them, and the last `Retry-After` seen.
    private let traffic = Mutex<Traffic>(Traffic())

    struct Traffic: Sendable {
        var exchanges = 0
        var throttled = 0
        var lastRetryAfter: Double?
    }

    var tokenRequests: Int { state.withLock { $0.requests } }
    var trafficSoFar: Traffic { traffic.withLock { $0 } }

    /// A client for one app registration; trailing slashes of the endpoints are dropped.
    convenience init(
        tenantID: String,
        clientID: String,
        credential: GraphCredential,
        loginURL: String,
        graphURL: String,
        exchangeURL: String = MicrosoftCloud.commercial.exchangeURL,
        defenderURL: String? = MicrosoftCloud.commercial.defenderURL,
        maxAttempts: Int = 6,
        requestTimeout: Double = 120,
        sleep: @escaping @Sendable (Double) async throws -> Void
    ) {
        func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
        self.init(
            settings: Settings(
                tenantID: tenantID,
                clientID: clientID,
                credential: credential,
                loginURL: trimmed(loginURL),
                graphURL: trimmed(graphURL),
                exchangeURL: trimmed(exchangeURL),
                defenderURL: defenderURL.map(trimmed),
                maxAttempts: maxAttempts,
                requestTimeout: requestTimeout
            ),
            sleep: sleep
        )
    }

    init(settings: Settings, sleep: @escaping @Sendable (Double) async throws -> Void) {
        self.settings = settings
        self.sleep = sleep
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.requestTimeout
        session = URLSession(configuration: configuration, delegate: SameHostRedirects(), delegateQueue: nil)
    }

    // Each client has its own session (and delegate): let it go with the client.
    deinit { session.finishTasksAndInvalidate() }

    var tokenEndpoint: String {
        "\(settings.loginURL)/\(settings.tenantID)/oauth2/v2.0/token"
    }

    /// Gets a token for a service (Graph unless told) with the client-credentials grant.
    @discardableResult
    func acquireToken(for service: String? = nil) async throws(CollectorError) -> String {
        let service = service ?? settings.graphURL
        state.withLock { $0.requests += 1 }
        var form = [
            ("grant_type", "client_credentials"), ("client_id", settings.clientID),
            ("scope", "\(service)/.default"),
        ]
        switch settings.credential {
        case .secret(let secret):
            form.append(("client_secret", secret))
        case .certificate(let certificate):
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(
                (
                    "client_assertion",
                    try certificate.assertion(clientID: settings.clientID, audience: tokenEndpoint, now: Date())
                )
            )
        }
        guard let url = URL(string: tokenEndpoint) else { throw .token("\(tokenEndpoint) is not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(form.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&").utf8)
        let (data, status, _) = try await exchangeRetrying(request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 200, let token = object["access_token"] as? String else {
            let reason = (object["error_description"] as? String)?.components(separatedBy: "\r\n").first
            guard service == settings.graphURL else {
                throw .serviceToken(service: URL(string: service)?.host ?? service, message: reason ?? "HTTP \(status)")
            }
            throw .token(reason ?? "HTTP \(status)")
        }
        state.withLock { $0.tokens[service] = token }
        return token
    }

    /// GETs one URL (absolute, or relative to the Graph v1.0 root; `/beta/…` relative to the
    /// Graph root) as JSON, retrying throttled and unavailable answers and renewing an expired
    /// token once. Absolute URLs (next links) must point at the Graph host: the token is never sent
    /// anywhere else.
    func get(_ target: String) async throws(CollectorError) -> [String: Any] {
        let root = settings.graphURL
        let address =
            target.hasPrefix("http") ? target : target.hasPrefix("/beta/") ? root + target : "\(root)/v1.0\(target)"
        return try await send(address, service: root, name: "Graph")
    }

    /// Sends a JSON request to Graph v1.0 (a path relative to its root): a write, with the
    /// resource's ETag in `If-Match` when it needs one. A create (POST) is not repeated after a
    /// lost connection or a server error, since it may have been made: the caller looks before it
    /// tries again. An empty answer (204) is an empty object.
    func write(
        _ method: String,
        _ path: String,
        body: String,
        ifMatch: String? = nil
    ) async throws(CollectorError) -> [String: Any] {
        let root = settings.graphURL
        return try await send(
            "\(root)/v1.0\(path)",
            service: root,
            name: "Graph",
            method: method,
            body: Data(body.utf8),
            headers: ifMatch.map { [("If-Match", $0)] } ?? []
        )
    }

    /// The current access token for Graph, getting one when there is none.
    func graphToken() async throws(CollectorError) -> String {
        if let token = state.withLock({ $0.tokens[settings.graphURL] }) { return token }
        return try await acquireToken()
    }

    /// GETs one URL of Defender for Endpoint's API (absolute, or relative to its root).
    func getDefender(_ target: String) async throws(CollectorError) -> [String: Any] {
        guard let root = settings.defenderURL else {
            throw .unavailable("Defender for Endpoint's API is not offered in this cloud")
        }
        return try await send(target.hasPrefix("http") ? target : root + target, service: root, name: "Defender")
    }

    /// Runs one Exchange Online cmdlet through the admin API's `InvokeCommand` (as Exchange's own
    /// management module does) and returns every object, following `@odata.nextLink`.
    func invoke(_ cmdlet: String, parameters: [String: String] = [:]) async throws(CollectorError) -> [Any] {
        let root = settings.exchangeURL
        let body: [String: Any] = ["CmdletInput": ["CmdletName": cmdlet, "Parameters": parameters]]
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw .http(status: 0, message: "the \(cmdlet) request cannot be written (\(error))")
        }
        var next: String? = "\(root)/adminapi/beta/\(settings.tenantID)/InvokeCommand" + select(for: cmdlet)
        var items: [Any] = []
        var seen = Set<String>()
        while let address = next {
            try Self.checkNext(address, seen: &seen)
            let page = try await send(address, service: root, name: "Exchange", method: "POST", body: data)
            items += page["value"] as? [Any] ?? []
            next = page["@odata.nextLink"] as? String
        }
        return items
    }

    /// The properties worth reading of cmdlets whose objects are large (a mailbox is 10–15 KB):
    /// `$select` on the admin API, as Exchange's own module sends it.
    private func select(for cmdlet: String) -> String {
        switch cmdlet {
        case "Get-Mailbox":
            "?$select=Name,UserPrincipalName,RecipientTypeDetails,AuditEnabled,AuditOwner,AuditDelegate,AuditAdmin,"
                + "DefaultAuditSet,RoleAssignmentPolicy"
        case "Get-MailboxAuditBypassAssociation": "?$select=Name,AuditBypassEnabled"
        default: ""
        }
    }

    /// Pages a service links to: never one seen before (a loop), and at most 100,000 of them.
    static func checkNext(_ address: String, seen: inout Set<String>) throws(CollectorError) {
        guard seen.insert(address).inserted else {
            throw .unavailable("the service linked back to a page already read (\(address.prefix(120)))")
        }
        guard seen.count <= 100_000 else { throw .unavailable("more than 100,000 pages; stopped") }
    }

    /// Sends one request to a service with its token: a GET, or a JSON request with a body.
    private func send(
        _ address: String,
        service: String,
        name: String,
        method: String = "GET",
        body: Data? = nil,
        headers: [(String, String)] = []
    ) async throws(CollectorError) -> [String: Any] {
        guard let url = URL(string: address) else { throw .http(status: 0, message: "\(address) is not a URL") }
        guard let root = URL(string: service), Self.sameOrigin(url, root) else {
            throw .http(status: 0, message: "\(name) pointed at \(url.host ?? address), not at the \(name) host")
        }
        var renewed = false
        while true {
            let bearer: String
            if let token = state.withLock({ $0.tokens[service] }) {
                bearer = token
            } else {
                bearer = try await acquireToken(for: service)
            }
            var request = URLRequest(url: url)
            request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            request.httpMethod = method
            for (header, value) in headers { request.setValue(value, forHTTPHeaderField: header) }
            if let body {
                request.httpBody = body
                request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
            }
            if name == "Exchange" {
                // Exchange routes app-only requests by the tenant's system mailbox.
                request.setValue(
                    "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@\(settings.tenantID)",
                    forHTTPHeaderField: "X-AnchorMailbox"
                )
                request.setValue("odata.maxpagesize=1000", forHTTPHeaderField: "Prefer")
            }
            let (data, status, _) = try await exchangeRetrying(
                request,
                repeatable: method != "POST" || name == "Exchange"
            )
            switch status {
            case 200..<300:
                if data.isEmpty { return [:] }
                guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    throw .http(status: status, message: "the answer is not a JSON object")
                }
                return object
            case 401 where !renewed:
                // Tokens live about an hour; a long collection outlives one.
                renewed = true
                state.withLock { $0.tokens[service] = nil }
            default:
                throw .http(status: status, message: Self.graphMessage(data))
            }
        }
    }

    /// Sends a request, retrying what is worth retrying: throttling (429, 503, 504) up to
    /// `maxAttempts` attempts, waiting as `Retry-After` says or 1, 2, 4, … seconds (at most 300);
    /// server errors (500, 502) and lost connections up to three attempts. Returns the last answer.
    private func exchangeRetrying(
        _ request: URLRequest,
        repeatable: Bool = true
    ) async throws(CollectorError) -> (Data, Int, [String: String]) {
        var throttled = 0
        var failed = 0
        while true {
            let answer: (Data, Int, [String: String])
            do {
                answer = try await exchange(request)
            } catch {
                failed += 1
                guard failed < 3, repeatable else { throw error }
                try await pause(pow(2, Double(failed - 1)))
                continue
            }
            let (_, status, headers) = answer
            let advised = headers["retry-after"].flatMap(Double.init)
            if [429, 503, 504].contains(status) {
                traffic.withLock {
                    $0.throttled += 1
                    $0.lastRetryAfter = advised ?? $0.lastRetryAfter
                }
            }
            // 429 is a refusal; 503 and 504 may come after a create was made, so a create is not
            // repeated on them.
            if status == 429 || ([503, 504].contains(status) && repeatable), throttled + 1 < settings.maxAttempts {
                throttled += 1
                try await pause(min(advised ?? pow(2, Double(throttled - 1)), 300))
            } else if [500, 502].contains(status), failed + 1 < 3, repeatable {
                failed += 1
                try await pause(pow(2, Double(failed - 1)))
            } else {
                return answer
            }
        }
    }

    private func pause(_ seconds: Double) async throws(CollectorError) {
        do {
            try await sleep(seconds)
        } catch {
            throw .unavailable("cancelled while waiting to retry")
        }
    }

    /// Every item of a collection, following `@odata.nextLink`; `onPage` sees the running count.
    func collection(
        _ path: String,
        defender: Bool = false,
        onPage: @Sendable (_ items: Int, _ pages: Int) -> Void
    ) async throws(CollectorError) -> (context: Any?, items: [Any]) {
        var items: [Any] = []
        var next: String? = path
        var context: Any?
        var pages = 0
        var seen = Set<String>()
        while let target = next {
            try Self.checkNext(target, seen: &seen)
            let page = defender ? try await getDefender(target) : try await get(target)
            if pages == 0 { context = page["@odata.context"] }
            pages += 1
            items += page["value"] as? [Any] ?? []
            onPage(items.count, pages)
            next = page["@odata.nextLink"] as? String
        }
        return (context, items)
    }

    private func exchange(_ request: URLRequest) async throws(CollectorError) -> (Data, Int, [String: String]) {
        traffic.withLock { $0.exchanges += 1 }
        do {
            let (data, response) = try await session.data(for: request)
            let http = response as? HTTPURLResponse
            var headers: [String: String] = [:]
            for (key, value) in http?.allHeaderFields ?? [:] {
                if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
            }
            return (data, http?.statusCode ?? 0, headers)
        } catch {
            throw .unreachable("\(request.url?.host ?? "?"): \(error.localizedDescription)")
        }
    }

    /// Scheme, host (in any case) and port (an explicit default port is the default) agree.
    static func sameOrigin(_ url: URL, _ root: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme == "https" ? 443 : url.scheme == "http" ? 80 : nil) }
        return url.scheme?.lowercased() == root.scheme?.lowercased()
            && url.host?.lowercased() == root.host?.lowercased()
            && port(url) == port(root)
    }

    /// The service's error: Graph's `code: message`; Exchange's admin API puts the cmdlet's own
    /// error in `details[].message` or `innererror.internalException.message`.
    static func graphMessage(_ data: Data) -> String {
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        if let error = object?["error"] as? [String: Any] {
            let code = error["code"] as? String
            let details = (error["details"] as? [[String: Any]])?.compactMap { $0["message"] as? String }.first
            let inner =
                ((error["innererror"] as? [String: Any])?["internalException"] as? [String: Any])?["message"] as? String
            let message = details ?? inner ?? error["message"] as? String
            return [code, message].compactMap { $0 }.joined(separator: ": ")
        }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}

/// Follows a redirect only to the host it came from: the request carries the Graph bearer token,
/// which must never reach another host. A redirect elsewhere is not followed, and the 3xx answer is
/// reported as the resource's failure.
final class SameHostRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        let from = task.originalRequest?.url
        let to = request.url
        let sameHost =
            from?.host?.lowercased() == to?.host?.lowercased() && from?.scheme == to?.scheme
            && from?.port == to?.port
        completionHandler(sameHost ? request : nil)
    }
}
