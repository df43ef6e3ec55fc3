import Foundation
import PostureAPI
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// Settings → Microsoft 365 connection: connect, change, replace the credential, remove, test.
/// Read-write roles only; the credential goes in and is never shown.
extension SettingsRoutes {
    func connectionSection(
        _ id: OrganizationID,
        test: ConnectionCheckReport?,
        request: Request,
        instanceAdministrator: Bool
    ) async throws -> ConnectionSection {
        let stored = try? await service.connection(id)
        var consent: ConnectionSection.Consent?
        if let stored, stored.settings.credentialKind == .instanceApp,
            let url = try await service.consentURL(
                id,
                redirectURI: request.baseURL(dependencies.publicBaseURL) + AdminConsent.callbackPath
            )
        {
            consent = .init(
                url: url,
                grantedAt: stored.consentedAt.map { ScoreFormat.minute($0) + " UTC" }
            )
        }
        var section = ConnectionSection(
            current: stored.map { stored in
                let settings = stored.settings
                return .init(
                    tenantID: settings.tenantID,
                    clientID: settings.clientID,
                    credential: Self.credentialWords(settings.credentialKind),
                    cloudID: settings.cloud.rawValue,
                    cloud: settings.cloud.displayName,
                    sourceIDs: settings.sources.map(\.rawValue),
                    sources: settings.sources.map(\.displayName),
                    loginURL: settings.effectiveLoginURL,
                    graphURL: settings.effectiveGraphURL,
                    exchangeURL: settings.effectiveExchangeURL,
                    defenderURL: settings.effectiveDefenderURL,
                    rotatedAt: ScoreFormat.minute(stored.credentialRotatedAt) + " UTC",
                    collection: Self.collection(stored, at: dependencies.clock.now()),
                    consent: consent
                )
            },
            // Only instance administrators choose which tenant the instance-wide app reads.
            instanceApp: instanceAdministrator ? try? await service.connectionApp().clientID : nil,
            clouds: MicrosoftCloud.allCases.map { ($0.rawValue, $0.displayName) },
            sources: ConnectionSource.allCases.map { ($0.rawValue, $0.displayName) }
        )
        section.test = test.map { report in
            (
                report.summary, report.isReady,
                report.probes.map {
                    .init(
                        source: $0.sourceName,
                        resource: $0.resource,
                        permission: $0.permission,
                        result: $0.outcome.label,
                        code: $0.outcome.code
                    )
                }
            )
        }
        return section
    }

    static func credentialWords(_ kind: ConnectionSettings.CredentialKind) -> String {
        switch kind {
        case .certificate: "certificate"
        case .secret: "client secret"
        case .instanceApp: "the instance-wide app's"
        }
    }

    /// The collection record of a connection in words.
    static func collection(_ stored: StoredConnection, at now: Date) -> ConnectionSection.Collection {
        func time(_ date: Date?) -> String? { date.map { ScoreFormat.minute($0) + " UTC" } }
        let state = stored.collection
        let health = stored.health(at: now)
        let words: String =
            switch health {
            case .pending: "waiting for the first collection"
            case .healthy: "collected on schedule"
            case .failing: "failing: \(counted(state.consecutiveFailures, "attempt")) in a row, retrying"
            case .stale: "stale: no successful collection for more than two intervals"
            }
        let resources = state.resourcesCollected.map { collected in
            "\(counted(collected, "resource")), \(counted(state.measured ?? 0, "measurement")) newer than stored"
        }
        return .init(
            intervalMinutes: stored.settings.schedule.intervalMinutes,
            interval: ConnectionSection.every(stored.settings.schedule.intervalMinutes),
            health: health.rawValue,
            healthText: words,
            running: state.isRunning(at: now),
            lastSuccess: time(state.lastSuccessAt),
            lastAttempt: time(state.lastAttemptAt),
            nextRun: state.nextRunAt <= now ? "due now" : time(state.nextRunAt) ?? "",
            duration: state.lastDuration.map { String(format: "%.1f s", $0) },
            problem: state.consecutiveFailures > 0 ? state.lastProblem : nil,
            resources: resources,
            failed: state.resourcesFailed.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        )
    }

    struct ConnectionForm: Content {
        var tenantId: String?
        var clientId: String?
        var clientSecret: String?
        var certificate: String?
        var cloud: String?
        var sources: [String]?
        var useInstanceApp: String?
    }

    /// Exactly one of a secret and a certificate, from a form where an empty field means "not given".
    static func credential(secret: String?, certificate: String?) -> ConnectionCredential? {
        let secret = secret.flatMap { $0.isEmpty ? nil : $0 }
        let certificate = certificate.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        switch (secret, certificate) {
        case (let secret?, nil): return .secret(secret)
        case (nil, let pem?): return .certificate(pem: pem)
        default: return nil
        }
    }

    /// A connection's problems in words a person reads on the page.
    static func sentences(_ problems: [ConnectionProblem]) -> [String] {
        let names = [
            "tenantId": "Tenant", "clientId": "Application (client) id", "sources": "Sources",
            "clientSecret": "Client secret", "certificate": "Certificate", "loginUrl": "Sign-in endpoint",
            "graphUrl": "Graph endpoint", "exchangeUrl": "Exchange endpoint", "defenderUrl": "Defender endpoint",
            "collectEveryMinutes": "The schedule",
        ]
        return problems.map { "\(names[$0.field] ?? $0.field) \($0.message)." }
    }

    @Sendable func saveConnection(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        let form = (try? request.content.decode(ConnectionForm.self)) ?? ConnectionForm()
        let throughApp = form.useInstanceApp == "on"
        let credential = Self.credential(secret: form.clientSecret, certificate: form.certificate)
        if throughApp, credential != nil {
            return try await render(
                request,
                errors: ["The instance-wide app brings its own credential: leave the secret and certificate empty."],
                status: .badRequest
            )
        }
        if !throughApp, credential == nil {
            return try await render(
                request,
                errors: ["Give either a client secret or a certificate, not both."],
                status: .badRequest
            )
        }
        guard let cloud = MicrosoftCloud(rawValue: form.cloud ?? "commercial") else {
            return try await render(request, errors: ["Choose a cloud from the list."], status: .badRequest)
        }
        let sources = (form.sources ?? []).compactMap(ConnectionSource.init(rawValue:))
        let settings = ConnectionSettings(
            tenantID: (form.tenantId ?? "").trimmingCharacters(in: .whitespaces),
            clientID: (form.clientId ?? "").trimmingCharacters(in: .whitespaces),
            credentialKind: credential?.kind ?? .instanceApp,
            cloud: cloud,
            sources: sources,
            // A replaced connection keeps its schedule, which has a form of its own.
            schedule: (try? await service.connection(context.id))?.settings.schedule ?? CollectionSchedule()
        )
        do {
            if let credential {
                try await service.setConnection(
                    context.id,
                    settings,
                    credential: credential,
                    actor: context.web.user.username,
                    requestID: request.id
                )
            } else {
                try await service.connectThroughApp(
                    context.id,
                    settings,
                    instanceAdministrator: context.web.user.instanceAdministrator,
                    actor: context.web.user.username,
                    requestID: request.id
                )
            }
        } catch let error as ServiceError {
            return try await connectionRefusal(request, error)
        }
        return back(request, "connection", section: "connection")
    }

    @Sendable func rotateConnection(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        let form = (try? request.content.decode(ConnectionForm.self)) ?? ConnectionForm()
        guard let credential = Self.credential(secret: form.clientSecret, certificate: form.certificate) else {
            return try await render(
                request,
                errors: ["Give either a new client secret or a new certificate, not both."],
                status: .badRequest
            )
        }
        do {
            try await service.rotateConnectionCredential(
                context.id,
                credential,
                actor: context.web.user.username,
                requestID: request.id
            )
        } catch let error as ServiceError {
            return try await connectionRefusal(request, error)
        }
        return back(request, "rotated", section: "connection")
    }

    @Sendable func removeConnection(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        do {
            try await service.removeConnection(context.id, actor: context.web.user.username, requestID: request.id)
        } catch let error as ServiceError {
            return try await connectionRefusal(request, error)
        }
        return back(request, "disconnected", section: "connection")
    }

    @Sendable func testConnection(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        do {
            let report = try await service.testConnection(context.id)
            return try await render(request, test: report)
        } catch let error as ServiceError {
            return try await connectionRefusal(request, error)
        }
    }

    @Sendable func refreshConnection(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        do {
            try await service.requestCollection(context.id, actor: context.web.user.username, requestID: request.id)
        } catch let error as ServiceError {
            return try await connectionRefusal(request, error)
        }
        return back(request, "refresh", section: "connection")
    }

    struct ScheduleForm: Content {
        var collectEveryMinutes: String?
    }

    @Sendable func scheduleConnection(_ request: Request) async throws -> Response {
        let context = try await connectionContext(request)
        let form = (try? request.content.decode(ScheduleForm.self)) ?? ScheduleForm()
        guard let minutes = form.collectEveryMinutes.flatMap({ Int($0) }) else {
            return try await render(
                request,
                errors: ["Choose how often to collect from the list."],
                status: .badRequest
            )
        }
        do {
            try await service.updateConnectionSettings(
                context.id,
                actor: context.web.user.username,
                requestID: request.id
            ) { $0.schedule.intervalMinutes = minutes }
        } catch let error as ServiceError {
            return try await connectionRefusal(request, error)
        }
        return back(request, "schedule", section: "connection")
    }

    /// The context of a connection form: read-write roles only.
    func connectionContext(_ request: Request) async throws -> OrganizationContext {
        try await OrganizationContext.resolve(request, .settings, service: service, operation: .changeState)
    }

    /// Settings again with what went wrong, for the refusals every connection form shares.
    func connectionRefusal(_ request: Request, _ error: ServiceError) async throws -> Response {
        let errors: [String]
        switch error {
        case .invalidConnection(let problems): errors = Self.sentences(problems)
        case .connectionNotFound: errors = ["This organization has no connection."]
        case .connectionTestUnavailable: errors = ["This server cannot test connections."]
        case .collectionRunning: errors = ["A collection of this connection is running now."]
        case .connectionAppNotFound: errors = ["No instance-wide app is set up; ask an instance administrator."]
        case .connectionAppInUse, .instanceAdministratorOnly:
            errors = [Notices.sentence(error.description)]
        default: throw error
        }
        return try await render(request, errors: errors, status: .badRequest)
    }
}
