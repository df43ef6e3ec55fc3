import Foundation
import PostureCore
import SQLKit

/// The delivery queue. A node takes due deliveries by writing its lease into their rows with one
/// conditional UPDATE (as collections are taken), so exactly one node sends each attempt; a node
/// killed between sending and recording leaves a lease that expires, and the next holder sends
/// again with the same id, which the receiver's idempotency check absorbs.
extension PostureStore {
    public func enqueueDeliveries(_ deliveries: [Delivery]) async throws {
        for delivery in deliveries {
            try await sql.raw(
                """
                INSERT INTO deliveries (id, organization_id, channel_id, event_type, body, created_at, state, attempts,
                    next_attempt_at)
                VALUES (\(bind: delivery.id), \(bind: delivery.organizationID.rawValue), \(bind: delivery.channelID),
                    \(bind: delivery.eventType.rawValue), \(bind: delivery.body),
                    \(bind: delivery.createdAt.timeIntervalSince1970), \(bind: delivery.state.rawValue),
                    \(bind: delivery.attempts), \(bind: delivery.nextAttemptAt?.timeIntervalSince1970))
                """
            ).run()
        }
    }

    /// Takes up to `limit` due deliveries no live lease holds, oldest due first.
    public func claimDueDeliveries(
        at now: Date,
        holder: String,
        leaseUntil: Date,
        limit: Int
    ) async throws
        -> [Delivery]
    {
        guard limit > 0 else { return [] }
        let instant = now.timeIntervalSince1970
        let due: SQLQueryString = """
            state = 'pending' AND next_attempt_at <= \(bind: instant)
                AND (lease_expires_at IS NULL OR lease_expires_at <= \(bind: instant))
            """
        return try await sql.raw(
            """
            UPDATE deliveries SET lease_holder = \(bind: holder), lease_expires_at = \(bind: leaseUntil.timeIntervalSince1970)
            WHERE id IN (SELECT id FROM deliveries WHERE \(due) ORDER BY next_attempt_at, id LIMIT \(bind: limit))
                AND \(due)
            RETURNING \(unsafeRaw: Self.deliveryColumns)
            """
        ).all().map(Delivery.init(row:)).sorted {
            ($0.nextAttemptAt ?? .distantPast, $0.id) < ($1.nextAttemptAt ?? .distantPast, $1.id)
        }
    }

    /// Records one attempt of `holder`'s and lets go of the lease: delivered, failed for good, or
    /// due again at `nextAttemptAt`. Returns the delivery as recorded; nil when `holder` no longer
    /// held it.
    @discardableResult
    public func finishDeliveryAttempt(
        _ id: String,
        holder: String,
        at now: Date,
        status: Int?,
        error: String?,
        state: DeliveryState,
        nextAttemptAt: Date?
    ) async throws -> Delivery? {
        let finished = state == .pending ? nil : now.timeIntervalSince1970
        return try await sql.raw(
            """
            UPDATE deliveries SET attempts = attempts + 1, last_attempt_at = \(bind: now.timeIntervalSince1970),
                last_status = \(bind: status), last_error = \(bind: error), state = \(bind: state.rawValue),
                next_attempt_at = \(bind: nextAttemptAt?.timeIntervalSince1970), finished_at = \(bind: finished),
                lease_holder = NULL, lease_expires_at = NULL
            WHERE id = \(bind: id) AND lease_holder = \(bind: holder) AND state = 'pending'
            RETURNING \(unsafeRaw: Self.deliveryColumns)
            """
        ).first().map(Delivery.init(row:))
    }

    /// Whether the organization has a pending delivery of `eventType` whose body holds `marker`
    /// (read through the index of pending deliveries).
    public func hasPendingDelivery(
        _ organizationID: OrganizationID,
        eventType: OutboundEventType,
        containing marker: String
    ) async throws -> Bool {
        try await sql.raw(
            """
            SELECT id FROM deliveries
            WHERE state = 'pending' AND organization_id = \(bind: organizationID.rawValue)
                AND event_type = \(bind: eventType.rawValue) AND body LIKE \(bind: "%" + marker + "%")
            LIMIT 1
            """
        ).first() != nil
    }

    /// Gives a claimed delivery back without counting an attempt, due again at `until`: it could
    /// not start (a shared resource was busy), which is no fault of the receiver's.
    public func postponeDelivery(_ id: String, holder: String, until: Date) async throws {
        try await sql.raw(
            """
            UPDATE deliveries SET next_attempt_at = \(bind: until.timeIntervalSince1970),
                lease_holder = NULL, lease_expires_at = NULL
            WHERE id = \(bind: id) AND lease_holder = \(bind: holder) AND state = 'pending'
            """
        ).run()
    }

    /// How many deliveries are in each state, across every organization; `states` limits the count
    /// to those (the pending and failed ones are few and indexed, the delivered ones grow).
    public func deliveryStateCounts(
        _ states: [DeliveryState] = DeliveryState.allCases
    ) async throws
        -> [DeliveryState: Int]
    {
        var counts: [DeliveryState: Int] = [:]
        let names = SQLList(states.map { SQLBind($0.rawValue) })
        for row in try await sql.raw(
            "SELECT state, COUNT(*) AS n FROM deliveries WHERE state IN (\(names)) GROUP BY state"
        ).all() {
            if let state = DeliveryState(rawValue: try row.decode(column: "state", as: String.self)) {
                counts[state] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// Lets go of every lease `holder` has (a node stopping).
    public func releaseDeliveryLeases(holder: String) async throws {
        try await sql.raw(
            "UPDATE deliveries SET lease_holder = NULL, lease_expires_at = NULL WHERE lease_holder = \(bind: holder)"
        ).run()
    }

    /// The organization's deliveries, newest first: the delivery log.
    public func deliveries(_ organizationID: OrganizationID, limit: Int) async throws -> [Delivery] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.deliveryColumns) FROM deliveries
            WHERE organization_id = \(bind: organizationID.rawValue)
            ORDER BY created_at DESC, id DESC LIMIT \(bind: max(1, min(limit, 1_000)))
            """
        ).all().map(Delivery.init(row:))
    }

    public func delivery(_ id: String) async throws -> Delivery? {
        try await sql.raw("SELECT \(unsafeRaw: Self.deliveryColumns) FROM deliveries WHERE id = \(bind: id)").first()
            .map(Delivery.init(row:))
    }

    func cancelDeliveries(channelID: String, at now: Date, reason: String) async throws {
        try await sql.raw(
            """
            UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, finished_at = \(bind: now.timeIntervalSince1970),
                last_error = \(bind: reason), lease_holder = NULL, lease_expires_at = NULL
            WHERE channel_id = \(bind: channelID) AND state = 'pending'
            """
        ).run()
    }

    static let deliveryColumns = """
        id, organization_id, channel_id, event_type, body, created_at, state, attempts, next_attempt_at,
        last_attempt_at, last_status, last_error, finished_at
        """
}

extension Delivery {
    init(row: any SQLRow) throws {
        func date(_ column: String) throws -> Date? {
            try row.decodeIfPresent(column: column, as: Double.self).map(Date.init(timeIntervalSince1970:))
        }
        self.init(
            id: try row.decode(column: "id", as: String.self),
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
            channelID: try row.decode(column: "channel_id", as: String.self),
            eventType: OutboundEventType(rawValue: try row.decode(column: "event_type", as: String.self))
                ?? .webhookTest,
            body: try row.decode(column: "body", as: String.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            state: DeliveryState(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
            attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: try date("next_attempt_at"),
            lastAttemptAt: try date("last_attempt_at"),
            lastStatus: try row.decodeIfPresent(column: "last_status", as: Int.self),
            lastError: try row.decodeIfPresent(column: "last_error", as: String.self),
            finishedAt: try date("finished_at")
        )
    }
}
