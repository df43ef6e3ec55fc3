import ArgumentParser
import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, list and revoke API access tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a signed bearer token for one organization (or all with --all).",
            discussion: "The token is printed alone on standard output; keep it secret."
        )

        @Option(help: ArgumentHelp("Organization the token may see.", valueName: "org"))
        var org: String?

        @Flag(help: "An instance-wide token that sees every organization (for administrators).")
        var all = false

        @Option(
            help: ArgumentHelp(
                "Role in --org (default securityReader for read, securityAdministrator for read-write).",
                valueName: "role"
            )
        )
        var role: String?

        @Option(help: ArgumentHelp("SecurityEvents.Read.All or SecurityEvents.ReadWrite.All.", valueName: "scope"))
        var scope: String

        @Option(
            help: ArgumentHelp("Lifetime such as 30m, 1h, 12h or 7d (default 1h, at most 90d).", valueName: "duration")
        )
        var expires = "1h"

        @Option(help: ArgumentHelp("Who the token is for, recorded as the actor of changes.", valueName: "name"))
        var subject = "cli"

        @OptionGroup var server: ServerOptions

        func validate() throws {
            if (org == nil) == !all { throw ValidationError("give either --org ORG or --all") }
            if let role, Role(name: role) == nil {
                throw ValidationError("--role must be one of \(Role.choices), got \"\(role)\"")
            }
            if all, role != nil {
                throw ValidationError("--role goes with --org; --all tokens act as an instance administrator")
            }
            guard APIScope(rawValue: scope) != nil else {
                throw ValidationError(
                    "--scope must be \(APIScope.allCases.map(\.rawValue).joined(separator: " or ")), got \"\(scope)\""
                )
            }
            guard Self.seconds(expires) != nil else {
                throw ValidationError("--expires must look like 30m, 1h or 7d (at most 90d), got \"\(expires)\"")
            }
        }

        static func seconds(_ text: String) -> TimeInterval? {
            guard let unit = text.last, let value = Double(text.dropLast()), value > 0 else { return nil }
            let factor: Double? = ["s": 1, "m": 60, "h": 3600, "d": 86_400][unit]
            guard let factor, value * factor <= TokenService.maximumLifetime else { return nil }
            return value * factor
        }

        func run() async throws {
            let configuration = try server.configuration()
            let token = try await withRuntime(configuration) { runtime in
                if let org, try await runtime.service.findOrganization(OrganizationID(org)) == nil {
                    Console.error("no organization with id \"\(org)\" (see `posture org list`)")
                    throw ExitCode(1)
                }
                let scope = APIScope(rawValue: scope)!
                let grant: TokenGrant =
                    if let org {
                        .organization(
                            org,
                            role.flatMap(Role.init(name:))
                                ?? (scope == .readWrite ? .securityAdministrator : .securityReader)
                        )
                    } else {
                        .instance
                    }
                return try await runtime.tokens.issue(
                    subject: subject,
                    grant: grant,
                    scopes: [scope],
                    lifetime: Self.seconds(expires)!,
                    issuedBy: "cli"
                )
            }
            Console.write(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tokens issued with `token create` (never the tokens themselves)."
        )

        @Option(help: ArgumentHelp("Only tokens for this organization.", valueName: "org")) var org: String?
        @Option(help: "Output format (table or json).") var format: OutputFormat = .table
        @OptionGroup var server: ServerOptions

        func validate() throws {
            if format == .csv { throw ValidationError("token list prints table or json") }
        }

        func run() async throws {
            let tokens = try await withRuntime(try server.configuration()) { runtime in
                try await runtime.service.issuedTokens(organizationID: org.map(OrganizationID.init(rawValue:)))
            }
            let now = Date()
            let rows: [[String]] = tokens.map { token in
                [
                    token.tokenID, token.subject, token.organizationID, token.role?.rawValue ?? "instance",
                    token.scopes.joined(separator: " "), token.issuedAt.iso8601, token.expiresAt.iso8601,
                    token.state(at: now),
                ]
            }
            let header = ["id", "subject", "organization", "role", "scopes", "issued", "expires", "state"]
            if format == .json {
                let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
                Console.write(try JSONOutput.encode(objects))
            } else {
                var table = TextTable(header.map { ($0.uppercased(), .left) })
                for row in rows { table.add(row) }
                Console.write(table.render())
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an issued token: every node refuses it within seconds.",
            discussion: "Find the id with `posture token list`."
        )

        @Argument(help: "The token's id.") var id: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let revoked = try await withRuntime(try server.configuration()) { runtime in
                try await runtime.service.revokeIssuedToken(id, actor: "cli")
            }
            guard revoked else {
                Console.error("no active token with id \"\(id)\" (see `posture token list`)")
                throw ExitCode(1)
            }
            Console.write("revoked token \(id)")
        }
    }
}
