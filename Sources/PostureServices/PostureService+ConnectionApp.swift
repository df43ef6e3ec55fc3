import Foundation
import PostureCore
import PostureStore

/// The instance-wide multi-tenant app: a service provider registers one app, each tenant's
/// administrator grants it admin consent, and Posture signs in to every such tenant with it.
/// Instance administrators manage it; its credential is sealed like a connection's.
extension PostureService {
    public func connectionApp() async throws -> StoredConnectionApp {
        guard let app = try await store.connectionApp() else { throw ServiceError.connectionAppNotFound }
        return app
    }

    /// How many connections sign in with the app.
    public func connectionsUsingApp() async throws -> Int {
        try await store.connectionsUsingApp()
    }

    /// Sets up or replaces the app (a new client id, or a rotated credential): every connection
    /// through it signs in with the new one from its next collection.
    @discardableResult
    public func setConnectionApp(
        clientID: String,
        credential: ConnectionCredential,
        actor: String,
        requestID: String? = nil
    ) async throws -> (app: StoredConnectionApp, replaced: Bool) {
        var problems: [ConnectionProblem] = []
        if !ConnectionSettings.isApplicationID(clientID) {
            problems.append(.init(field: "clientId", "must be the app registration's application (client) id, a GUID"))
        }
        if let problem = credential.problem { problems.append(problem) }
        guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
        let now = clock.now()
        return try await store.transaction { store in
            let before = try await store.connectionApp()
            let result = try await store.putConnectionApp(
                clientID: clientID,
                credential: credential,
                by: actor,
                at: now
            )
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: nil,
                    action: before == nil ? "connection-app.add" : "connection-app.replace",
                    before: before.map(AuditJSON.connectionApp),
                    after: AuditJSON.connectionApp(result.app),
                    requestID: requestID
                )
            )
            return result
        }
    }

    /// Removes the app; refused while a connection signs in with it.
    public func removeConnectionApp(actor: String, requestID: String? = nil) async throws {
        let before = try await connectionApp()
        let now = clock.now()
        try await store.transaction { store in
            let using = try await store.connectionsUsingApp()
            guard using == 0 else { throw ServiceError.connectionAppInUse(using) }
            guard try await store.deleteConnectionApp() else { throw ServiceError.connectionAppNotFound }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: actor,
                    organizationID: nil,
                    action: "connection-app.remove",
                    before: AuditJSON.connectionApp(before),
                    after: nil,
                    requestID: requestID
                )
            )
        }
    }

    /// Connects the organization through the app: only the tenant, the cloud, the sources and
    /// the schedule are its own. The tenant's administrator then grants consent at
    /// ``consentURL(_:redirectURI:)``.
    ///
    /// A tenant's consent is the app's, not one organization's: whoever chooses the tenant
    /// chooses whose directory the app reads. So only instance administrators connect through
    /// the app, and a tenant serves one such organization at most.
    @discardableResult
    public func connectThroughApp(
        _ organizationID: OrganizationID,
        _ settings: ConnectionSettings,
        instanceAdministrator: Bool,
        actor: String,
        requestID: String? = nil
    ) async throws -> (connection: StoredConnection, replaced: Bool) {
        guard instanceAdministrator else {
            throw ServiceError.instanceAdministratorOnly("connect organizations through the instance-wide app")
        }
        let app = try await connectionApp()
        var settings = settings
        settings.clientID = app.clientID
        settings.credentialKind = .instanceApp
        var problems = settings.problems
        if let other = try await store.instanceAppConnection(tenantID: settings.tenantID, other: organizationID) {
            problems.append(Self.tenantTaken(other))
        }
        guard problems.isEmpty else { throw ServiceError.invalidConnection(problems) }
        _ = try await organization(organizationID)
        return try await putConnection(
            organizationID,
            settings,
            nil,
            at: clock.now(),
            actor: actor,
            requestID: requestID
        )
    }

    /// The address the tenant's administrator opens to grant the app consent; nil unless the
    /// connection signs in with the app. `redirectURI` is where Microsoft sends them back (the
    /// server's public address and ``AdminConsent/callbackPath``, registered on the app).
    public func consentURL(_ organizationID: OrganizationID, redirectURI: String) async throws -> String? {
        let connection = try await connection(organizationID)
        guard connection.settings.credentialKind == .instanceApp,
            let token = try await store.consentToken(organizationID)
        else { return nil }
        return AdminConsent.url(
            settings: connection.settings,
            clientID: connection.settings.clientID,
            redirectURI: redirectURI,
            state: AdminConsent.state(organizationID: organizationID, token: token)
        )
    }

    /// What came of a consent callback.
    public enum ConsentOutcome: Sendable, Equatable {
        case granted(OrganizationID)
        case refused(OrganizationID, error: String, description: String?)
        /// The state is not one this server sent, or no longer (the connection changed).
        case unknownState
    }

    /// Reads Microsoft's answer to a consent request. The state names the organization and
    /// carries its token, compared in constant time; a granted consent makes the connection due
    /// at once. Audited either way, with the tenant's answer and without the token.
    public func acceptConsent(
        state: String,
        answer: AdminConsent.Answer,
        requestID: String? = nil
    ) async throws
        -> ConsentOutcome
    {
        guard let (organizationID, token) = AdminConsent.parse(state: state),
            let stored = try await store.consentToken(organizationID),
            ConstantTime.equal(stored, token)
        else { return .unknownState }
        let now = clock.now()
        return try await store.transaction { store in
            let outcome: ConsentOutcome
            let detail: String
            switch answer {
            case .granted(let tenant):
                _ = try await store.recordConsent(organizationID, at: now, makeDue: true)
                outcome = .granted(organizationID)
                detail = "granted" + (tenant.map { " by tenant \($0)" } ?? "")
            case .refused(let error, let description):
                outcome = .refused(organizationID, error: error, description: description)
                detail = "refused: \(error)" + (description.map { ": \($0)" } ?? "")
            }
            try await store.appendAudit(
                AuditDraft(
                    occurredAt: now,
                    actor: "tenant administrator",
                    organizationID: organizationID.rawValue,
                    action: "connection.consent",
                    target: String(detail.prefix(600)),
                    before: nil,
                    after: nil,
                    requestID: requestID
                )
            )
            return outcome
        }
    }

    static func tenantTaken(_ other: OrganizationID) -> ConnectionProblem {
        ConnectionProblem(
            field: "tenantId",
            "is already connected through the instance-wide app by organization \"\(other.rawValue)\""
        )
    }

    /// A sign-in through the app succeeded: consent has landed even when nobody came back
    /// through the callback.
    func noteConsent(_ connection: StoredConnection, makeDue: Bool) async throws {
        guard connection.settings.credentialKind == .instanceApp, connection.consentedAt == nil else { return }
        _ = try await store.recordConsent(connection.organizationID, at: clock.now(), makeDue: makeDue)
    }
}
