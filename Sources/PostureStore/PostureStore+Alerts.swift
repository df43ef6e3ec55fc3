import Foundation
import PostureCore
import SQLKit

/// An organization's alert row: its rules (nil: the defaults), what its alerts remember, and
/// when it was marked for a look and last looked at.
public struct StoredAlerts: Sendable, Equatable {
    public var rules: AlertRules?
    public var state: AlertState
    /// What the instance-wide rules remember about this organization.
    public var instanceState: AlertState?
    public var pendingSince: Date?
    public var checkedAt: Date?
}

/// Alerts are evaluated after writes, not in them: a write that logs changes marks its
/// organization pending (one upsert in the write's transaction), and the alert scheduler looks at
/// marked organizations a few seconds later, so the writes of a short burst share one message.
extension PostureStore {
    /// Marks the organization for an alert look; the first mark of a burst sets the time. An
    /// organization seen for the first time reads its change log from `startingAfter` on.
    public func markAlertsPending(
        _ organizationID: OrganizationID,
        at now: Date,
        startingAfter cursor: Int64? = nil
    ) async throws {
        var start = cursor ?? 0
        if cursor == nil { start = try await lastChangeSequence(organizationID) }
        try await sql.raw(
            """
            INSERT INTO alert_states (organization_id, change_cursor, pending_since)
            VALUES (\(bind: organizationID.rawValue), \(bind: start), \(bind: now.timeIntervalSince1970))
            ON CONFLICT (organization_id) DO UPDATE
            SET pending_since = COALESCE(alert_states.pending_since, excluded.pending_since)
            """
        ).run()
    }

    public func alerts(_ organizationID: OrganizationID) async throws -> StoredAlerts? {
        guard
            let row = try await sql.raw(
                """
                SELECT rules, state, instance_state, change_cursor, pending_since, checked_at FROM alert_states
                WHERE organization_id = \(bind: organizationID.rawValue)
                """
            ).first()
        else { return nil }
        var state =
            try row.decodeIfPresent(column: "state", as: String.self).map { try StoredJSON.decode(AlertState.self, $0) }
            ?? AlertState()
        state.changeCursor = try row.decode(column: "change_cursor", as: Int64.self)
        return StoredAlerts(
            rules: try row.decodeIfPresent(column: "rules", as: String.self).map {
                try StoredJSON.decode(AlertRules.self, $0)
            },
            state: state,
            instanceState: try row.decodeIfPresent(column: "instance_state", as: String.self).map {
                try StoredJSON.decode(AlertState.self, $0)
            },
            pendingSince: try row.decodeIfPresent(column: "pending_since", as: Double.self).map(
                Date.init(timeIntervalSince1970:)
            ),
            checkedAt: try row.decodeIfPresent(column: "checked_at", as: Double.self).map(
                Date.init(timeIntervalSince1970:)
            )
        )
    }

    public func setAlertRules(_ organizationID: OrganizationID, _ rules: AlertRules, cursor: Int64) async throws {
        try await sql.raw(
            """
            INSERT INTO alert_states (organization_id, rules, change_cursor)
            VALUES (\(bind: organizationID.rawValue), \(bind: StoredJSON.encode(rules)), \(bind: cursor))
            ON CONFLICT (organization_id) DO UPDATE SET rules = excluded.rules
            """
        ).run()
    }

    /// Records an evaluation: the new state, when it ran, and no mark left (the evaluation holds
    /// the organization's lock, so no write can mark it in between).
    public func saveAlertState(
        _ organizationID: OrganizationID,
        _ state: AlertState,
        instanceState: AlertState? = nil,
        checkedAt: Date
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO alert_states (organization_id, state, instance_state, change_cursor, checked_at)
            VALUES (\(bind: organizationID.rawValue), \(bind: StoredJSON.encode(state)),
                \(bind: instanceState.map { StoredJSON.encode($0) }), \(bind: state.changeCursor),
                \(bind: checkedAt.timeIntervalSince1970))
            ON CONFLICT (organization_id) DO UPDATE
            SET state = excluded.state, instance_state = COALESCE(excluded.instance_state, alert_states.instance_state),
                change_cursor = excluded.change_cursor, checked_at = excluded.checked_at, pending_since = NULL
            """
        ).run()
    }

    /// A new organization's row: nothing read yet, due its first look.
    func startAlerts(_ organizationID: OrganizationID) async throws {
        try await sql.raw(
            """
            INSERT INTO alert_states (organization_id, change_cursor) VALUES (\(bind: organizationID.rawValue), 0)
            ON CONFLICT (organization_id) DO NOTHING
            """
        ).run()
    }

    /// Organizations due a look: marked at least `settle` seconds ago, or not looked at for
    /// `sweep` seconds (expiries and stale connections come with time, not writes). Every
    /// organization has a row (made with it, or by migration 019), so this only reads.
    public func dueAlertOrganizations(
        at now: Date,
        settleSeconds: Double,
        sweepSeconds: Double,
        limit: Int
    ) async throws -> [OrganizationID] {
        let instant = now.timeIntervalSince1970
        return try await sql.raw(
            """
            SELECT organization_id FROM alert_states
            WHERE (pending_since <= \(bind: instant - settleSeconds) OR checked_at IS NULL
                OR checked_at <= \(bind: instant - sweepSeconds))
                AND organization_id <> \(bind: OrganizationID.instance.rawValue)
            ORDER BY COALESCE(pending_since, checked_at, 0), organization_id LIMIT \(bind: max(1, limit))
            """
        ).all().map { OrganizationID(try $0.decode(column: "organization_id", as: String.self)) }
    }

    func deleteAlerts(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM alert_states WHERE organization_id = \(bind: organizationID.rawValue)").run()
    }
}
