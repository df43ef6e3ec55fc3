import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct ExclusionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exclusion",
        abstract: "Leave entities (break-glass accounts, service accounts) out of an action's count.",
        discussion: """
            An excluded entity leaves both achieved and total when the action's measurements list \
            their entities; otherwise it is shown beside the ratio. An exclusion with an expiry lapses then.
            """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    static func run<T>(_ server: ServerOptions, _ body: (PostureRuntime) async throws -> T) async throws -> T {
        try await withRuntime(try server.configuration()) { runtime in
            do {
                return try await body(runtime)
            } catch let error as ServiceError {
                Console.error(error.description)
                throw ExitCode(1)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exclude an entity from an action (or replace its exclusion)."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("Improvement action id.", valueName: "id")) var action: String
        @Option(help: ArgumentHelp("The entity, e.g. breakglass@contoso.example.", valueName: "name")) var entity:
            String
        @Option(help: ArgumentHelp("Why it is excluded.", valueName: "text")) var reason: String
        @Option(help: ArgumentHelp("Who answers for it.", valueName: "name")) var owner: String?
        @Option(help: ArgumentHelp("When it lapses (yyyy-MM-dd or ISO-8601).", valueName: "day")) var expires: String?
        @OptionGroup var server: ServerOptions

        func validate() throws {
            if let expires, Date(iso8601: expires) == nil {
                throw ValidationError("--expires must be a day like 2027-01-31, got \"\(expires)\"")
            }
            let problems = Exclusion(entity: entity, reason: reason, owner: owner).problems
            if let problem = problems.first { throw ValidationError(problem) }
        }

        func run() async throws {
            let exclusion = Exclusion(
                entity: entity,
                reason: reason,
                owner: owner,
                expiresAt: expires.flatMap { Date(iso8601: $0) }
            )
            let report = try await ExclusionCommand.run(server) { runtime in
                try await runtime.service.setExclusion(
                    OrganizationID(org),
                    actionID: ActionID(action),
                    exclusion,
                    actor: "cli"
                )
            }
            Console.write("excluded \(entity) from \(action) in \(org): \(report[action]?.explanation ?? "")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's exclusions.")

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("Only this action's.", valueName: "id")) var action: String?
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let now = Date()
            let exclusions = try await ExclusionCommand.run(server) { runtime in
                try await runtime.service.exclusions(
                    OrganizationID(org),
                    actionID: action.map(ActionID.init(rawValue:))
                )
            }
            var table = TextTable([
                ("ACTION", .left), ("ENTITY", .left), ("REASON", .left), ("OWNER", .left), ("EXPIRES", .left),
                ("STATE", .left),
            ])
            for stored in exclusions {
                let exclusion = stored.exclusion
                table.add([
                    stored.actionID, exclusion.entity, exclusion.reason, exclusion.owner ?? "",
                    exclusion.expiresAt?.iso8601 ?? "", exclusion.isActive(asOf: now) ? "active" : "lapsed",
                ])
            }
            Console.write(exclusions.isEmpty ? "no exclusions in \(org)" : table.render())
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count an excluded entity again.")

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("Improvement action id.", valueName: "id")) var action: String
        @Option(help: ArgumentHelp("The entity.", valueName: "name")) var entity: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let removed = try await ExclusionCommand.run(server) { runtime in
                try await runtime.service.removeExclusion(
                    OrganizationID(org),
                    actionID: ActionID(action),
                    entity: entity,
                    actor: "cli"
                )
            }
            guard removed else {
                Console.error("\(entity) is not excluded from \(action) in \(org)")
                throw ExitCode(1)
            }
            Console.write("\(entity) counts again in \(action)")
        }
    }
}
