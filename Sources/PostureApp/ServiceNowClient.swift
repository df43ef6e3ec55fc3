import Foundation
import PostureCore
import PostureServices

/// ServiceNow's Table API over HTTPS, under the outbound rules: Basic sign-in, or an OAuth token
/// from `/oauth_token.do` (password grant) for each call. A ticket is raised only when no open one
/// has its correlation id, so a retried or repeated share never raises a second: a repeated share
/// adds a work note to the open one instead.
public struct ServiceNowClient: TicketSending {
    let http: OutboundHTTPSender

    public init(policy: OutboundPolicy, timeout: Double = 15) {
        http = OutboundHTTPSender(policy: policy, timeout: timeout)
    }

    public func raise(
        _ draft: TicketDraft,
        settings: ServiceNowSettings,
        credentials: ServiceNowCredentials
    ) async -> (DeliveryAttempt, ServiceNowTableAPI.Record?) {
        let authorization: String
        switch await self.authorization(settings, credentials) {
        case .success(let header): authorization = header
        case .failure(let failure): return (DeliveryAttempt(status: failure.status, error: failure.message), nil)
        }
        let headers = [("authorization", authorization), ("accept", "application/json")]
        let open = await http.perform(
            "GET",
            url: settings.instanceURL
                + ServiceNowTableAPI.queryPath(
                    settings.table,
                    query: ServiceNowTableAPI.openQuery(draft.correlationID),
                    limit: 1
                ),
            headers: headers,
            body: nil
        )
        if open.status == 200, let existing = ServiceNowTableAPI.records(open.body)?.first {
            // Shared again: a work note on the open ticket instead of a second ticket.
            let noted = await http.perform(
                "PATCH",
                url: settings.instanceURL + ServiceNowTableAPI.recordPath(settings.table, sysID: existing.sysID),
                headers: headers + [("content-type", "application/json")],
                body: ServiceNowTableAPI.workNoteBody(draft)
            )
            guard let status = noted.status, (200..<300).contains(status) else {
                return (
                    DeliveryAttempt(
                        status: noted.status,
                        retryAfter: noted.retryAfter,
                        error: noted.error ?? Self.describe(noted)
                    ),
                    existing
                )
            }
            return (DeliveryAttempt(status: status), ServiceNowTableAPI.records(noted.body)?.first ?? existing)
        }
        let created = await http.perform(
            "POST",
            url: settings.instanceURL + ServiceNowTableAPI.createPath(settings.table),
            headers: headers + [("content-type", "application/json")],
            body: ServiceNowTableAPI.body(draft, settings)
        )
        guard let status = created.status, (200..<300).contains(status) else {
            return (
                DeliveryAttempt(
                    status: created.status,
                    retryAfter: created.retryAfter,
                    error: created.error ?? Self.describe(created)
                ), nil
            )
        }
        guard let record = ServiceNowTableAPI.records(created.body)?.first else {
            return (DeliveryAttempt(status: nil, error: "ServiceNow answered \(status) without the record"), nil)
        }
        return (DeliveryAttempt(status: status), record)
    }

    public func records(
        query: String,
        settings: ServiceNowSettings,
        credentials: ServiceNowCredentials
    ) async -> Result<[ServiceNowTableAPI.Record], TicketReadFailure> {
        let authorization: String
        switch await self.authorization(settings, credentials) {
        case .success(let header): authorization = header
        case .failure(let failure): return .failure(TicketReadFailure(failure.message))
        }
        let answer = await http.perform(
            "GET",
            url: settings.instanceURL + ServiceNowTableAPI.queryPath(settings.table, query: query),
            headers: [("authorization", authorization), ("accept", "application/json")],
            body: nil
        )
        guard answer.status == 200, let records = ServiceNowTableAPI.records(answer.body) else {
            return .failure(TicketReadFailure(answer.error ?? Self.describe(answer)))
        }
        return .success(records)
    }

    struct SignInFailure: Error {
        var status: Int?
        var message: String
    }

    /// `Basic …`, or `Bearer …` from the instance's token endpoint.
    func authorization(
        _ settings: ServiceNowSettings,
        _ credentials: ServiceNowCredentials
    ) async -> Result<String, SignInFailure> {
        switch settings.authentication {
        case .basic:
            let pair = Data((settings.username + ":" + credentials.password).utf8).base64EncodedString()
            return .success("Basic " + pair)
        case .oauth:
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            func field(_ name: String, _ value: String) -> String {
                name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
            }
            let form = [
                field("grant_type", "password"), field("client_id", settings.clientID ?? ""),
                field("client_secret", credentials.clientSecret ?? ""), field("username", settings.username),
                field("password", credentials.password),
            ].joined(separator: "&")
            let answer = await http.perform(
                "POST",
                url: settings.instanceURL + "/oauth_token.do",
                headers: [("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json")],
                body: form
            )
            guard answer.status == 200, let node = try? JSONSourceParser.parse(answer.body, file: "token"),
                case .object(let object) = JSONValue(node), case .string(let token)? = object["access_token"]
            else {
                return .failure(
                    SignInFailure(
                        status: answer.status,
                        message: "signing in to ServiceNow failed: " + (answer.error ?? Self.describe(answer))
                    )
                )
            }
            return .success("Bearer " + token)
        }
    }

    /// ServiceNow's own words for a refusal (`{"error": {"message", "detail"}}`), or the status.
    static func describe(_ answer: OutboundHTTPSender.Answer) -> String {
        guard let status = answer.status else { return answer.error ?? "no answer" }
        if let node = try? JSONSourceParser.parse(answer.body, file: "servicenow"),
            case .object(let root) = JSONValue(node),
            case .object(let error)? = root["error"], case .string(let message)? = error["message"]
        {
            return "ServiceNow answered \(status): \(message.prefix(300))"
        }
        return "ServiceNow answered \(status)"
    }
}
