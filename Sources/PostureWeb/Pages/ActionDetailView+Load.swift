import Foundation
import PostureCore
import PostureServices
import PostureStore

extension ActionDetailView {
    /// The flyout of one action of the context's organization: what it is, its points and how
    /// they were reached, its status form (or why it is locked), entities, tags and 30 days of
    /// history. `base` is the public address its share link starts with.
    static func load(
        _ context: OrganizationContext,
        score: ActionScore,
        tags: [String: [String]],
        base: String,
        message: String?,
        errors: [String],
        service: PostureService,
        now: Date
    ) async throws -> ActionDetailView {
        let actionID = score.action.id
        let action = score.action
        let measurement = try await service.measurements(context.id).first { $0.actionID == actionID }
        let today = CivilDay(now)
        let history = try await service.actionHistory(
            context.id,
            actionID: ActionID(actionID),
            DayInterval(from: today.adding(days: -29), to: today)
        )
        let locked: String? =
            switch EditLock.of(score, canWrite: context.canWrite) {
            case nil: nil
            case .readOnlyRole:
                "Your role (\(context.nav.role)) is read-only here: statuses and notes cannot be changed."
            case .externallyManaged(let managedIn):
                "This action is managed in \(managedIn ?? "another product"); change its status there."
            case .completed: "Completed: the data shows every point earned, so the status is locked."
            }
        let channels = try await service.channels(context.id).filter(\.isEnabled)
        let shared = try await service.shares(context.id, actionID: actionID, limit: 10)
        var share = ShareOptions(
            canShare: context.canWrite,
            canEmail: channels.contains { $0.kind == .email },
            channels: channels.filter { $0.kind != .email }.map {
                .init(
                    id: $0.id,
                    label: $0.kind.shareLabel
                        + ($0.name.isEmpty ? "" : ": " + $0.name)
                )
            },
            shared: shared.map {
                .init(
                    when: ScoreFormat.minute($0.share.sharedAt) + " UTC",
                    by: $0.share.sharedBy,
                    target: $0.share.target,
                    state: $0.state?.rawValue ?? "unknown"
                )
            }
        )
        share.tickets = try await service.tickets(context.id, actionID: actionID, limit: 5).map {
            TicketRow.make($0, title: action.title)
        }
        // The form starts from what a person set, never from the system's own record and note.
        let record = score.statusRecord.flatMap { $0.isSystem ? nil : $0 }
        return ActionDetailView(
            id: action.id,
            title: action.title,
            category: action.category.rawValue,
            product: action.product,
            threats: action.threats.map(\.rawValue),
            tier: action.tier.rawValue,
            description: action.description,
            userImpact: action.userImpactDescription,
            usersAffected: action.usersAffected,
            licences: action.prerequisites.licenses,
            prerequisiteActions: action.prerequisites.actions,
            steps: action.remediation,
            learnMore: action.learnMore.map { ($0.title, $0.url) },
            manageURL: action.manageURL,
            shareURL: "\(base)/orgs/\(WebPath.segment(context.id))/actions/\(WebPath.segment(action.id))",
            points: ScoreFormat.points(score.points),
            maxScore: ScoreFormat.points(action.maxScore),
            explanation: score.explanation,
            status: score.status.rawValue,
            statusLabel: score.status.label,
            note: record?.note ?? "",
            owner: record?.owner ?? "",
            expiresAt: record?.expiresAt.map { CivilDay($0).description } ?? "",
            targetDate: record?.targetDate?.description ?? "",
            achievedEntities: measurement?.achievedEntities ?? [],
            missingEntities: measurement?.missingEntities ?? [],
            entityReport: measurement.map {
                $0.achievedEntities == nil && $0.totalEntities == nil ? .notListed : .listed
            }
                ?? .noData,
            excluded: score.excluded.map { "\($0.entity): \($0.reason)" },
            lockedReason: locked,
            canEditTags: context.canWrite,
            tags: tags[actionID] ?? [],
            statusChoices: Self.statusChoices(current: score.status),
            history: history.days.reversed().map {
                .init(day: $0.day.description, points: ScoreFormat.points($0.points), status: $0.status.label)
            },
            changes: history.changes.suffix(10).reversed().map {
                "\(CivilDay($0.occurredAt)): \($0.detail) (\($0.actor))"
            },
            share: share,
            message: message,
            errors: errors,
            csrfToken: context.web.session.csrfToken
        )
    }

    /// The statuses a person may choose, plus `completed` when the data set it (shown, locked).
    static func statusChoices(current: ActionStatus) -> [(value: String, label: String)] {
        let people: [ActionStatus] = [
            .toAddress, .planned, .riskAccepted, .resolvedThirdParty, .resolvedAlternateMitigation,
        ]
        return (current == .completed ? [.completed] : people).map { (value: $0.rawValue, label: $0.label) }
    }
}
