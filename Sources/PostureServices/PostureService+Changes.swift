import FluentKit
import Foundation
import PostureCore
import PostureStore

/// The other state changes, each stored together with its audit entry.
extension PostureService {
    public func createOrganization(
        _ organization: Organization,
        enabledServices: [String] = [],
        actor: String,
        requestID: String? = nil
    ) async throws {
        try Self.checkText(organization)
        let now = clock.now()
        try await store.transaction { store in
            try await store.createOrganization(organization, enabledServices: enabledServices, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organization.id,
                    action: "organization.create",
                    target: organization.id,
                    after: AuditJSON.organization(try await store.organization(OrganizationID(organization.id))),
                    requestID: requestID
                )
            )
        }
    }

    public func updateOrganization(
        _ organization: Organization,
        enabledServices: [String],
        actor: String,
        requestID: String? = nil
    ) async throws {
        try Self.checkText(organization)
        let now = clock.now()
        try await store.transaction { store in
            let before = try await store.organization(OrganizationID(organization.id))
            try await store.updateOrganization(organization, enabledServices: enabledServices, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organization.id,
                    action: "organization.update",
                    target: organization.id,
                    before: AuditJSON.organization(before),
                    after: AuditJSON.organization(try await store.organization(OrganizationID(organization.id))),
                    requestID: requestID
                )
            )
        }
    }

    /// Deletes the organization and its history; the audit log keeps the deletion.
    public func deleteOrganization(_ id: OrganizationID, actor: String, requestID: String? = nil) async throws -> Bool {
        let now = clock.now()
        return try await store.transaction { store in
            let before = try await store.organization(id)
            guard try await store.deleteOrganization(id) else { return false }
            // Tokens named after this id must not open an organization created later under it.
            try await store.revokeIssuedTokens(organizationID: id, at: now)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: id.rawValue,
                    action: "organization.delete",
                    target: id.rawValue,
                    before: AuditJSON.organization(before),
                    requestID: requestID
                )
            )
            return true
        }
    }

    static func checkText(_ organization: Organization) throws(ServiceError) {
        try ServiceError.check(.displayName, organization.displayName, required: true)
        try ServiceError.check(.industry, organization.industry)
        try ServiceError.check(.region, organization.region)
    }

    /// Adds a tag; returns false (and records nothing) when the action already had it.
    public func addTag(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        tag: String,
        actor: String,
        requestID: String? = nil
    )
        async throws -> Bool
    {
        try ServiceError.check(.tag, tag, required: true)
        return try await changeTags(
            organizationID,
            actionID: actionID,
            actor: actor,
            requestID: requestID,
            action: "tag.add"
        ) {
            store,
            now in try await store.addTag(organizationID, actionID: actionID, tag: tag, at: now)
        }
    }

    /// Removes a tag; returns false (and records nothing) when the action did not have it.
    public func removeTag(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        tag: String,
        actor: String,
        requestID: String? = nil
    )
        async throws -> Bool
    {
        try await changeTags(
            organizationID,
            actionID: actionID,
            actor: actor,
            requestID: requestID,
            action: "tag.remove"
        ) {
            store,
            _ in try await store.removeTag(organizationID, actionID: actionID, tag: tag)
        }
    }

    private func changeTags(
        _ organizationID: OrganizationID,
        actionID: ActionID,
        actor: String,
        requestID: String?,
        action: String,
        _ change: @escaping @Sendable (PostureStore, Date) async throws -> Bool
    ) async throws -> Bool {
        _ = try await organization(organizationID)
        let now = clock.now()
        return try await store.transaction { store in
            let before = try await store.tags(organizationID)[actionID.rawValue] ?? []
            guard try await change(store, now) else { return false }
            let after = try await store.tags(organizationID)[actionID.rawValue] ?? []
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: action,
                    target: actionID.rawValue,
                    before: AuditJSON.tags(before),
                    after: AuditJSON.tags(after),
                    requestID: requestID
                )
            )
            return true
        }
    }
}
