import Foundation
import PostureCore
import PostureStore

/// Where a person shares an improvement action.
public enum ShareDestination: Sendable, Equatable {
    /// These addresses, through the organization's first enabled e-mail channel.
    case email([String])
    /// One of the organization's channels (a Teams channel, a webhook).
    case channel(String)
}

/// Sharing an improvement action: one message queued to where the person chose, recorded in the
/// action's share history and the audit log in the same transaction.
extension PostureService {
    @discardableResult
    public func shareAction(
        _ organizationID: OrganizationID,
        actionID: String,
        to destination: ShareDestination,
        note: String,
        actor: String,
        requestID: String? = nil
    ) async throws -> ActionShare {
        let organization = try await organization(organizationID)
        var problems: [ConnectionProblem] = []
        if let problem = ActionShare.noteProblem(note) { problems.append(problem) }
        if case .email(let addresses) = destination {
            problems += MailSettings.recipientProblems(addresses, field: "to")
        }
        guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
        let report = try await storedReport(organizationID)
        guard let score = report[actionID] else { throw ServiceError.actionNotFound(actionID) }
        let channels = try await store.channels(organizationID).filter(\.isEnabled)
        let channel: OutboundChannel
        let method: ShareMethod
        let target: String
        var recipients: [String]?
        switch destination {
        case .email(let addresses):
            guard let mail = channels.first(where: { $0.kind == .email }) else {
                throw ServiceError.invalidConnection([
                    ConnectionProblem(
                        field: "to",
                        "needs an e-mail channel to send through: add one in Settings → Channels"
                    )
                ])
            }
            (channel, method, target, recipients) = (mail, .email, addresses.joined(separator: ", "), addresses)
        case .channel(let id):
            guard let chosen = channels.first(where: { $0.id == id }), chosen.kind != .email else {
                throw ServiceError.channelNotFound(id)
            }
            (channel, method) = (chosen, .channel)
            target = chosen.kind.shareTarget + (chosen.name.isEmpty ? "" : ": " + chosen.name)
        }
        let now = clock.now()
        let link = OutboundPolicy.actionLink(organizationLink: outbound.organizationLink(organizationID), actionID)
        let event = ActionShare.event(
            score,
            organizationID: organizationID,
            organizationName: organization.organization.displayName,
            note: note,
            sharedBy: actor,
            recipients: recipients,
            link: link,
            at: now
        )
        let delivery = Delivery(
            id: Delivery.newID(),
            organizationID: organizationID,
            channelID: channel.id,
            eventType: event.type,
            body: event.body,
            createdAt: now
        )
        let share = ActionShare(
            id: "sh_" + RandomHex.make(bytes: 12),
            organizationID: organizationID,
            actionID: actionID,
            method: method,
            target: target,
            channelID: channel.id,
            note: note,
            sharedBy: actor,
            sharedAt: now,
            deliveryID: delivery.id
        )
        try await store.transaction { store in
            try await store.enqueueDeliveries([delivery])
            try await store.insertShare(share)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "action.share",
                    target: actionID,
                    before: nil,
                    after: AuditJSON.share(share),
                    requestID: requestID
                )
            )
        }
        return share
    }

    /// The action's shares, newest first, each with its delivery's state.
    public func shares(
        _ organizationID: OrganizationID,
        actionID: String,
        limit: Int = 20
    ) async throws -> [(share: ActionShare, state: DeliveryState?)] {
        _ = try await organization(organizationID)
        return try await store.shares(organizationID, actionID: actionID, limit: limit)
    }
}
