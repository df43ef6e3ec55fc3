import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The Settings page and its forms: zones and the custom comparison (read-write roles), API
/// clients and people's roles (Global administrators).
struct SettingsRoutes: Sendable {
    let dependencies: WebDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("settings", use: page)
        organization.post("settings", "zones", use: saveZones)
        organization.post("settings", "zones", "reset", use: resetZones)
        organization.post("settings", "comparison", use: saveComparison)
        organization.post("settings", "clients", use: createClient)
        organization.post("settings", "clients", ":client", "revoke", use: revokeClient)
        organization.post("settings", "members", use: grant)
        organization.post("settings", "people", use: addMember)
        organization.post("settings", "members", "revoke", use: revoke)
        organization.post("settings", "connection", use: saveConnection)
        organization.post("settings", "connection", "rotate", use: rotateConnection)
        organization.post("settings", "connection", "remove", use: removeConnection)
        organization.post("settings", "connection", "test", use: testConnection)
        organization.post("settings", "connection", "refresh", use: refreshConnection)
        organization.post("settings", "connection", "schedule", use: scheduleConnection)
        organization.post("settings", "digest", use: subscribeDigest)
        organization.post("settings", "digest", "stop", use: stopDigest)
        organization.post("settings", "reports", use: addReportSchedule)
        organization.post("settings", "reports", ":schedule", "remove", use: removeReportSchedule)
        organization.post("settings", "reports", ":schedule", "send", use: sendReportSchedule)
        registerOutbound(on: organization.grouped("settings"))
    }

    static let messages = [
        "zones": "Score zones saved.", "comparison": "Custom comparison saved.", "revoked": "Client revoked.",
        "granted": "Role granted.", "removed": "Role removed.", "connection": "Connection saved.",
        "rotated": "Credential replaced.", "disconnected": "Connection removed.",
        "refresh": "Collection requested: a node starts it within seconds.", "schedule": "Schedule saved.",
        "channel-test": "Test message queued: it leaves within a second; the delivery log shows how it went.",
        "channel-removed": "Channel removed; what it still had to send is cancelled.",
        "alerts": "Alerts saved.", "digest": "Your weekly digest is set: the next one leaves on Monday morning.",
        "digest-stopped": "Your weekly digest is stopped.",
        "report-scheduled": "Report scheduled: the first leaves when the next period closes.",
        "report-removed": "Scheduled report removed.",
        "report-sent": "Report queued: it is printed and leaves within a minute; the delivery log shows how it went.",
    ]

    @Sendable func page(_ request: Request) async throws -> Response {
        try await render(request, message: Self.messages[request.query[String.self, at: "saved"] ?? ""])
    }

    func render(
        _ request: Request,
        message: String? = nil,
        errors: [String] = [],
        secret: (String, String)? = nil,
        oneTime: (String, String)? = nil,
        test: ConnectionCheckReport? = nil,
        webhookSecret: (String, String)? = nil,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let context = try await OrganizationContext.resolve(request, .settings, service: service)
        let id = context.id
        let (zones, comparison) = try await service.settings(id)
        // People and API clients outlast the session: only roles granted in Posture manage them.
        let manage =
            AccessPolicy.decide(
                .manageAccess,
                organizationID: id,
                access: context.web.granted,
                scopes: [.readWrite]
            )
            == .allowed
        let grantable = AccessPolicy.grantableRoles(in: id, access: context.web.granted)
        // The digest and the scheduled reports both go through an enabled e-mail channel.
        let hasEmailChannel = try await service.channels(id).contains { $0.kind == .email && $0.isEnabled }
        let view = SettingsView(
            signedIn: context.web.signedIn,
            nav: context.nav,
            lockedReason: context.canWrite
                ? nil : "Your role (\(context.nav.role)) is read-only here: zones and comparisons cannot be changed.",
            canManageAccess: manage,
            canManageMembers: !grantable.isEmpty,
            zones: zones.ranges.map {
                ($0.zone.rawValue, ScoreFormat.bound($0.from), ScoreFormat.bound($0.to))
            },
            industry: comparison?.industry ?? "",
            region: comparison?.region ?? "",
            minSeats: comparison?.minSeats.map(String.init) ?? "",
            maxSeats: comparison?.maxSeats.map(String.init) ?? "",
            clients: manage
                ? try await service.clients(organizationID: id).map {
                    .init(
                        id: $0.clientID,
                        name: $0.name,
                        role: $0.role.displayName,
                        scopes: $0.scopes.joined(separator: " "),
                        revoked: $0.isRevoked
                    )
                } : [],
            members: grantable.isEmpty
                ? []
                : try await dependencies.identity.members(of: id).map {
                    .init(
                        username: $0.user.username,
                        displayName: $0.user.displayName,
                        role: $0.role.displayName,
                        removable: AccessPolicy.decideGrant(
                            nil,
                            replacing: $0.role,
                            organizationID: id,
                            access: context.web.user.access
                        ) == .allowed
                    )
                },
            roles: Role.allCases.map { ($0.rawValue, $0.displayName) },
            grantableRoles: grantable.map { ($0.rawValue, $0.displayName) },
            newSecret: secret.map { (clientID: $0.0, secret: $0.1) },
            newMember: oneTime.map { (username: $0.0, password: $0.1) },
            connection: context.canWrite
                ? try await connectionSection(
                    id,
                    test: test,
                    request: request,
                    instanceAdministrator: context.web.user.instanceAdministrator
                ) : nil,
            channels: try await channelSection(id, canWrite: context.canWrite, newSecret: webhookSecret),
            alerts: try await alertSection(id, canWrite: context.canWrite),
            digest: try await digestSection(id, username: context.web.user.username, hasEmailChannel: hasEmailChannel),
            reports: try await reportScheduleSection(id, canWrite: context.canWrite, hasEmailChannel: hasEmailChannel),
            message: message,
            errors: errors
        )
        return WebPages.html(view.render(), status: status)
    }

    /// Back to Settings with the saved message, scrolled to the section changed when it has an anchor.
    func back(_ request: Request, _ saved: String, section: String? = nil) -> Response {
        let anchor = section.map { "#" + $0 } ?? ""
        return request.redirect(
            to: "/orgs/\(WebPath.segment(request.parameters.get("org") ?? ""))/settings?saved=\(saved)\(anchor)"
        )
    }

    // MARK: zones and comparison

    struct ZonesForm: Content {
        var zone0: String?
        var from0: String?
        var to0: String?
        var zone1: String?
        var from1: String?
        var to1: String?
        var zone2: String?
        var from2: String?
        var to2: String?
    }

    @Sendable func saveZones(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        let form = (try? request.content.decode(ZonesForm.self)) ?? ZonesForm()
        let raw = [
            (form.zone0, form.from0, form.to0), (form.zone1, form.from1, form.to1), (form.zone2, form.from2, form.to2),
        ]
        var ranges: [ScoreZones.Range] = []
        var errors: [String] = []
        for (name, from, to) in raw {
            guard let zone = name.flatMap(ScoreZones.Zone.init(rawValue:)),
                let low = from.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
                let high = to.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
            else {
                errors.append("Every zone needs a number in From and To.")
                break
            }
            ranges.append(.init(zone: zone, from: low, to: high))
        }
        if errors.isEmpty {
            do {
                let zones = try ScoreZones(ranges: ranges)
                try await service.setZones(context.id, zones, actor: context.web.user.username, requestID: request.id)
                return back(request, "zones")
            } catch let error as ScoreZonesError {
                errors = error.problems.map { "Zones: \($0)." }
            }
        }
        return try await render(request, errors: errors, status: .badRequest)
    }

    @Sendable func resetZones(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        try await service.setZones(context.id, nil, actor: context.web.user.username, requestID: request.id)
        return back(request, "zones")
    }

    struct ComparisonForm: Content {
        var industry: String?
        var region: String?
        var minSeats: String?
        var maxSeats: String?
    }

    @Sendable func saveComparison(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        let form = (try? request.content.decode(ComparisonForm.self)) ?? ComparisonForm()
        func text(_ value: String?) -> String? {
            value.flatMap {
                $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces)
            }
        }
        var errors: [String] = []
        func seats(_ value: String?, _ name: String) -> Int? {
            guard let value = text(value) else { return nil }
            guard let number = Int(value) else {
                errors.append("\(name) must be a whole number.")
                return nil
            }
            return number
        }
        let comparison = CustomComparison(
            industry: text(form.industry),
            region: text(form.region),
            minSeats: seats(form.minSeats, "Min seats"),
            maxSeats: seats(form.maxSeats, "Max seats")
        )
        errors += comparison.problems.map { "Comparison: \($0)." }
        guard errors.isEmpty else { return try await render(request, errors: errors, status: .badRequest) }
        try await service.setCustomComparison(
            context.id,
            comparison,
            actor: context.web.user.username,
            requestID: request.id
        )
        return back(request, "comparison")
    }

    // MARK: clients and people

    struct ClientForm: Content {
        var name: String?
        var role: String?
        var write: String?
    }

    @Sendable func createClient(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .manageAccess
        )
        try context.web.requireGranted(context.manages)
        let form = (try? request.content.decode(ClientForm.self)) ?? ClientForm()
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        if let problem = TextLimits.problem(.name, name, required: true) {
            return try await render(request, errors: [problem], status: .badRequest)
        }
        guard let role = form.role.flatMap(Role.init(rawValue:)) else {
            return try await render(request, errors: ["Choose a role for the client."], status: .badRequest)
        }
        let scopes = form.write == "1" ? [Scope.read.rawValue, Scope.readWrite.rawValue] : [Scope.read.rawValue]
        let (client, secret) = try await service.createClient(
            organizationID: context.id,
            name: name,
            scopes: scopes,
            role: role,
            actor: context.web.user.username,
            requestID: request.id
        )
        return try await render(request, message: "Client created.", secret: (client.clientID, secret))
    }

    @Sendable func revokeClient(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .manageAccess
        )
        try context.web.requireGranted(context.manages)
        let clientID = request.parameters.get("client") ?? ""
        guard let client = try await service.client(clientID), client.organizationID == context.id else {
            throw WebError.notFound
        }
        _ = try await service.revokeClient(clientID, actor: context.web.user.username, requestID: request.id)
        return back(request, "revoked")
    }

    struct MemberForm: Content {
        var username: String?
        var role: String?
    }

    @Sendable func grant(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        try context.web.requireGranted { !AccessPolicy.grantableRoles(in: context.id, access: $0).isEmpty }
        let form = (try? request.content.decode(MemberForm.self)) ?? MemberForm()
        guard let role = form.role.flatMap(Role.init(rawValue:)) else {
            return try await render(request, errors: ["Choose a role."], status: .badRequest)
        }
        do {
            try await dependencies.identity.grant(
                role,
                to: form.username ?? "",
                in: context.id,
                linkingExisting: context.web.user.instanceAdministrator,
                grantor: context.web.granted,
                actor: context.web.user.username,
                requestID: request.id
            )
        } catch let error as IdentityError {
            return try await render(request, errors: [error.description], status: .badRequest)
        }
        return back(request, "granted")
    }

    struct NewMemberForm: Content {
        var username: String?
        var displayName: String?
        var role: String?
    }

    /// Creates a person with a role here; the one-time password is shown once.
    @Sendable func addMember(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        try context.web.requireGranted { !AccessPolicy.grantableRoles(in: context.id, access: $0).isEmpty }
        let form = (try? request.content.decode(NewMemberForm.self)) ?? NewMemberForm()
        guard let role = form.role.flatMap(Role.init(rawValue:)) else {
            return try await render(request, errors: ["Choose a role."], status: .badRequest)
        }
        do {
            let (user, password) = try await dependencies.identity.addMember(
                form.username ?? "",
                displayName: form.displayName,
                role: role,
                in: context.id,
                grantor: context.web.granted,
                actor: context.web.user.username,
                requestID: request.id
            )
            return try await render(request, message: "Added \(user.username).", oneTime: (user.username, password))
        } catch let error as IdentityError {
            return try await render(request, errors: [error.description], status: .badRequest)
        }
    }

    @Sendable func revoke(_ request: Request) async throws -> Response {
        let context = try await OrganizationContext.resolve(
            request,
            .settings,
            service: service,
            operation: .changeState
        )
        try context.web.requireGranted { !AccessPolicy.grantableRoles(in: context.id, access: $0).isEmpty }
        let form = (try? request.content.decode(MemberForm.self)) ?? MemberForm()
        do {
            try await dependencies.identity.revoke(
                from: form.username ?? "",
                in: context.id,
                grantor: context.web.granted,
                actor: context.web.user.username,
                requestID: request.id
            )
        } catch let error as IdentityError {
            return try await render(request, errors: [error.description], status: .badRequest)
        }
        return back(request, "removed")
    }
}
