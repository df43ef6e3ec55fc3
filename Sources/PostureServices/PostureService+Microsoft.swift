import Foundation
import PostureCore
import PostureStore

/// Microsoft's latest Secure Score beside Posture's, action by action.
public struct MicrosoftReconciliation: Sendable {
    public var microsoft: MicrosoftDailyScore
    public var posture: ScoreReport
    public var lines: [ReconciliationLine]
}

extension PostureService {
    /// Stores an export of Microsoft's Secure Score for an organization. Audited when it changed
    /// anything; importing the same export again changes nothing and writes no audit entry.
    public func importMicrosoftSecureScore(
        _ organizationID: OrganizationID,
        scores: [MicrosoftDailyScore],
        profiles: [MicrosoftControlProfile],
        actor: String
    ) async throws -> MicrosoftImportSummary {
        _ = try await organization(organizationID)
        let now = clock.now()
        return try await store.transaction { store in
            let summary = try await store.importMicrosoft(organizationID, scores: scores, profiles: profiles, at: now)
            if summary.changedAnything {
                try await store.appendAudit(
                    AuditDraft(
                        occurredAt: now,
                        actor: actor,
                        organizationID: organizationID.rawValue,
                        action: "microsoft.import",
                        target: "\(scores.count) days, \(profiles.count) control profiles",
                        before: nil,
                        after: "{\"daysAdded\":\(summary.daysAdded),\"daysChanged\":\(summary.daysChanged),"
                            + "\"profilesAdded\":\(summary.profilesAdded),\"profilesChanged\":\(summary.profilesChanged)}",
                        requestID: nil
                    )
                )
            }
            return summary
        }
    }

    /// Microsoft's stored daily history for an organization, optionally only the days of an
    /// interval, and without each day's control scores when only the totals are wanted.
    public func microsoftHistory(
        _ organizationID: OrganizationID,
        in interval: DayInterval? = nil,
        withControls: Bool = true
    ) async throws -> [MicrosoftDailyScore] {
        _ = try await organization(organizationID)
        return try await store.microsoftScores(
            organizationID,
            from: interval?.from,
            to: interval?.to,
            withControls: withControls
        )
    }

    /// Microsoft's latest imported day beside Posture's current score; nil before any import.
    public func microsoftReconciliation(_ organizationID: OrganizationID) async throws -> MicrosoftReconciliation? {
        let report = try await currentReport(organizationID)
        guard let latest = try await store.latestMicrosoftScore(organizationID) else { return nil }
        let profiles = try await store.microsoftProfiles(organizationID)
        return MicrosoftReconciliation(
            microsoft: latest,
            posture: report,
            lines: Reconciliation.lines(microsoft: latest, profiles: profiles, report: report)
        )
    }
}
