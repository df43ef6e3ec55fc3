import Foundation
import PostureCore
import SQLKit

/// A Microsoft 365 connection as stored, without its credential.
public struct StoredConnection: Sendable, Equatable {
    public var organizationID: OrganizationID
    public var settings: ConnectionSettings
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date
    public var credentialRotatedAt: Date
    /// When it is collected next and how its last collections went.
    public var collection: CollectionState
    /// With the instance-wide app: when the tenant's admin consent was seen; nil before.
    public var consentedAt: Date?

    /// Pending, healthy, failing or stale at `now`.
    public func health(at now: Date) -> CollectionState.Health {
        collection.health(settings.schedule, at: now)
    }
}

extension PostureStore {
    static let connectionColumns = """
        organization_id, tenant_id, client_id, credential_kind, cloud, sources, login_url, graph_url, exchange_url,
        defender_url, created_at,
        created_by, updated_at, credential_rotated_at, collect_every_minutes, next_run_at, lease_expires_at,
        last_attempt_at, last_success_at, last_finished_at, last_duration, consecutive_failures, last_problem,
        resources_collected, resources_failed, last_measured, connected_at, consented_at
        """

    public func connection(_ organizationID: OrganizationID) async throws -> StoredConnection? {
        try await sql.raw(
            "SELECT \(unsafeRaw: Self.connectionColumns) FROM connections WHERE organization_id = \(bind: organizationID.rawValue)"
        ).first().map(StoredConnection.init(row:))
    }

    /// Every connection, in organization id order.
    public func connections() async throws -> [StoredConnection] {
        try await sql.raw("SELECT \(unsafeRaw: Self.connectionColumns) FROM connections ORDER BY organization_id")
            .all().map(StoredConnection.init(row:))
    }

    /// Creates or replaces the organization's connection, sealing `credential` with the connection
    /// key; nil signs in with the instance-wide app, and then the connection keeps a consent token
    /// (a new one for a new tenant, when consent starts over). Returns the stored connection and
    /// whether it replaced one.
    public func putConnection(
        _ organizationID: OrganizationID,
        _ settings: ConnectionSettings,
        credential: ConnectionCredential?,
        by actor: String,
        at instant: Date
    ) async throws -> (connection: StoredConnection, replaced: Bool) {
        let sealed = try credential.map { try seal($0, for: organizationID) } ?? ""
        let kind = credential?.kind ?? .instanceApp
        let existing = try await connection(organizationID)
        let sameConsent =
            credential == nil && existing?.settings.credentialKind == .instanceApp
            && existing?.settings.tenantID == settings.tenantID
        let token: String? =
            credential != nil
            ? nil : sameConsent ? try await consentToken(organizationID) ?? Self.newToken() : Self.newToken()
        let consented = sameConsent ? existing?.consentedAt?.timeIntervalSince1970 : nil
        let sources = settings.sources.map(\.rawValue).joined(separator: " ")
        if let existing {
            let restart = existing.settings.tenantID == settings.tenantID ? "" : Self.restartCollection(at: instant)
            try await sql.raw(
                """
                UPDATE connections SET \(unsafeRaw: restart) tenant_id = \(bind: settings.tenantID), client_id = \(bind: settings.clientID),
                    credential_kind = \(bind: kind.rawValue), sealed_credential = \(bind: sealed),
                    consent_state = \(bind: token), consented_at = \(bind: consented),
                    cloud = \(bind: settings.cloud.rawValue), sources = \(bind: sources),
                    login_url = \(bind: settings.loginURL), graph_url = \(bind: settings.graphURL),
                    exchange_url = \(bind: settings.exchangeURL), defender_url = \(bind: settings.defenderURL),
                    collect_every_minutes = \(bind: settings.schedule.intervalMinutes),
                    next_run_at = \(bind: instant.timeIntervalSince1970),
                    updated_at = \(bind: instant), credential_rotated_at = \(bind: instant)
                WHERE organization_id = \(bind: organizationID.rawValue)
                """
            ).run()
        } else {
            try await sql.raw(
                """
                INSERT INTO connections (organization_id, tenant_id, client_id, credential_kind, sealed_credential,
                    cloud, sources, login_url, graph_url, exchange_url, defender_url, created_at, created_by,
                    updated_at, credential_rotated_at, collect_every_minutes, next_run_at, connected_at, consent_state)
                VALUES (\(bind: organizationID.rawValue), \(bind: settings.tenantID), \(bind: settings.clientID),
                    \(bind: kind.rawValue), \(bind: sealed), \(bind: settings.cloud.rawValue), \(bind: sources),
                    \(bind: settings.loginURL), \(bind: settings.graphURL), \(bind: settings.exchangeURL),
                    \(bind: settings.defenderURL), \(bind: instant), \(bind: actor),
                    \(bind: instant), \(bind: instant), \(bind: settings.schedule.intervalMinutes),
                    \(bind: instant.timeIntervalSince1970), \(bind: instant.timeIntervalSince1970), \(bind: token))
                """
            ).run()
        }
        try await announceChange(organizationID)
        guard let stored = try await connection(organizationID) else {
            throw StoreError.organizationNotFound(organizationID.rawValue)
        }
        return (stored, existing != nil)
    }

    /// Replaces the settings alone, keeping the credential (whose kind the settings keep too);
    /// the connection is due at once, so the change is tried without waiting for the interval.
    public func updateConnectionSettings(
        _ organizationID: OrganizationID,
        _ settings: ConnectionSettings,
        at instant: Date
    ) async throws -> Bool {
        guard let existing = try await connection(organizationID) else { return false }
        let sources = settings.sources.map(\.rawValue).joined(separator: " ")
        // Through the instance-wide app, another tenant must grant consent afresh.
        let moved = existing.settings.tenantID != settings.tenantID
        let consent: SQLQueryString =
            existing.settings.credentialKind == .instanceApp && moved
            ? "consent_state = \(bind: Self.newToken()), consented_at = NULL," : ""
        let restart = moved ? Self.restartCollection(at: instant) : ""
        try await sql.raw(
            """
            UPDATE connections SET \(consent) \(unsafeRaw: restart) tenant_id = \(bind: settings.tenantID), client_id = \(bind: settings.clientID),
                cloud = \(bind: settings.cloud.rawValue), sources = \(bind: sources),
                login_url = \(bind: settings.loginURL), graph_url = \(bind: settings.graphURL),
                    exchange_url = \(bind: settings.exchangeURL), defender_url = \(bind: settings.defenderURL),
                collect_every_minutes = \(bind: settings.schedule.intervalMinutes),
                next_run_at = \(bind: instant.timeIntervalSince1970), updated_at = \(bind: instant)
            WHERE organization_id = \(bind: organizationID.rawValue)
            """
        ).run()
        try await announceChange(organizationID)
        return true
    }

    /// Replaces the credential alone; false when the organization has no connection.
    public func rotateConnectionCredential(
        _ organizationID: OrganizationID,
        _ credential: ConnectionCredential,
        at instant: Date
    ) async throws -> Bool {
        guard try await connection(organizationID) != nil else { return false }
        let sealed = try seal(credential, for: organizationID)
        try await sql.raw(
            """
            UPDATE connections SET credential_kind = \(bind: credential.kind.rawValue), sealed_credential = \(bind: sealed),
                updated_at = \(bind: instant), credential_rotated_at = \(bind: instant),
                next_run_at = \(bind: instant.timeIntervalSince1970)
            WHERE organization_id = \(bind: organizationID.rawValue)
            """
        ).run()
        try await announceChange(organizationID)
        return true
    }

    /// Removes the connection and its sealed credential; false when there was none.
    public func deleteConnection(_ organizationID: OrganizationID) async throws -> Bool {
        guard try await connection(organizationID) != nil else { return false }
        try await sql.raw("DELETE FROM connections WHERE organization_id = \(bind: organizationID.rawValue)").run()
        try await announceChange(organizationID)
        return true
    }

    /// Another tenant is another connection: the running collection's lease is taken away (its
    /// node then finds it gone and discards what it read) and the record starts over.
    static func restartCollection(at instant: Date) -> String {
        // Only numbers and column names: nothing from outside reaches this text.
        """
        lease_holder = NULL, lease_expires_at = NULL, last_attempt_at = NULL, last_success_at = NULL,
        last_finished_at = NULL, last_duration = NULL, consecutive_failures = 0, last_problem = NULL,
        resources_collected = NULL, resources_failed = NULL, last_measured = NULL,
        connected_at = \(instant.timeIntervalSince1970),
        """
    }

    /// A consent token: 128 random bits as hex.
    static func newToken() -> String { RandomHex.make(bytes: 16) }

    /// The connection's credential, opened: for signing in, never for showing. A connection
    /// through the instance-wide app signs in with the app's.
    public func connectionCredential(_ organizationID: OrganizationID) async throws -> ConnectionCredential? {
        guard
            let row = try await sql.raw(
                "SELECT credential_kind, sealed_credential FROM connections WHERE organization_id = \(bind: organizationID.rawValue)"
            ).first()
        else { return nil }
        if try row.decode(column: "credential_kind", as: String.self)
            == ConnectionSettings.CredentialKind.instanceApp.rawValue
        {
            return try await connectionAppCredential()
        }
        guard let key = connectionKey else { throw ConnectionKeyError.cannotOpen }
        let text = try key.open(
            try row.decode(column: "sealed_credential", as: String.self),
            for: organizationID.rawValue
        )
        switch try row.decode(column: "credential_kind", as: String.self) {
        case ConnectionSettings.CredentialKind.certificate.rawValue: return .certificate(pem: text)
        default: return .secret(text)
        }
    }

    private func seal(_ credential: ConnectionCredential, for organizationID: OrganizationID) throws -> String {
        guard let key = connectionKey else { throw ConnectionKeyError.cannotSeal }
        return try key.seal(credential.sealedText, for: organizationID.rawValue)
    }
}

extension StoredConnection {
    init(row: any SQLRow) throws {
        let kind = try row.decode(column: "credential_kind", as: String.self)
        let sources = try row.decode(column: "sources", as: String.self).split(separator: " ")
            .compactMap { ConnectionSource(rawValue: String($0)) }
        self.init(
            organizationID: OrganizationID(try row.decode(column: "organization_id", as: String.self)),
            settings: ConnectionSettings(
                tenantID: try row.decode(column: "tenant_id", as: String.self),
                clientID: try row.decode(column: "client_id", as: String.self),
                credentialKind: ConnectionSettings.CredentialKind(rawValue: kind) ?? .secret,
                cloud: MicrosoftCloud(rawValue: try row.decode(column: "cloud", as: String.self)) ?? .commercial,
                sources: sources,
                loginURL: try row.decodeIfPresent(column: "login_url", as: String.self),
                graphURL: try row.decodeIfPresent(column: "graph_url", as: String.self),
                exchangeURL: try row.decodeIfPresent(column: "exchange_url", as: String.self),
                defenderURL: try row.decodeIfPresent(column: "defender_url", as: String.self),
                schedule: CollectionSchedule(
                    intervalMinutes: try row.decode(column: "collect_every_minutes", as: Int.self)
                )
            ),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            credentialRotatedAt: try row.decode(column: "credential_rotated_at", as: Date.self),
            collection: try CollectionState(row: row),
            consentedAt: try row.decodeIfPresent(column: "consented_at", as: Double.self).map(
                Date.init(timeIntervalSince1970:)
            )
        )
    }
}

extension CollectionState {
    init(row: any SQLRow) throws {
        func instant(_ column: String) throws -> Date? {
            try row.decodeIfPresent(column: column, as: Double.self).map(Date.init(timeIntervalSince1970:))
        }
        let failed = try row.decodeIfPresent(column: "resources_failed", as: String.self)
            .flatMap { try? StoredJSON.decode([String: String].self, $0) }
        self.init(
            nextRunAt: try instant("next_run_at") ?? Date(timeIntervalSince1970: 0),
            leaseExpiresAt: try instant("lease_expires_at"),
            lastAttemptAt: try instant("last_attempt_at"),
            lastSuccessAt: try instant("last_success_at"),
            lastFinishedAt: try instant("last_finished_at"),
            lastDuration: try row.decodeIfPresent(column: "last_duration", as: Double.self),
            consecutiveFailures: try row.decode(column: "consecutive_failures", as: Int.self),
            lastProblem: try row.decodeIfPresent(column: "last_problem", as: String.self),
            resourcesCollected: try row.decodeIfPresent(column: "resources_collected", as: Int.self),
            resourcesFailed: failed ?? [:],
            measured: try row.decodeIfPresent(column: "last_measured", as: Int.self),
            connectedAt: try instant("connected_at") ?? Date(timeIntervalSince1970: 0)
        )
    }
}
