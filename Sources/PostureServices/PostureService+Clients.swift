import FluentKit
import Foundation
import PostureCore
import PostureStore

extension PostureService {
    /// Creates an API client and returns it with its secret, which is shown this once.
    public func createClient(
        organizationID: OrganizationID,
        name: String,
        scopes: [String],
        role: Role,
        actor: String,
        requestID: String? = nil
    ) async throws -> (client: StoredClient, secret: String) {
        try ServiceError.check(.name, name, required: true)
        _ = try await organization(organizationID)
        let now = clock.now()
        let secret = RandomHex.make(bytes: 32)
        let client = StoredClient(
            clientID: "pc_" + RandomHex.make(bytes: 12),
            organizationID: organizationID,
            name: name,
            secretHash: PostureStore.secretHash(secret),
            scopes: scopes,
            role: role,
            createdAt: now,
            createdBy: actor,
            revokedAt: nil
        )
        try await store.transaction { store in
            try await store.createClient(client)
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "client.create",
                    target: client.clientID,
                    after: JSONValue.object(
                        JSONObject([
                            ("name", .string(name)), ("scopes", .array(scopes.map(JSONValue.string))),
                            ("role", .string(role.rawValue)),
                        ])
                    ).jsonText,
                    requestID: requestID
                )
            )
        }
        return (client, secret)
    }

    public func revokeClient(_ clientID: String, actor: String, requestID: String? = nil) async throws -> Bool {
        let now = clock.now()
        return try await store.transaction { store in
            guard let client = try await store.client(clientID), try await store.revokeClient(clientID, at: now) else {
                return false
            }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: client.organizationID.rawValue,
                    action: "client.revoke",
                    target: clientID,
                    requestID: requestID
                )
            )
            return true
        }
    }

    /// Revokes a token issued by `posture token create`; false when no active token has that id.
    public func revokeIssuedToken(_ tokenID: String, actor: String, requestID: String? = nil) async throws -> Bool {
        let now = clock.now()
        return try await store.transaction { store in
            guard let token = try await store.issuedToken(tokenID), try await store.revokeIssuedToken(tokenID, at: now)
            else { return false }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: token.organizationID == "*" ? nil : token.organizationID,
                    action: "token.revoke",
                    target: tokenID,
                    requestID: requestID
                )
            )
            return true
        }
    }
}
