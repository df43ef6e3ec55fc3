import FluentKit
import Foundation
import PostureCore
import PostureStore

extension PostureService {
    /// Creates the demo organization with its whole history: one snapshot per day, the change log
    /// between days, the status history as people set it, and the last day's state as current.
    /// Does nothing when the organization already exists. `peers` anonymous peer organizations
    /// (``DemoPeers``) come with it, so its comparisons show.
    @discardableResult
    public func seedDemo(endDay: CivilDay, days: Int = 120, peers: Int = 0) async throws -> Bool {
        let demo = DemoHistory(catalog: catalog, endDay: endDay, count: days)
        let organization = DemoHistory.organization
        if try await store.organization(OrganizationID(organization.id)) != nil { return false }
        let firstDay = demo.days.first?.day ?? endDay
        try await store.transaction { store in
            try await store.createOrganization(
                organization,
                enabledServices: DemoHistory.enabledServices,
                at: firstDay.start
            )
            var previous: ScoreReport?
            var previousMeasurements: [ActionMeasurement] = []
            var knownStatuses: [String: StatusRecord] = [:]
            // What people set, kept apart so the system's `completed` does not make it look new.
            var personStatuses: [String: StatusRecord] = [:]
            for day in demo.days {
                let at = day.day.start.addingTimeInterval(6 * 3600)
                for status in day.statuses where personStatuses[status.actionID] != status {
                    try await store.setStatus(OrganizationID(organization.id), status)
                    knownStatuses[status.actionID] = status
                    personStatuses[status.actionID] = status
                }
                let report = engine.score(
                    measurements: day.measurements,
                    statuses: Array(knownStatuses.values),
                    asOf: day.day.adding(days: 1).start.addingTimeInterval(-1)
                )
                // The first day is the starting point, not a change.
                if let previous {
                    try await store.appendChanges(
                        OrganizationID(organization.id),
                        ChangeDetector.changes(
                            organizationID: organization.id,
                            from: previous,
                            to: report,
                            at: at,
                            actor: "demo sensor",
                            previousMeasurements: previousMeasurements,
                            currentMeasurements: day.measurements
                        )
                    )
                }
                for action in report.actions
                where action.status == .completed && previous?[action.action.id]?.status != .completed {
                    let record = StatusRecord(
                        actionID: action.action.id,
                        status: .completed,
                        note: "Data shows every point earned",
                        setBy: "system",
                        setAt: at
                    )
                    try await store.setStatus(OrganizationID(organization.id), record)
                    knownStatuses[action.action.id] = record
                }
                let snapshot = DailySnapshot(
                    organization: organization,
                    day: day.day,
                    report: report,
                    measurements: day.measurements,
                    filled: false
                )
                try await store.insertSnapshot(snapshot, at: at)
                previous = report
                previousMeasurements = day.measurements
            }
            if let last = demo.days.last {
                try await store.upsertMeasurements(
                    OrganizationID(organization.id),
                    last.measurements,
                    by: "demo sensor",
                    at: last.day.start.addingTimeInterval(6 * 3600)
                )
            }
            for peer in DemoPeers.peers(count: peers) {
                try await seedPeer(peer, endDay: endDay, days: days, store: store)
            }
        }
        return true
    }

    /// An anonymous peer: its daily snapshots (scored from its own generated measurements, no
    /// statuses, no change log) and its last day's measurements, from which its current score is
    /// computed like any organization's.
    private func seedPeer(_ peer: DemoPeers.Peer, endDay: CivilDay, days: Int, store: PostureStore) async throws {
        let history = DemoHistory(catalog: catalog, endDay: endDay, count: days, seed: peer.seed)
        let firstDay = history.days.first?.day ?? endDay
        try await store.createOrganization(
            peer.organization,
            enabledServices: DemoHistory.enabledServices,
            at: firstDay.start
        )
        let snapshots = history.days.map { day in
            DailySnapshot(
                organization: peer.organization,
                day: day.day,
                report: engine.score(
                    measurements: day.measurements,
                    statuses: [],
                    asOf: day.day.adding(days: 1).start.addingTimeInterval(-1)
                ),
                measurements: day.measurements,
                filled: false
            )
        }
        try await store.insertSnapshots(snapshots, at: firstDay.start)
        if let last = history.days.last {
            try await store.upsertMeasurements(
                OrganizationID(peer.organization.id),
                last.measurements,
                by: "demo peer sensor",
                at: last.day.start.addingTimeInterval(6 * 3600)
            )
        }
    }
}
