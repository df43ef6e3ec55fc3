import Crypto
import Foundation
import NIOConcurrencyHelpers
import Vapor
import _CryptoExtras

/// A local stand-in for Entra ID's token endpoint and Microsoft Graph, answering with recorded
/// Graph responses (a snapshot directory's files), paged, with scripted throttling, failures and
/// token expiry. It listens on a free port of 127.0.0.1 for real HTTP clients. Its handlers are
/// synchronous, so they answer on the event loops even while tests block the concurrency pool
/// waiting for a command-line process.
public final class RecordedGraphServer: Sendable {
    public struct Script: Sendable {
        public var tenantID = "5f3c9a2e-1b7d-4c1e-9a55-0c2d7e8f9a10"
        public var clientID = "collector-app"
        public var secret = "s3cret"
        /// PEM of the public key that must have signed a client assertion (certificate credential).
        public var assertionKey: String?
        public var pageSize = 3
        /// Resource → status and Retry-After of the first answer only (throttling, unavailability).
        public var firstAnswer: [String: (status: Int, retryAfter: Int?)] = [:]
        /// Resource → status of every answer (permissions missing, licence missing).
        public var failing: [String: Int] = [:]
        /// After this many Graph requests, the current token expires.
        public var expireTokenAfter: Int?
        /// Next links point at this base instead of the server's own (a hostile or broken answer).
        public var nextLinkBase: String?
        /// Resources answered with a redirect to the same path on another host name of this
        /// machine (`localhost` instead of `127.0.0.1`).
        public var redirectElsewhere: Set<String> = []
        /// Folders whose recorded answers serve the resources `directory` lacks (Microsoft's
        /// Secure Score export beside a configuration snapshot).
        public var alsoFrom: [URL] = []
        /// Seconds every Graph answer takes (a slow tenant), timed on the event loop.
        public var answerDelay: Double = 0

        public init() {}
    }

    public struct Log: Sendable {
        public var tokenRequests = 0
        /// The `scope` of every token request: one service's `.default` each.
        public var tokenScopes: [String] = []
        public var graphRequests: [String] = []
        /// The `Host` of every Graph request that carried a bearer token.
        public var bearerHosts: [String] = []
        /// Every Exchange cmdlet invoked, in order.
        public var exchangeCommands: [String] = []
    }

    let app: Application
    public let baseURL: String
    private let log: NIOLockedValueBox<Log>

    public var recorded: Log { log.withLockedValue { $0 } }

    private init(app: Application, baseURL: String, log: NIOLockedValueBox<Log>) {
        self.app = app
        self.baseURL = baseURL
        self.log = log
    }

    public static func start(directory: URL, script: Script) async throws -> RecordedGraphServer {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        let log = NIOLockedValueBox(Log())
        // Every token issued stays valid, as Entra ID's do, so concurrent collections each keep
        // their own; `expireTokenAfter` expires the newest one.
        let state = NIOLockedValueBox(
            (valid: Set<String>(), newest: "", issued: 0, graphCalls: 0, seen: Set<String>())
        )
        let base = NIOLockedValueBox("")

        app.post(":tenant", "oauth2", "v2.0", "token") { request throws -> Response in
            log.withLockedValue { $0.tokenRequests += 1 }
            let form = try request.content.decode([String: String].self)
            log.withLockedValue { $0.tokenScopes.append(form["scope"] ?? "") }
            guard request.parameters.get("tenant") == script.tenantID, form["client_id"] == script.clientID else {
                return try json(
                    400,
                    ["error": "unauthorized_client", "error_description": "AADSTS700016: Application not found"]
                )
            }
            let authenticated: Bool
            if let assertion = form["client_assertion"], let key = script.assertionKey {
                authenticated = verify(
                    assertion,
                    key: key,
                    audience: "\(base.withLockedValue { $0 })/\(script.tenantID)/oauth2/v2.0/token",
                    client: script.clientID
                )
            } else {
                authenticated = form["client_secret"] == script.secret
            }
            guard authenticated else {
                return try json(
                    401,
                    ["error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."]
                )
            }
            let token = state.withLockedValue { value -> String in
                value.issued += 1
                value.newest = "graph-token-\(value.issued)"
                value.valid.insert(value.newest)
                return value.newest
            }
            return try json(200, ["access_token": token, "token_type": "Bearer", "expires_in": 3599])
        }

        /// Next links name the host the request came to, as the real services' do.
        @Sendable func origin(_ request: Request) -> String {
            request.headers.first(name: .host).map { "http://\($0)" } ?? base.withLockedValue { $0 }
        }

        @Sendable func graphAnswer(_ request: Request) throws -> Response {
            let path = "/" + request.url.path.split(separator: "/").dropFirst().joined(separator: "/")
            log.withLockedValue { $0.graphRequests.append(path) }
            let bearer = request.headers.bearerAuthorization?.token
            let host = request.headers.first(name: .host) ?? ""
            if bearer != nil { log.withLockedValue { $0.bearerHosts.append(host) } }
            if script.redirectElsewhere.contains(resourceName(path)), host.hasPrefix("127.0.0.1") {
                let port = host.split(separator: ":").last.map(String.init) ?? ""
                var headers = HTTPHeaders()
                headers.add(name: .location, value: "http://localhost:\(port)\(request.url.string)")
                return Response(status: .found, headers: headers)
            }
            let valid = state.withLockedValue { value -> Bool in
                value.graphCalls += 1
                if let limit = script.expireTokenAfter, value.graphCalls == limit + 1 {
                    value.valid.remove(value.newest)
                }
                return bearer.map { value.valid.contains($0) } ?? false
            }
            guard valid else {
                return try graphError(
                    401,
                    "InvalidAuthenticationToken",
                    "Access token has expired or is not yet valid."
                )
            }
            let resource = resourceName(path)
            if let status = script.failing[resource] {
                return try graphError(
                    status,
                    "Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation."
                )
            }
            if let first = script.firstAnswer[resource], state.withLockedValue({ $0.seen.insert(resource).inserted }) {
                var headers = HTTPHeaders()
                if let after = first.retryAfter { headers.add(name: "Retry-After", value: String(after)) }
                let response = try graphError(first.status, "TooManyRequests", "Too many requests.")
                response.headers.add(contentsOf: headers)
                return response
            }
            let holding = ([directory] + script.alsoFrom).first {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent("\(resource).json").path)
            }
            return try answer(
                path: path,
                resource: resource,
                query: request.url.query,
                directory: holding ?? directory,
                base: script.nextLinkBase ?? origin(request),
                pageSize: script.pageSize,
                linkPrefix: "/" + (request.url.path.split(separator: "/").first.map(String.init) ?? "v1.0")
            )
        }

        @Sendable func delayed(_ request: Request, _ response: Response) -> EventLoopFuture<Response> {
            guard script.answerDelay > 0 else { return request.eventLoop.makeSucceededFuture(response) }
            return request.eventLoop.scheduleTask(in: .milliseconds(Int64(script.answerDelay * 1000))) { response }
                .futureResult
        }
        // Graph v1.0 and beta, and Defender for Endpoint's API (`/api/…`): GETs of recorded answers.
        for root in ["v1.0", "beta", "api"] {
            app.get(PathComponent(stringLiteral: root), "**") { request throws -> EventLoopFuture<Response> in
                delayed(request, try graphAnswer(request))
            }
        }
        // Exchange Online's admin API: `POST /adminapi/beta/{tenant}/InvokeCommand` with the cmdlet
        // in the body, routed by the system mailbox anchor, paged with next links that are POSTed
        // again with the same body.
        app.on(.POST, "adminapi", "beta", ":tenant", "InvokeCommand", body: .collect(maxSize: "64kb")) {
            request throws -> EventLoopFuture<Response> in
            struct Invocation: Decodable {
                struct Input: Decodable {
                    var CmdletName: String
                    var Parameters: [String: String]?
                }
                var CmdletInput: Input
            }
            guard request.parameters.get("tenant") == script.tenantID,
                request.headers.first(name: "X-AnchorMailbox")?.hasSuffix("@\(script.tenantID)") == true
            else {
                return delayed(request, try graphError(400, "BadRequest", "The anchor mailbox or tenant is wrong."))
            }
            guard let invocation = try? request.content.decode(Invocation.self, as: .json),
                let resource = exchangeResources[invocation.CmdletInput.CmdletName]
            else {
                return delayed(
                    request,
                    try graphError(400, "BadRequest", "The term is not recognized as a cmdlet available to you.")
                )
            }
            log.withLockedValue { $0.exchangeCommands.append(invocation.CmdletInput.CmdletName) }
            let valid = state.withLockedValue { value in
                request.headers.bearerAuthorization.map { value.valid.contains($0.token) } ?? false
            }
            guard valid else {
                return delayed(request, try graphError(401, "InvalidAuthenticationToken", "Access token is invalid."))
            }
            if let status = script.failing[resource] {
                return delayed(
                    request,
                    try graphError(status, "Forbidden", "The role assigned to application isn't supported.")
                )
            }
            let holding = ([directory] + script.alsoFrom).first {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent("\(resource).json").path)
            }
            let base = "\(script.nextLinkBase ?? origin(request))/adminapi/beta/\(script.tenantID)"
            return delayed(
                request,
                try answer(
                    path: "/InvokeCommand",
                    resource: resource,
                    query: request.url.query,
                    directory: holding ?? directory,
                    base: base,
                    pageSize: script.pageSize,
                    linkPrefix: ""
                )
            )
        }

        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else {
            throw Abort(.internalServerError, reason: "the recorded Graph server has no port")
        }
        let url = "http://127.0.0.1:\(port)"
        base.withLockedValue { $0 = url }
        return RecordedGraphServer(app: app, baseURL: url, log: log)
    }

    public func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// The snapshot resource a Graph path belongs to (`users`, `groupMembers`, …).
    static func resourceName(_ path: String) -> String {
        if path.hasPrefix("/groups/") { return "groupMembers" }
        if path.hasPrefix("/deviceManagement/deviceCompliancePolicies/") { return "deviceComplianceStatuses" }
        let table: [(String, String)] = [
            ("/organization", "organization"), ("/domains", "domains"), ("/subscribedSkus", "subscribedSkus"),
            ("/users", "users"), ("/reports/authenticationMethods/userRegistrationDetails", "userRegistrationDetails"),
            ("/roleManagement/directory/roleAssignments", "roleAssignments"),
            ("/roleManagement/directory/roleEligibilitySchedules", "roleEligibilitySchedules"),
            ("/identity/conditionalAccess/policies", "conditionalAccessPolicies"),
            ("/policies/identitySecurityDefaultsEnforcementPolicy", "identitySecurityDefaultsEnforcementPolicy"),
            ("/policies/authorizationPolicy", "authorizationPolicy"),
            ("/policies/authenticationMethodsPolicy", "authenticationMethodsPolicy"),
            ("/policies/adminConsentRequestPolicy", "adminConsentRequestPolicy"), ("/groupSettings", "groupSettings"),
            ("/directory/onPremisesSynchronization", "onPremisesSynchronization"),
            ("/servicePrincipals", "servicePrincipals"), ("/oauth2PermissionGrants", "oauth2PermissionGrants"),
            ("/admin/sharepoint/settings", "sharepointSettings"), ("/security/secureScores", "secureScores"),
            ("/security/secureScoreControlProfiles", "secureScoreControlProfiles"),
            ("/deviceManagement/managedDevices", "managedDevices"),
            ("/deviceManagement/deviceCompliancePolicies", "deviceCompliancePolicies"),
            ("/admin/appsAndServices", "appsAndServicesSettings"), ("/admin/forms", "formsSettings"),
            ("/machines/SecureConfigurationsAssessmentByMachine", "secureConfigurationAssessments"),
        ]
        return table.first { $0.0 == path }?.1 ?? path
    }
}

/// Exchange cmdlets and the recorded answers they read.
private let exchangeResources: [String: String] = [
    "Get-OrganizationConfig": "exchangeOrganizationConfig", "Get-AcceptedDomain": "acceptedDomains",
    "Get-Mailbox": "mailboxes", "Get-MailboxAuditBypassAssociation": "mailboxAuditBypass",
    "Get-RoleAssignmentPolicy": "roleAssignmentPolicies", "Get-SharingPolicy": "sharingPolicies",
    "Get-OwaMailboxPolicy": "owaMailboxPolicies", "Get-TransportRule": "transportRules",
    "Get-AdminAuditLogConfig": "adminAuditLogConfig", "Get-IRMConfiguration": "irmConfiguration",
    "Get-AntiPhishPolicy": "antiPhishPolicies", "Get-AntiPhishRule": "antiPhishRules",
    "Get-AtpPolicyForO365": "atpPolicyForO365", "Get-SafeAttachmentPolicy": "safeAttachmentPolicies",
    "Get-SafeAttachmentRule": "safeAttachmentRules", "Get-SafeLinksPolicy": "safeLinksPolicies",
    "Get-SafeLinksRule": "safeLinksRules", "Get-HostedContentFilterPolicy": "hostedContentFilterPolicies",
    "Get-MalwareFilterPolicy": "malwareFilterPolicies",
    "Get-HostedOutboundSpamFilterPolicy": "outboundSpamFilterPolicies",
    "Get-HostedOutboundSpamFilterRule": "outboundSpamFilterRules",
    "Get-EOPProtectionPolicyRule": "eopProtectionPolicyRules",
    "Get-ATPProtectionPolicyRule": "atpProtectionPolicyRules",
]

private func json(_ status: Int, _ object: [String: Any]) throws -> Response {
    let response = Response(status: HTTPResponseStatus(statusCode: status))
    response.headers.contentType = .json
    response.body = .init(data: try JSONSerialization.data(withJSONObject: object))
    return response
}

private func graphError(_ status: Int, _ code: String, _ message: String) throws -> Response {
    try json(status, ["error": ["code": code, "message": message, "innerError": ["request-id": UUID().uuidString]]])
}

/// A recorded answer: single objects as they are, collections a page at a time with
/// `@odata.nextLink` carrying `$skiptoken`.
private func answer(
    path: String,
    resource: String,
    query: String?,
    directory: URL,
    base: String,
    pageSize: Int,
    linkPrefix: String? = nil
) throws -> Response {
    var items: [Any]
    var envelope: [String: Any] = [:]
    // Per-group and per-policy answers are recorded together, one entry per group or policy.
    let grouped = ["groupMembers": (1, "members"), "deviceComplianceStatuses": (2, "statuses")]
    if let (position, member) = grouped[resource] {
        let parts = path.split(separator: "/")
        let owner = parts.count > position ? String(parts[position]) : ""
        let data = try Data(contentsOf: directory.appendingPathComponent("\(resource).json"))
        let entries =
            (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["value"] as? [[String: Any]] ?? []
        guard let entry = entries.first(where: { $0["id"] as? String == owner }) else {
            return try graphError(404, "Request_ResourceNotFound", "Resource '\(owner)' does not exist.")
        }
        items = entry[member] as? [Any] ?? []
    } else {
        let url = directory.appendingPathComponent("\(resource).json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return try graphError(404, "Request_ResourceNotFound", "No recorded answer for \(path).")
        }
        let object = try JSONSerialization.jsonObject(with: data)
        guard let collection = object as? [String: Any], let value = collection["value"] as? [Any] else {
            let response = Response(status: .ok)
            response.headers.contentType = .json
            response.body = .init(data: data)
            return response
        }
        envelope = collection
        items = value
    }
    let skip =
        query?.split(separator: "&").compactMap { pair -> Int? in
            let parts = pair.split(separator: "=")
            return parts.first == "$skiptoken" || parts.first == "%24skiptoken" ? Int(parts.last ?? "") : nil
        }.first ?? 0
    let page = Array(items.dropFirst(skip).prefix(pageSize))
    envelope["value"] = page
    envelope["@odata.nextLink"] = nil
    if skip + pageSize < items.count {
        envelope["@odata.nextLink"] = "\(base)\(linkPrefix ?? "/v1.0")\(path)?$skiptoken=\(skip + pageSize)"
    }
    return try json(200, envelope)
}

/// Checks an RS256 client assertion: signature, audience, issuer and subject.
private func verify(_ assertion: String, key: String, audience: String, client: String) -> Bool {
    let parts = assertion.split(separator: ".").map(String.init)
    guard parts.count == 3, let publicKey = try? _RSA.Signing.PublicKey(pemRepresentation: key),
        let signature = base64URL(parts[2]), let claimsData = base64URL(parts[1]),
        let claims = try? JSONSerialization.jsonObject(with: claimsData) as? [String: Any]
    else { return false }
    let valid = publicKey.isValidSignature(
        _RSA.Signing.RSASignature(rawRepresentation: signature),
        for: Data("\(parts[0]).\(parts[1])".utf8),
        padding: .insecurePKCS1v1_5
    )
    return valid && claims["aud"] as? String == audience && claims["iss"] as? String == client
        && claims["sub"] as? String == client
}

private func base64URL(_ text: String) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64)
}
