import Foundation
import PostureCore
import SQLKit

/// The instance-wide multi-tenant app as stored, without its credential.
public struct StoredConnectionApp: Sendable, Equatable {
    public var clientID: String
    public var credentialKind: ConnectionSettings.CredentialKind
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date
    public var credentialRotatedAt: Date
}

/// The instance-wide multi-tenant app: one row, its credential sealed with the connection key
/// under an associated name no organization can have (`*` is never in an organization id), so
/// it can be moved neither to a connection's row nor from one.
extension PostureStore {
    static let appRow = "instance"
    static let appSealName = "*instance-app"

    public func connectionApp() async throws -> StoredConnectionApp? {
        try await sql.raw(
            """
            SELECT client_id, credential_kind, created_at, created_by, updated_at, credential_rotated_at
            FROM connection_app WHERE id = \(bind: Self.appRow)
            """
        ).first().map { row in
            StoredConnectionApp(
                clientID: try row.decode(column: "client_id", as: String.self),
                credentialKind: ConnectionSettings.CredentialKind(
                    rawValue: try row.decode(column: "credential_kind", as: String.self)
                ) ?? .secret,
                createdAt: try row.decode(column: "created_at", as: Date.self),
                createdBy: try row.decode(column: "created_by", as: String.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self),
                credentialRotatedAt: try row.decode(column: "credential_rotated_at", as: Date.self)
            )
        }
    }

    /// Creates or replaces the app; connections that use it sign in with the new one from now on.
    public func putConnectionApp(
        clientID: String,
        credential: ConnectionCredential,
        by actor: String,
        at instant: Date
    ) async throws -> (app: StoredConnectionApp, replaced: Bool) {
        guard let key = connectionKey else { throw ConnectionKeyError.cannotSeal }
        let sealed = try key.seal(credential.sealedText, for: Self.appSealName)
        let existing = try await connectionApp()
        if let existing {
            try await sql.raw(
                """
                UPDATE connection_app SET client_id = \(bind: clientID), credential_kind = \(bind: credential.kind.rawValue),
                    sealed_credential = \(bind: sealed), updated_at = \(bind: instant), credential_rotated_at = \(bind: instant)
                WHERE id = \(bind: Self.appRow)
                """
            ).run()
            // Connections show the app's client id and follow it; another app needs every tenant's
            // consent afresh.
            let consent: SQLQueryString = existing.clientID == clientID ? "" : ", consented_at = NULL"
            try await sql.raw(
                "UPDATE connections SET client_id = \(bind: clientID)\(consent) WHERE credential_kind = \(bind: ConnectionSettings.CredentialKind.instanceApp.rawValue)"
            ).run()
        } else {
            try await sql.raw(
                """
                INSERT INTO connection_app (id, client_id, credential_kind, sealed_credential, created_at, created_by,
                    updated_at, credential_rotated_at)
                VALUES (\(bind: Self.appRow), \(bind: clientID), \(bind: credential.kind.rawValue), \(bind: sealed),
                    \(bind: instant), \(bind: actor), \(bind: instant), \(bind: instant))
                """
            ).run()
        }
        guard let stored = try await connectionApp() else { throw ConnectionKeyError.cannotSeal }
        return (stored, existing != nil)
    }

    /// The app's credential, opened: for signing in, never for showing.
    public func connectionAppCredential() async throws -> ConnectionCredential? {
        guard
            let row = try await sql.raw(
                "SELECT credential_kind, sealed_credential FROM connection_app WHERE id = \(bind: Self.appRow)"
            ).first()
        else { return nil }
        guard let key = connectionKey else { throw ConnectionKeyError.cannotOpen }
        let text = try key.open(try row.decode(column: "sealed_credential", as: String.self), for: Self.appSealName)
        return try row.decode(column: "credential_kind", as: String.self)
            == ConnectionSettings.CredentialKind.certificate.rawValue ? .certificate(pem: text) : .secret(text)
    }

    /// The organization, other than `other`, whose connection through the app reads `tenantID`.
    public func instanceAppConnection(tenantID: String, other: OrganizationID) async throws -> OrganizationID? {
        try await sql.raw(
            """
            SELECT organization_id FROM connections
            WHERE credential_kind = \(bind: ConnectionSettings.CredentialKind.instanceApp.rawValue)
                AND LOWER(tenant_id) = \(bind: tenantID.lowercased()) AND organization_id <> \(bind: other.rawValue)
            LIMIT 1
            """
        ).first().map { OrganizationID(try $0.decode(column: "organization_id", as: String.self)) }
    }

    /// How many connections sign in with the app.
    public func connectionsUsingApp() async throws -> Int {
        try await sql.raw(
            "SELECT COUNT(*) AS n FROM connections WHERE credential_kind = \(bind: ConnectionSettings.CredentialKind.instanceApp.rawValue)"
        ).first().map { try $0.decode(column: "n", as: Int.self) } ?? 0
    }

    /// Removes the app; false when there was none.
    public func deleteConnectionApp() async throws -> Bool {
        guard try await connectionApp() != nil else { return false }
        try await sql.raw("DELETE FROM connection_app WHERE id = \(bind: Self.appRow)").run()
        return true
    }

    /// The token the organization's consent address carries; nil unless it uses the app.
    public func consentToken(_ organizationID: OrganizationID) async throws -> String? {
        try await sql.raw(
            "SELECT consent_state FROM connections WHERE organization_id = \(bind: organizationID.rawValue)"
        ).first().flatMap { try $0.decodeIfPresent(column: "consent_state", as: String.self) }
    }

    /// Records that the tenant granted consent (seen at the callback or at a first sign-in);
    /// with `makeDue`, the connection is collected at once. True when consent is new.
    public func recordConsent(_ organizationID: OrganizationID, at instant: Date, makeDue: Bool) async throws -> Bool {
        let due: SQLQueryString =
            makeDue ? ", next_run_at = \(bind: instant.timeIntervalSince1970)" : ""
        let updated = try await sql.raw(
            """
            UPDATE connections SET consented_at = \(bind: instant.timeIntervalSince1970)\(due)
            WHERE organization_id = \(bind: organizationID.rawValue) AND consented_at IS NULL
            RETURNING organization_id
            """
        ).all()
        if !updated.isEmpty { try await announceChange(organizationID) }
        return !updated.isEmpty
    }
}
