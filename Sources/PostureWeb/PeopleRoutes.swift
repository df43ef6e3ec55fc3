import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The People page: instance administrators add people, give them new one-time passwords and
/// remove them; everyone else is refused.
struct PeopleRoutes: Sendable {
    let dependencies: WebDependencies

    var identity: IdentityService { dependencies.identity }

    func register(on signedIn: any RoutesBuilder) {
        signedIn.get("people", use: page)
        signedIn.post("people", use: add)
        signedIn.post("people", "reset", use: reset)
        signedIn.post("people", "remove", use: remove)
    }

    func administrator(_ request: Request) throws -> WebUser {
        let web = try request.webUser
        guard web.user.instanceAdministrator else {
            throw WebError.forbidden("Only instance administrators manage people.")
        }
        try web.requireGranted(\.instanceAdministrator)
        return web
    }

    @Sendable func page(_ request: Request) async throws -> Response {
        try await render(request, message: request.query[String.self, at: "removed"].map { "Removed \($0)." })
    }

    func render(
        _ request: Request,
        oneTime: (String, String)? = nil,
        message: String? = nil,
        errors: [String] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let web = try administrator(request)
        let accounts = Dictionary(grouping: try await identity.identities(), by: \.userID)
        let people = try await identity.users().map { user in
            let linked = accounts[user.id] ?? []
            var roles = user.instanceAdministrator ? ["instance administrator (granted in Posture)"] : []
            roles += user.roles.sorted { $0.key < $1.key }.map {
                "\($0.key): \($0.value.displayName) (granted in Posture)"
            }
            // Directory roles live in sessions; the last sign-in's are shown as where they come from.
            for account in linked {
                guard let access = account.directoryAccess else { continue }
                if access.instanceAdministrator { roles.append("instance administrator (from \(account.provider))") }
                roles += access.roles.sorted { $0.key < $1.key }.map {
                    "\($0.key): \($0.value.displayName) (from \(account.provider) at the last sign-in)"
                }
            }
            var methods = user.hasPassword ? ["Password"] : []
            methods += Set(linked.map(\.provider)).sorted()
            return PeopleView.Person(
                username: user.username,
                displayName: user.displayName,
                roles: roles.joined(separator: ", "),
                state: user.hasPassword ? user.state : "active",
                signsInWith: methods.isEmpty ? "Password (none set)" : methods.joined(separator: ", "),
                canReset: user.hasPassword
            )
        }
        let view = PeopleView(
            signedIn: web.signedIn,
            people: people,
            organizations: try await dependencies.service.organizations().map {
                ($0.organization.id, $0.organization.displayName)
            },
            roles: Role.allCases.map { ($0.rawValue, $0.displayName) },
            oneTimePassword: oneTime.map { (username: $0.0, password: $0.1) },
            message: message,
            errors: errors
        )
        return WebPages.html(view.render(), status: status)
    }

    struct AddForm: Content {
        var username: String?
        var displayName: String?
        var org: String?
        var role: String?
        var admin: String?
    }

    @Sendable func add(_ request: Request) async throws -> Response {
        let web = try administrator(request)
        let form = (try? request.content.decode(AddForm.self)) ?? AddForm()
        let name = form.username ?? ""
        do {
            if let org = form.org, !org.isEmpty,
                try await dependencies.service.findOrganization(OrganizationID(org)) == nil
            {
                return try await render(request, errors: ["No organization with id \(org)."], status: .badRequest)
            }
            let (user, password) = try await identity.addUser(
                name,
                displayName: form.displayName,
                instanceAdministrator: form.admin == "1",
                actor: web.user.username,
                requestID: request.id
            )
            if let org = form.org, !org.isEmpty, let role = form.role.flatMap(Role.init(rawValue:)) {
                try await identity.grant(
                    role,
                    to: user.username,
                    in: OrganizationID(org),
                    actor: web.user.username,
                    requestID: request.id
                )
            }
            return try await render(request, oneTime: (user.username, password), message: "Added \(user.username).")
        } catch let error as IdentityError {
            return try await render(request, errors: [error.description], status: .badRequest)
        }
    }

    struct PersonForm: Content { var username: String? }

    @Sendable func reset(_ request: Request) async throws -> Response {
        let web = try administrator(request)
        let name = (try? request.content.decode(PersonForm.self))?.username ?? ""
        // A password would let them around the provider and its multifactor authentication.
        if let person = try? await identity.user(name), !person.hasPassword {
            return try await render(
                request,
                errors: [
                    "\(person.username) signs in through a sign-in provider and has no password; `posture user reset-password` gives one if that is really meant."
                ],
                status: .badRequest
            )
        }
        do {
            let password = try await identity.resetPassword(name, actor: web.user.username, requestID: request.id)
            return try await render(request, oneTime: (name, password), message: "New one-time password for \(name).")
        } catch let error as IdentityError {
            return try await render(request, errors: [error.description], status: .badRequest)
        }
    }

    @Sendable func remove(_ request: Request) async throws -> Response {
        let web = try administrator(request)
        let name = (try? request.content.decode(PersonForm.self))?.username ?? ""
        guard name.lowercased() != web.user.username else {
            return try await render(request, errors: ["You cannot remove yourself."], status: .badRequest)
        }
        do {
            try await identity.removeUser(name, actor: web.user.username, requestID: request.id)
        } catch let error as IdentityError {
            return try await render(request, errors: [error.description], status: .badRequest)
        }
        return request.redirect(to: "/people?removed=\(WebPath.segment(name.lowercased()))")
    }
}
