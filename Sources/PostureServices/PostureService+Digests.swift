import Foundation
import PostureCore
import PostureStore

/// Weekly digests: a person opts in for an organization they read, with their address; every
/// Monday from 07:00 UTC one e-mail per person goes out through the organization's e-mail channel.
extension PostureService {
    public func digestSubscription(
        _ organizationID: OrganizationID,
        username: String
    ) async throws
        -> DigestSubscription?
    {
        try await store.digestSubscription(organizationID, username: username)
    }

    public func digestSubscriptions(_ organizationID: OrganizationID) async throws -> [DigestSubscription] {
        _ = try await organization(organizationID)
        return try await store.digestSubscriptions(organizationID)
    }

    /// Subscribes the person (or changes their address). The caller has checked that they read the
    /// organization; the digest needs an e-mail channel to go through.
    @discardableResult
    public func subscribeDigest(
        _ organizationID: OrganizationID,
        username: String,
        email: String,
        requestID: String? = nil
    ) async throws -> DigestSubscription {
        _ = try await organization(organizationID)
        let address = email.trimmingCharacters(in: .whitespaces)
        if let problem = EmailAddress.problem(address) {
            throw ServiceError.invalidConnection([ConnectionProblem(field: "email", problem)])
        }
        try await checkOwnMailDomains(
            organizationID,
            [address],
            field: "email",
            noChannel: ConnectionProblem(field: "email", Self.needsEmailChannel)
        )
        let now = clock.now()
        let existing = try await store.digestSubscription(organizationID, username: username)
        let subscription = DigestSubscription(
            organizationID: organizationID,
            username: username,
            email: address,
            createdAt: existing?.createdAt ?? now,
            lastSentWeek: existing?.lastSentWeek
        )
        try await store.transaction { store in
            try await store.saveDigestSubscription(subscription)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: username,
                    organizationID: organizationID.rawValue,
                    action: "digest.subscribe",
                    target: username,
                    before: existing.map { AuditJSON.text(.object(JSONObject([("email", .string($0.email))]))) },
                    after: AuditJSON.text(.object(JSONObject([("email", .string(address))]))),
                    requestID: requestID
                )
            )
        }
        return subscription
    }

    /// Stops the person's digest; whether they had one.
    @discardableResult
    public func unsubscribeDigest(
        _ organizationID: OrganizationID,
        username: String,
        requestID: String? = nil
    ) async throws -> Bool {
        let now = clock.now()
        return try await store.transaction { store in
            guard try await store.deleteDigestSubscription(organizationID, username: username) else { return false }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: username,
                    organizationID: organizationID.rawValue,
                    action: "digest.unsubscribe",
                    target: username,
                    before: nil,
                    after: nil,
                    requestID: requestID
                )
            )
            return true
        }
    }

    static func domain(_ address: String) -> String? {
        address.split(separator: "@").last.map { $0.lowercased() }
    }

    /// The digest of an organization as it stands now, addressed to `recipients`.
    public func weeklyDigest(
        _ organizationID: OrganizationID,
        recipients: [String],
        week: CivilDay
    ) async throws -> OutboundEvent {
        let organization = try await organization(organizationID)
        let now = clock.now()
        let report = try await storedReport(organizationID)
        let weekAgo = try await store.snapshots(organizationID, to: CivilDay(now).adding(days: -7), limit: 1).first
        let tickets = try await store.tickets(organizationID, openOnly: true, limit: 50)
        let input = WeeklyDigest.Input(
            organizationID: organizationID,
            organizationName: organization.organization.displayName,
            points: report.currentScore,
            maxPoints: report.maxScore,
            weekAgoPoints: weekAgo?.score,
            weekAgoMaxPoints: weekAgo?.maxScore,
            actions: report.rankedActions.prefix(WeeklyDigest.topActions).map {
                .init(id: $0.action.id, title: $0.action.title, remaining: $0.maxScore - $0.points, status: $0.status)
            },
            openTickets: tickets.map {
                .init(
                    number: $0.number,
                    state: $0.state,
                    title: catalog[$0.actionID]?.title ?? $0.actionID,
                    url: $0.url
                )
            },
            exceptions: report.actions.compactMap { score in
                guard let record = score.statusRecord, record.status.isException, let expiresAt = record.expiresAt,
                    expiresAt > now
                else { return nil }
                return .init(
                    actionID: score.action.id,
                    title: score.action.title,
                    status: record.status,
                    expiresAt: expiresAt
                )
            },
            link: outbound.organizationLink(organizationID),
            recipients: recipients
        )
        return WeeklyDigest.event(input, week: week, at: now)
    }

    /// Queues every digest due this week, at most `limit` a call: one delivery per person through
    /// the organization's first enabled e-mail channel, recorded with the week in one transaction
    /// so no node queues it twice. A person who no longer reads the organization, or an
    /// organization without an e-mail channel, is passed over for the week. Returns how many
    /// were queued.
    @discardableResult
    public func queueDueDigests(limit: Int = 500) async throws -> Int {
        let now = clock.now()
        let week = WeeklyDigest.week(at: now)
        var queued = 0
        for subscription in try await store.digestsDue(week: week, limit: limit) {
            let organizationID = subscription.organizationID
            let user = try await store.user(named: subscription.username)
            let reads =
                user.map {
                    AccessPolicy.decide(.read, organizationID: organizationID, access: $0.access, scopes: [.read])
                        == .allowed
                } ?? false
            let channel = try await store.channels(organizationID).first { $0.kind == .email && $0.isEnabled }
            guard WeeklyDigest.isDue(subscription, at: now), reads, let channel,
                try await store.organization(organizationID) != nil
            else {
                try await store.markDigestSent(organizationID, username: subscription.username, week: week)
                continue
            }
            let event = try await weeklyDigest(organizationID, recipients: [subscription.email], week: week)
            let delivery = Delivery(
                id: Delivery.newID(),
                organizationID: organizationID,
                channelID: channel.id,
                eventType: event.type,
                body: event.body,
                createdAt: now
            )
            let sent = try await store.transaction { store -> Bool in
                // Another node may have queued it since this one looked.
                guard let current = try await store.digestSubscription(organizationID, username: subscription.username),
                    current.lastSentWeek.map({ $0 < week }) ?? true
                else { return false }
                try await store.enqueueDeliveries([delivery])
                try await store.markDigestSent(organizationID, username: subscription.username, week: week)
                return true
            }
            if sent { queued += 1 }
        }
        return queued
    }
}
