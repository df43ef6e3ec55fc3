import Foundation
import PostureCore
import PostureStore

/// How states are written into the audit log's `before` and `after`: compact JSON, stable order.
enum AuditJSON {
    static func text(_ value: JSONValue) -> String { value.jsonText }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    static func status(_ record: StatusRecord?) -> String? {
        guard let record else { return nil }
        return text(
            .object(
                JSONObject([
                    ("status", .string(record.status.rawValue)), ("note", optional(record.note)),
                    ("owner", optional(record.owner)), ("expiresAt", optional(record.expiresAt?.iso8601)),
                    ("targetDate", optional(record.targetDate?.description)),
                ])
            )
        )
    }

    static func exclusion(_ exclusion: Exclusion) -> String {
        text(
            .object(
                JSONObject([
                    ("entity", .string(exclusion.entity)), ("reason", .string(exclusion.reason)),
                    ("owner", optional(exclusion.owner)), ("expiresAt", optional(exclusion.expiresAt?.iso8601)),
                ])
            )
        )
    }

    static func measurements(_ list: [ActionMeasurement]) -> String? {
        guard !list.isEmpty else { return nil }
        return text(
            .array(
                list.map { measurement in
                    var object = JSONObject([("actionId", .string(measurement.actionID))])
                    switch measurement.result {
                    case .implemented(let done): object["implemented"] = .bool(done)
                    case .counted(let achieved, let total):
                        object["achieved"] = .int(achieved)
                        object["total"] = .int(total)
                    }
                    if !measurement.excluded.isEmpty {
                        object["excluded"] = .array(measurement.excluded.map { .string($0.entity) })
                    }
                    return .object(object)
                }
            )
        )
    }

    static func organization(_ stored: StoredOrganization?) -> String? {
        guard let stored else { return nil }
        let organization = stored.organization
        return text(
            .object(
                JSONObject([
                    ("id", .string(organization.id)), ("displayName", .string(organization.displayName)),
                    ("licensedUserCount", organization.licensedUserCount.map(JSONValue.int) ?? .null),
                    ("activeUserCount", organization.activeUserCount.map(JSONValue.int) ?? .null),
                    ("industry", optional(organization.industry)), ("region", optional(organization.region)),
                    ("enabledServices", .array(stored.enabledServices.map(JSONValue.string))),
                ])
            )
        )
    }

    static func tags(_ tags: [String]) -> String { text(.array(tags.map(JSONValue.string))) }

    /// A connection's settings and when its credential last changed; never the credential.
    static func connection(_ stored: StoredConnection) -> JSONValue {
        let settings = stored.settings
        return .object(
            JSONObject([
                ("tenantId", .string(settings.tenantID)), ("clientId", .string(settings.clientID)),
                ("credential", .string(settings.credentialKind.rawValue)), ("cloud", .string(settings.cloud.rawValue)),
                ("sources", .array(settings.sources.map { .string($0.rawValue) })),
                ("loginUrl", optional(settings.loginURL)), ("graphUrl", optional(settings.graphURL)),
                ("exchangeUrl", optional(settings.exchangeURL)), ("defenderUrl", optional(settings.defenderURL)),
                ("collectEveryMinutes", .int(settings.schedule.intervalMinutes)),
                ("credentialRotatedAt", .string(stored.credentialRotatedAt.iso8601)),
            ])
        )
    }

    static func connectionApp(_ app: StoredConnectionApp) -> String {
        text(
            .object(
                JSONObject([
                    ("clientId", .string(app.clientID)), ("credential", .string(app.credentialKind.rawValue)),
                    ("credentialRotatedAt", .string(app.credentialRotatedAt.iso8601)),
                ])
            )
        )
    }

    /// An endpoint without its secret, which the audit log never holds.
    /// A channel as the audit log keeps it: never its secret (a webhook's key, a Teams URL's
    /// signature, an SMTP password).
    static func channel(_ channel: OutboundChannel) -> String {
        var fields: [(String, JSONValue)] = [
            ("id", .string(channel.id)), ("kind", .string(channel.kind.rawValue)), ("name", .string(channel.name)),
            ("target", .string(channel.target)), ("events", .array(channel.events.map { .string($0.rawValue) })),
        ]
        if let mail = channel.mail {
            fields.append(
                (
                    "smtp",
                    .object(
                        JSONObject([
                            ("host", .string(mail.host)), ("port", .int(mail.port)),
                            ("security", .string(mail.security.rawValue)), ("username", .string(mail.username ?? "")),
                            ("from", .string(mail.from)),
                        ])
                    )
                )
            )
        }
        if let settings = channel.serviceNow {
            fields.append(
                (
                    "servicenow",
                    .object(
                        JSONObject([
                            ("instanceUrl", .string(settings.instanceURL)), ("table", .string(settings.table.rawValue)),
                            ("authentication", .string(settings.authentication.rawValue)),
                            ("username", .string(settings.username)), ("clientId", .string(settings.clientID ?? "")),
                        ])
                    )
                )
            )
        }
        if let planner = channel.planner {
            fields.append(
                (
                    "planner",
                    .object(
                        JSONObject([
                            ("planId", .string(planner.planID)), ("bucketId", .string(planner.bucketID)),
                            ("assigneeId", .string(planner.assigneeID ?? "")),
                        ])
                    )
                )
            )
        }
        return text(.object(JSONObject(fields)))
    }

    static func alertRules(_ rules: AlertRules) -> String { text(rules.json) }

    static func share(_ share: ActionShare) -> String {
        text(
            .object(
                JSONObject([
                    ("id", .string(share.id)), ("method", .string(share.method.rawValue)),
                    ("target", .string(share.target)),
                    ("channelId", .string(share.channelID)), ("note", .string(share.note)),
                    ("deliveryId", .string(share.deliveryID)),
                ])
            )
        )
    }
}
