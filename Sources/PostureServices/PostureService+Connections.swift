import Foundation
import PostureCore
import PostureStore

/// Signs in to a tenant with a connection's settings and credential and reads one item of each
/// resource its sources need. The server's is the Graph collector's; stores nothing.
public protocol ConnectionTesting: Sendable {
    func check(_ settings: ConnectionSettings, _ credential: ConnectionCredential) async -> ConnectionCheckReport

    /// Whether the connection may create tasks in a Planner channel's plan and bucket.
    func checkPlanner(
        _ planner: PlannerSettings,
        _ settings: ConnectionSettings,
        _ credential: ConnectionCredential
    ) async -> ConnectionCheckReport.Outcome
}

/// Microsoft 365 connections: one per organization, its credential sealed at rest and never read
/// back by a person. Every change is audited without the credential.
extension PostureService {
    public func connection(_ organizationID: OrganizationID) async throws -> StoredConnection {
        _ = try await organization(organizationID)
        guard let connection = try await store.connection(organizationID) else {
            throw ServiceError.connectionNotFound(organizationID.rawValue)
        }
        return connection
    }

    /// The organization's connection, or nil without one; one read, for pages that show its health.
    public func connectionIfAny(_ organizationID: OrganizationID) async throws -> StoredConnection? {
        try await store.connection(organizationID)
    }

    /// The connection with its credential opened, for signing in to the tenant (a connection
    /// test or a collection); never for showing.
    public func connectionSignIn(
        _ organizationID: OrganizationID
    ) async throws -> (connection: StoredConnection, credential: ConnectionCredential) {
        var connection = try await connection(organizationID)
        if connection.settings.credentialKind == .instanceApp {
            // The app's current client id, whatever the connection showed when it was made.
            connection.settings.clientID = try await connectionApp().clientID
        }
        guard let credential = try await store.connectionCredential(organizationID) else {
            throw ServiceError.connectionNotFound(organizationID.rawValue)
        }
        return (connection, credential)
    }

    /// Tests the stored connection: sign-in, then every permission its sources need.
    public func testConnection(_ organizationID: OrganizationID) async throws -> ConnectionCheckReport {
        guard let connectionTester else { throw ServiceError.connectionTestUnavailable }
        let (connection, credential) = try await connectionSignIn(organizationID)
        var report = await connectionTester.check(connection.settings, credential)
        if report.signInProblem == nil {
            try await noteConsent(connection, makeDue: true)
            // Sharing to Planner goes through the connection too: its permission is checked with
            // the sources' when a Planner channel needs it.
            for channel in try await store.channels(organizationID) where channel.isEnabled {
                guard let planner = channel.planner else { continue }
                report.probes.append(
                    ConnectionCheckReport.Probe(
                        resource: "plannerTasks",
                        source: nil,
                        permission: PlannerAPI.permission,
                        outcome: await connectionTester.checkPlanner(planner, connection.settings, credential)
                    )
                )
            }
        }
        return report
    }

    public func connections() async throws -> [StoredConnection] {
        try await store.connections()
    }

    /// Creates or replaces the organization's connection. Settings and credential are checked
    /// together, so one answer names every problem.
    @discardableResult
    public func setConnection(
        _ organizationID: OrganizationID,
        _ settings: ConnectionSettings,
        credential: ConnectionCredential,
        actor: String,
        requestID: String? = nil
    ) async throws -> (connection: StoredConnection, replaced: Bool) {
        var problems = settings.problems
        if let problem = credential.problem { problems.append(problem) }
        guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
        _ = try await organization(organizationID)
        let now = clock.now()
        var settings = settings
        settings.credentialKind = credential.kind
        return try await putConnection(
            organizationID,
            settings,
            credential,
            at: now,
            actor: actor,
            requestID: requestID
        )
    }

    /// Stores a connection (nil credential: through the instance-wide app) and audits it as added
    /// or replaced, in one transaction.
    func putConnection(
        _ organizationID: OrganizationID,
        _ settings: ConnectionSettings,
        _ credential: ConnectionCredential?,
        at now: Date,
        actor: String,
        requestID: String?
    ) async throws -> (connection: StoredConnection, replaced: Bool) {
        try await store.transaction { store in
            let before = try await store.connection(organizationID)
            let result = try await store.putConnection(
                organizationID,
                settings,
                credential: credential,
                by: actor,
                at: now
            )
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: before == nil ? "connection.add" : "connection.replace",
                    before: before.map { AuditJSON.text(AuditJSON.connection($0)) },
                    after: AuditJSON.text(AuditJSON.connection(result.connection)),
                    requestID: requestID
                )
            )
            return result
        }
    }

    /// Changes a stored connection with `change` (false: it is gone) and audits `action`, with
    /// the connection before and after when `before` is given, in one transaction.
    func changeConnection(
        _ organizationID: OrganizationID,
        _ action: String,
        before: StoredConnection?,
        actor: String,
        requestID: String?,
        _ change: @escaping @Sendable (PostureStore, Date) async throws -> Bool
    ) async throws -> StoredConnection {
        let now = clock.now()
        return try await store.transaction { store in
            guard try await change(store, now), let after = try await store.connection(organizationID) else {
                throw ServiceError.connectionNotFound(organizationID.rawValue)
            }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: action,
                    before: before.map { AuditJSON.text(AuditJSON.connection($0)) },
                    after: before == nil ? nil : AuditJSON.text(AuditJSON.connection(after)),
                    requestID: requestID
                )
            )
            return after
        }
    }

    /// Changes the settings without the credential: `change` edits the stored settings, and the
    /// result is checked as a whole, so one answer names every problem.
    /// Moving a connection through the instance-wide app to another tenant is for instance
    /// administrators, as connecting through it is.
    @discardableResult
    public func updateConnectionSettings(
        _ organizationID: OrganizationID,
        instanceAdministrator: Bool = false,
        actor: String,
        requestID: String? = nil,
        _ change: (inout ConnectionSettings) -> Void
    ) async throws -> StoredConnection {
        let before = try await connection(organizationID)
        var settings = before.settings
        change(&settings)
        settings.credentialKind = before.settings.credentialKind
        var problems: [ConnectionProblem] = []
        if settings.credentialKind == .instanceApp {
            if settings.clientID != before.settings.clientID {
                problems.append(
                    ConnectionProblem(
                        field: "clientId",
                        "is the instance-wide app's; change the app, not the connection"
                    )
                )
            }
            if settings.tenantID != before.settings.tenantID {
                guard instanceAdministrator else {
                    throw ServiceError.instanceAdministratorOnly(
                        "move a connection through the instance-wide app to another tenant"
                    )
                }
                if let other = try await store.instanceAppConnection(tenantID: settings.tenantID, other: organizationID)
                {
                    problems.append(Self.tenantTaken(other))
                }
            }
        }
        problems += settings.problems
        guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
        let chosen = settings
        return try await changeConnection(
            organizationID,
            "connection.update",
            before: before,
            actor: actor,
            requestID: requestID
        ) { store, now in try await store.updateConnectionSettings(organizationID, chosen, at: now) }
    }

    /// Replaces the credential alone (a new client secret or certificate), keeping the settings.
    @discardableResult
    public func rotateConnectionCredential(
        _ organizationID: OrganizationID,
        _ credential: ConnectionCredential,
        actor: String,
        requestID: String? = nil
    ) async throws -> StoredConnection {
        if let problem = credential.problem { throw ServiceError.invalidConnection([problem]) }
        let before = try await connection(organizationID)
        guard before.settings.credentialKind != .instanceApp else {
            throw ServiceError.invalidConnection([
                ConnectionProblem(
                    field: "credential",
                    "this connection signs in with the instance-wide app: rotate the app's credential, which all its tenants share"
                )
            ])
        }
        return try await changeConnection(
            organizationID,
            "connection.rotate",
            before: before,
            actor: actor,
            requestID: requestID
        ) { store, now in try await store.rotateConnectionCredential(organizationID, credential, at: now) }
    }

    /// Removes the connection and its sealed credential.
    public func removeConnection(_ organizationID: OrganizationID, actor: String, requestID: String? = nil) async throws
    {
        let before = try await connection(organizationID)
        let now = clock.now()
        try await store.transaction { store in
            guard try await store.deleteConnection(organizationID) else {
                throw ServiceError.connectionNotFound(organizationID.rawValue)
            }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: organizationID.rawValue,
                    action: "connection.remove",
                    before: AuditJSON.text(AuditJSON.connection(before)),
                    after: nil,
                    requestID: requestID
                )
            )
        }
    }
}
