import ArgumentParser
import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue API access tokens.",
        subcommands: [Create.self]
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
            help: ArgumentHelp("Lifetime such as 30m, 1h, 12h or 7d (default 1h, at most 365d).", valueName: "duration")
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
                throw ValidationError("--expires must look like 30m, 1h or 7d (at most 365d), got \"\(expires)\"")
            }
        }

        static func seconds(_ text: String) -> TimeInterval? {
            guard let unit = text.last, let value = Double(text.dropLast()), value > 0 else { return nil }
            let factor: Double? = ["s": 1, "m": 60, "h": 3600, "d": 86_400][unit]
            guard let factor, value * factor <= 365 * 86_400 else { return nil }
            return value * factor
        }

        func run() async throws {
            let configuration = try server.configuration()
            let token = try await withRuntime(configuration) { runtime in
                if let org, try await runtime.service.store.organization(org) == nil {
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
                    lifetime: Self.seconds(expires)!
                )
            }
            Console.write(token)
        }
    }
}
