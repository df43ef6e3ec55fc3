import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people who sign in to the dashboard and their roles.",
        discussion: """
            Roles (read-write): globalAdministrator, securityAdministrator, exchangeAdministrator,
            sharePointAdministrator, accountAdministrator. Roles (read-only): helpdeskAdministrator,
            userAdministrator, serviceAdministrator, securityReader, securityOperator, globalReader.
            """,
        subcommands: [Add.self, List.self, Remove.self, Grant.self, Revoke.self, ResetPassword.self]
    )

    /// Runs `body`, turning identity and service errors into one clear line and exit status 1.
    static func run<T>(_ server: ServerOptions, _ body: (PostureRuntime) async throws -> T) async throws -> T {
        try await withRuntime(try server.configuration()) { runtime in
            do {
                return try await body(runtime)
            } catch let error as IdentityError {
                Console.error(error.description)
                throw ExitCode(1)
            } catch let error as ServiceError {
                Console.error(error.description + " (see `posture org list`)")
                throw ExitCode(1)
            }
        }
    }

    static func role(_ name: String) throws -> Role {
        guard let role = Role(name: name) else {
            throw ValidationError("--role must be one of \(Role.choices), got \"\(name)\"")
        }
        return role
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person; a one-time password is printed once and must be changed at first sign-in."
        )

        @Argument(help: ArgumentHelp("User name (letters, digits, . - _ @; e-mail addresses work).", valueName: "name"))
        var name: String
        @Option(help: ArgumentHelp("Name shown in the dashboard.", valueName: "text")) var displayName: String?
        @Option(help: ArgumentHelp("Organization to grant a role in right away.", valueName: "org")) var org: String?
        @Option(help: ArgumentHelp("Role in --org.", valueName: "role")) var role: String?
        @Flag(help: "Make the person an instance administrator (every organization, people and clients).")
        var instanceAdmin = false
        @OptionGroup var server: ServerOptions

        func validate() throws {
            if (org == nil) != (role == nil) { throw ValidationError("--org and --role go together") }
            if let role { _ = try UserCommand.role(role) }
            if UserName.normalized(name) == nil {
                throw ValidationError(IdentityError.invalidUserName(name).description)
            }
        }

        func run() async throws {
            let (user, password) = try await UserCommand.run(server) { runtime in
                if let org, try await runtime.service.findOrganization(OrganizationID(org)) == nil {
                    throw ServiceError.organizationNotFound(org)
                }
                let created = try await runtime.identity.addUser(
                    name,
                    displayName: displayName,
                    instanceAdministrator: instanceAdmin,
                    actor: "cli"
                )
                if let org, let role {
                    try await runtime.identity.grant(
                        try UserCommand.role(role),
                        to: name,
                        in: OrganizationID(org),
                        actor: "cli"
                    )
                }
                return created
            }
            Console.write(
                """
                user:               \(user.username)
                one-time password:  \(password)
                The password is shown only now; it must be changed at first sign-in.
                """
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List people with their roles (never passwords).")

        @Option(help: ArgumentHelp("Only people with a role in this organization.", valueName: "org")) var org: String?
        @Option(help: "Output format (table or json).") var format: OutputFormat = .table
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let (users, accounts) = try await UserCommand.run(server) { runtime in
                let users = try await runtime.identity.users().filter { user in
                    org.map { user.roles[$0] != nil } ?? true
                }
                return (users, Dictionary(grouping: try await runtime.identity.identities(), by: \.userID))
            }
            // "password", and the providers the person signs in through.
            func signsInWith(_ user: StoredUser) -> String {
                let methods =
                    (user.hasPassword ? ["password"] : []) + Set((accounts[user.id] ?? []).map(\.provider)).sorted()
                return methods.joined(separator: ", ")
            }
            func roles(_ user: StoredUser) -> String {
                var parts = user.instanceAdministrator ? ["instance administrator"] : []
                parts += user.roles.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.rawValue)" }
                return parts.joined(separator: ", ")
            }
            func state(_ user: StoredUser) -> String { user.state }
            if format == .json {
                let rows: [[String: String]] = users.map {
                    [
                        "username": $0.username, "displayName": $0.displayName, "roles": roles($0), "state": state($0),
                        "signsInWith": signsInWith($0),
                    ]
                }
                Console.write(try JSONOutput.encode(rows))
                return
            }
            var table = TextTable([
                ("USER", .left), ("NAME", .left), ("SIGNS IN WITH", .left), ("ROLES", .left), ("STATE", .left),
            ])
            for user in users {
                table.add([user.username, user.displayName, signsInWith(user), roles(user), state(user)])
            }
            Console.write(users.isEmpty ? "no users" + (org.map { " in \($0)" } ?? "") : table.render())
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a person, their roles and their sessions.")

        @Argument(help: ArgumentHelp("User name.", valueName: "name")) var name: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await UserCommand.run(server) { runtime in try await runtime.identity.removeUser(name, actor: "cli") }
            Console.write("removed \(name.lowercased())")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a person a role in an organization (replacing the role they held there)."
        )

        @Argument(help: ArgumentHelp("User name.", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("Organization id.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("Role, e.g. securityAdministrator or securityReader.", valueName: "role"))
        var role: String
        @OptionGroup var server: ServerOptions

        func validate() throws { _ = try UserCommand.role(role) }

        func run() async throws {
            let role = try UserCommand.role(role)
            try await UserCommand.run(server) { runtime in
                try await runtime.identity.grant(role, to: name, in: OrganizationID(org), actor: "cli")
            }
            Console.write("\(name.lowercased()) is \(role.displayName) in \(org)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a person's role in an organization away.")

        @Argument(help: ArgumentHelp("User name.", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("Organization id.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let revoked = try await UserCommand.run(server) { runtime in
                try await runtime.identity.revoke(from: name, in: OrganizationID(org), actor: "cli")
            }
            guard revoked else {
                Console.error("\(name.lowercased()) holds no role in \(org)")
                throw ExitCode(1)
            }
            Console.write("\(name.lowercased()) no longer has a role in \(org)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Give a person a new one-time password, unlock the account and end its sessions."
        )

        @Argument(help: ArgumentHelp("User name.", valueName: "name")) var name: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let password = try await UserCommand.run(server) { runtime in
                try await runtime.identity.resetPassword(name, actor: "cli")
            }
            Console.write(
                """
                user:               \(name.lowercased())
                one-time password:  \(password)
                The password is shown only now; it must be changed at first sign-in.
                """
            )
        }
    }
}
