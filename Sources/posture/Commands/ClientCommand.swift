import ArgumentParser
import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Manage API clients (machine identities using client credentials).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API client; its secret is printed once and never stored.",
            discussion: "Get a token with POST /oauth2/v2.0/token (grant_type=client_credentials)."
        )

        @Option(help: ArgumentHelp("Organization the client acts for.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("A name to recognize it by.", valueName: "name")) var name: String
        @Option(
            name: .customLong("scope"),
            help: ArgumentHelp(
                "Scopes it may ask for (repeat for both; default SecurityEvents.Read.All).",
                valueName: "scope"
            )
        )
        var scopes: [String] = []
        @Option(
            help: ArgumentHelp(
                "Role it acts with (default securityReader, or securityAdministrator with the read-write scope).",
                valueName: "role"
            )
        )
        var role: String?
        @Option(help: "Output format (table or json).") var format: OutputFormat = .table
        @OptionGroup var server: ServerOptions

        func validate() throws {
            for scope in scopes where APIScope(rawValue: scope) == nil {
                throw ValidationError(
                    "--scope must be \(APIScope.allCases.map(\.rawValue).joined(separator: " or ")), got \"\(scope)\""
                )
            }
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
            if let role, Role(name: role) == nil {
                throw ValidationError("--role must be one of \(Role.choices), got \"\(role)\"")
            }
        }

        func run() async throws {
            let chosen = scopes.isEmpty ? [APIScope.read.rawValue] : scopes
            let role =
                role.flatMap(Role.init(name:))
                ?? (chosen.contains(APIScope.readWrite.rawValue) ? .securityAdministrator : .securityReader)
            let (client, secret) = try await withRuntime(try server.configuration()) { runtime in
                do {
                    return try await runtime.service.createClient(
                        organizationID: OrganizationID(org),
                        name: name,
                        scopes: chosen,
                        role: role,
                        actor: "cli"
                    )
                } catch let error as ServiceError {
                    Console.error(error.description)
                    throw ExitCode(1)
                }
            }
            if format == .json {
                Console.write(
                    try JSONOutput.encode([
                        "clientId": client.clientID, "clientSecret": secret,
                        "organizationId": client.organizationID.rawValue,
                        "scopes": client.scopes.joined(separator: " "), "role": client.role.rawValue,
                    ])
                )
            } else {
                Console.write(
                    """
                    client id:     \(client.clientID)
                    client secret: \(secret)
                    scopes:        \(client.scopes.joined(separator: " "))
                    role:          \(client.role.displayName)
                    The secret is shown only now; store it in a secret manager.
                    """
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API clients (never their secrets).")

        @Option(help: ArgumentHelp("Only this organization's clients.", valueName: "org")) var org: String?
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let clients = try await withRuntime(try server.configuration()) { runtime in
                try await runtime.service.clients(organizationID: org.map(OrganizationID.init(rawValue:)))
            }
            var table = TextTable([
                ("CLIENT ID", .left), ("ORGANIZATION", .left), ("NAME", .left), ("ROLE", .left), ("SCOPES", .left),
                ("CREATED", .left),
                ("REVOKED", .left),
            ])
            for client in clients {
                table.add([
                    client.clientID, client.organizationID.rawValue, client.name, client.role.rawValue,
                    client.scopes.joined(separator: " "),
                    client.createdAt.iso8601, client.revokedAt?.iso8601 ?? "",
                ])
            }
            Console.write(
                clients.isEmpty ? "no API clients yet (create one with `posture client add`)" : table.render()
            )
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API client: it gets no new tokens, and its tokens stop working at once."
        )

        @Argument(help: ArgumentHelp("Client id.", valueName: "client-id")) var clientID: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let revoked = try await withRuntime(try server.configuration()) { runtime in
                try await runtime.service.revokeClient(clientID, actor: "cli")
            }
            guard revoked else {
                Console.error("no active API client with id \"\(clientID)\"")
                throw ExitCode(1)
            }
            Console.write("revoked \(clientID)")
        }
    }
}
