import Foundation

/// What one evaluation of an organization's alerts looks at, gathered by the service.
public struct AlertInput: Sendable {
    /// An exception (risk accepted or resolved otherwise) with an expiry.
    public struct Exception: Sendable, Equatable {
        public var actionID: String
        public var status: ActionStatus
        public var expiresAt: Date

        public init(actionID: String, status: ActionStatus, expiresAt: Date) {
            self.actionID = actionID
            self.status = status
            self.expiresAt = expiresAt
        }
    }

    /// The organization's Microsoft 365 connection, when it has one.
    public struct Connection: Sendable, Equatable {
        public var health: CollectionState.Health
        public var problem: String?
        public var lastSuccessAt: Date?
        public var consecutiveFailures: Int

        public init(
            health: CollectionState.Health,
            problem: String? = nil,
            lastSuccessAt: Date? = nil,
            consecutiveFailures: Int = 0
        ) {
            self.health = health
            self.problem = problem
            self.lastSuccessAt = lastSuccessAt
            self.consecutiveFailures = consecutiveFailures
        }
    }

    public var organizationID: OrganizationID
    public var organizationName: String
    /// Change-log entries after the state's cursor, oldest first, with their sequences.
    public var changes: [(sequence: Int64, entry: ChangeEntry)]
    /// Today against the previous closed day; nil when there is no previous day.
    public var comparison: ScoreDropRule.Comparison?
    /// The current percentage; nil when nothing is scored yet.
    public var currentPercent: Double?
    public var exceptions: [Exception]
    public var connection: Connection?
    /// Action titles by id, for people reading the alert.
    public var titles: [String: String]
    /// The organization's page in the dashboard, without a trailing slash.
    public var link: String

    public init(
        organizationID: OrganizationID,
        organizationName: String,
        changes: [(sequence: Int64, entry: ChangeEntry)] = [],
        comparison: ScoreDropRule.Comparison? = nil,
        currentPercent: Double? = nil,
        exceptions: [Exception] = [],
        connection: Connection? = nil,
        titles: [String: String] = [:],
        link: String
    ) {
        self.organizationID = organizationID
        self.organizationName = organizationName
        self.changes = changes
        self.comparison = comparison
        self.currentPercent = currentPercent
        self.exceptions = exceptions
        self.connection = connection
        self.titles = titles
        self.link = link
    }
}

/// The alert rules applied to one organization at one moment: the events to send and what to
/// remember. Pure, so every rule is tested as a table.
public enum AlertEvaluation {
    /// Changes older than this when first looked at are history (a back-fill, an import), not news.
    public static let newsWindowSeconds: Double = 86_400
    /// At most this many actions are named in one message; the rest are counted.
    public static let actionsNamed = 25
    /// At most this many entities are named per action.
    public static let entitiesNamed = 10

    public static func evaluate(
        rules: AlertRules,
        state: AlertState,
        input: AlertInput,
        at now: Date
    ) -> (state: AlertState, events: [OutboundEvent]) {
        var state = state
        var events: [OutboundEvent] = []
        let news = input.changes.filter { now.timeIntervalSince($0.entry.occurredAt) <= newsWindowSeconds }.map(\.entry)
        if let last = input.changes.map(\.sequence).max() { state.changeCursor = max(state.changeCursor, last) }

        let lost = news.filter { $0.delta < -1e-9 }
        let regressed = lost.filter { $0.cause?.kind != .exceptionExpired }
        let expired = lost.filter { $0.cause?.kind == .exceptionExpired }
        if rules.regressionsEnabled, !regressed.isEmpty {
            events.append(fitted(.actionRegressed, input, now, regressed))
        }
        if rules.exceptionsEnabled, !expired.isEmpty {
            events.append(fitted(.exceptionExpired, input, now, expired))
        }

        if let comparison = input.comparison {
            let fires = rules.scoreDropEnabled && rules.scoreDrop.fires(comparison)
            let (incident, alert) = AlertIncident.evaluate(
                open: state.scoreDrop,
                firing: fires,
                comparison: comparison,
                at: now
            )
            state.scoreDrop = incident
            if alert { events.append(scoreDropped(comparison, rules.scoreDrop, input, now)) }
        }

        if let percent = input.currentPercent {
            let (incident, alert) = AlertIncident.evaluate(
                open: state.floor,
                firing: rules.floorEnabled && percent < rules.floorPercent - 1e-9,
                currentPercent: percent,
                // Re-armed a point above the floor, so a score wavering at the floor stays one incident.
                baselinePercent: rules.floorPercent + 1 + AlertIncident.rearmWithinPercentagePoints,
                at: now
            )
            state.floor = incident
            if alert {
                events.append(
                    event(
                        .scoreBelowFloor,
                        input,
                        now,
                        [("floorPercent", .double(rules.floorPercent)), ("currentPercent", .double(rounded(percent)))]
                    )
                )
            }
        }

        let horizon = now.addingTimeInterval(Double(rules.exceptionDays) * 86_400)
        let expiring = input.exceptions.filter { $0.expiresAt > now && $0.expiresAt <= horizon }
            .sorted { ($0.expiresAt, $0.actionID) < ($1.expiresAt, $1.actionID) }
        // Stored dates keep whole seconds: an expiry within a second of the one announced is the same.
        let unannounced = expiring.filter { exception in
            state.expiringAnnounced[exception.actionID].map { abs($0.timeIntervalSince(exception.expiresAt)) < 1 }
                != true
        }
        state.expiringAnnounced = Dictionary(
            uniqueKeysWithValues: expiring.map { ($0.actionID, $0.expiresAt) }
        )
        if rules.exceptionsEnabled, !unannounced.isEmpty {
            events.append(event(.exceptionExpiring, input, now, expiringActions(unannounced, input, now)))
        }

        if let connection = input.connection {
            let troubled = connection.health == .failing || connection.health == .stale
            if !troubled {
                state.connection = nil
            } else if state.connection.map({ now.timeIntervalSince($0.openedAt) >= AlertIncident.rearmAfterSeconds })
                ?? true
            {
                state.connection = AlertIncident(openedAt: now, baselinePercent: 0)
                if rules.connectionsEnabled { events.append(connectionFailing(connection, input, now)) }
            }
        } else {
            state.connection = nil
        }
        return (state, events)
    }

    static func event(
        _ type: OutboundEventType,
        _ input: AlertInput,
        _ now: Date,
        _ fields: [(String, JSONValue)]
    ) -> OutboundEvent {
        OutboundEvent(
            type: type,
            timestamp: now,
            data: JSONObject(
                [
                    ("organizationId", .string(input.organizationID.rawValue)),
                    ("organizationName", .string(input.organizationName)), ("url", .string(input.link)),
                ] + fields
            )
        )
    }

    static func event(
        _ type: OutboundEventType,
        _ input: AlertInput,
        _ now: Date,
        _ actions: (named: [JSONValue], more: Int),
        _ pointsLost: Double? = nil
    ) -> OutboundEvent {
        var fields: [(String, JSONValue)] = []
        if let pointsLost { fields.append(("pointsLost", .double(rounded(pointsLost)))) }
        fields.append(("actions", .array(actions.named)))
        if actions.more > 0 { fields.append(("moreActions", .int(actions.more))) }
        return event(type, input, now, fields)
    }

    /// The message naming as many actions and entities as fit the size budget: first fewer
    /// entities per action, then fewer actions (the rest are counted).
    static func fitted(
        _ type: OutboundEventType,
        _ input: AlertInput,
        _ now: Date,
        _ entries: [ChangeEntry]
    ) -> OutboundEvent {
        let lost = pointsLost(entries)
        var limit = actionsNamed
        var candidate = event(type, input, now, actions(entries, input, limit: limit, entities: entitiesNamed), lost)
        for entities in [3, 0] where candidate.body.utf8.count >= budgetBytes {
            candidate = event(type, input, now, actions(entries, input, limit: limit, entities: entities), lost)
        }
        while candidate.body.utf8.count >= budgetBytes, limit > 1 {
            limit /= 2
            candidate = event(type, input, now, actions(entries, input, limit: limit, entities: 0), lost)
        }
        return candidate
    }

    /// Bodies stay below this, a margin under ``OutboundEvent/maxBodyBytes`` for channels that wrap them.
    static let budgetBytes = 16_000

    /// One line per action: its points before and after (summed over the window), the newest
    /// cause and who or what caused it.
    static func actions(
        _ entries: [ChangeEntry],
        _ input: AlertInput,
        limit: Int = actionsNamed,
        entities entitiesNamed: Int = entitiesNamed
    ) -> (named: [JSONValue], more: Int) {
        var order: [String] = []
        var first: [String: ChangeEntry] = [:]
        var last: [String: ChangeEntry] = [:]
        for entry in entries {
            if first[entry.actionID] == nil {
                order.append(entry.actionID)
                first[entry.actionID] = entry
            }
            last[entry.actionID] = entry
        }
        let named = order.prefix(limit).compactMap { id -> JSONValue? in
            guard let first = first[id], let last = last[id] else { return nil }
            var fields: [(String, JSONValue)] = [
                ("id", .string(id)), ("title", .string(input.titles[id] ?? id)),
                ("category", .string(last.category.rawValue)), ("pointsBefore", .double(rounded(first.pointsBefore))),
                ("pointsAfter", .double(rounded(last.pointsAfter))), ("maxScore", .double(rounded(last.maxScore))),
                ("occurredAt", .string(last.occurredAt.iso8601)), ("actor", .string(last.actor)),
            ]
            if let status = last.fromStatus, last.cause?.kind == .exceptionExpired {
                fields.append(("status", .string(status.rawValue)))
            }
            if let cause = last.cause {
                var causeFields: [(String, JSONValue)] = [
                    ("kind", .string(cause.kind.rawValue)), ("summary", .string(cause.summary)),
                ]
                if !cause.entitiesLost.isEmpty {
                    causeFields.append(("entitiesLostCount", .int(cause.entitiesLost.count)))
                    if entitiesNamed > 0 {
                        causeFields.append(
                            ("entitiesLost", .array(cause.entitiesLost.prefix(entitiesNamed).map { .string($0) }))
                        )
                    }
                }
                fields.append(("cause", .object(JSONObject(causeFields))))
            }
            fields.append(("url", .string(actionLink(input, id))))
            return .object(JSONObject(fields))
        }
        return (named, max(0, order.count - limit))
    }

    static func expiringActions(
        _ exceptions: [AlertInput.Exception],
        _ input: AlertInput,
        _ now: Date
    ) -> (named: [JSONValue], more: Int) {
        let named = exceptions.prefix(actionsNamed).map { exception -> JSONValue in
            .object(
                JSONObject([
                    ("id", .string(exception.actionID)),
                    ("title", .string(input.titles[exception.actionID] ?? exception.actionID)),
                    ("status", .string(exception.status.rawValue)), ("expiresAt", .string(exception.expiresAt.iso8601)),
                    ("daysLeft", .int(Int((exception.expiresAt.timeIntervalSince(now) / 86_400).rounded(.up)))),
                    ("url", .string(actionLink(input, exception.actionID))),
                ])
            )
        }
        return (named, max(0, exceptions.count - actionsNamed))
    }

    static func scoreDropped(
        _ comparison: ScoreDropRule.Comparison,
        _ rule: ScoreDropRule,
        _ input: AlertInput,
        _ now: Date
    ) -> OutboundEvent {
        event(
            .scoreDropped,
            input,
            now,
            [
                ("previousPercent", .double(rounded(comparison.previousPercent))),
                ("currentPercent", .double(rounded(comparison.currentPercent))),
                ("previousPoints", .double(rounded(comparison.previousPoints))),
                ("currentPoints", .double(rounded(comparison.currentPoints))),
                ("maxPoints", .double(rounded(comparison.maxPoints))),
                ("actionsLeftOut", .int(comparison.leftOut)),
                ("thresholdPercentagePoints", .double(rule.percentagePoints)),
                ("thresholdPoints", .double(rule.points)),
            ]
        )
    }

    static func connectionFailing(
        _ connection: AlertInput.Connection,
        _ input: AlertInput,
        _ now: Date
    ) -> OutboundEvent {
        var fields: [(String, JSONValue)] = [
            ("health", .string(connection.health.rawValue)),
            ("consecutiveFailures", .int(connection.consecutiveFailures)),
        ]
        if let problem = connection.problem { fields.append(("problem", .string(String(problem.prefix(1_000))))) }
        fields.append(("lastSuccessAt", connection.lastSuccessAt.map { .string($0.iso8601) } ?? .null))
        return event(.connectionFailing, input, now, fields)
    }

    static func pointsLost(_ entries: [ChangeEntry]) -> Double { entries.reduce(0) { $0 - $1.delta } }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    static func actionLink(_ input: AlertInput, _ actionID: String) -> String {
        OutboundPolicy.actionLink(organizationLink: input.link, actionID)
    }
}
