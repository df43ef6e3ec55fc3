import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Create, list, show and delete organizations.",
        subcommands: [Create.self, List.self, Show.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organization.")

        @Option(help: ArgumentHelp("Id: 1–64 letters, digits, '.', '_' or '-'.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("Display name.", valueName: "name")) var name: String
        @Option(help: "Licensed user count (decides the seat band).") var licensed: Int?
        @Option(help: "Active user count.") var active: Int?
        @Option(help: "Industry, for custom comparisons.") var industry: String?
        @Option(help: "Region, for custom comparisons.") var region: String?
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard Organization.isValidID(id) else {
                throw ValidationError("--id \"\(id)\" is not valid: use 1–64 letters, digits, '.', '_' or '-'")
            }
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
            for (flag, value) in [("--licensed", licensed), ("--active", active)] where (value ?? 0) < 0 {
                throw ValidationError("\(flag) must not be negative")
            }
        }

        func run() async throws {
            let organization = Organization(
                id: id,
                displayName: name,
                licensedUserCount: licensed,
                activeUserCount: active,
                industry: industry,
                region: region
            )
            try await withRuntime(try server.configuration()) { runtime in
                do {
                    try await runtime.service.createOrganization(organization, actor: "cli")
                } catch let error as StoreError {
                    Console.error(error.description)
                    throw ExitCode(1)
                }
            }
            Console.write("created organization \(id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List organizations with their current score.",
            discussion: "Reads the stored scores a page at a time, so thousands of organizations list quickly."
        )

        @Option(help: "Only organizations whose name or id contains this text (ignoring case).") var search = ""
        @Option(help: "Order by name, score, percentage, zone, change (over 30 days) or regressions.")
        var sort: String = "name"
        @Flag(help: "Highest first (for name: Z to A).") var descending = false
        @Option(help: "Only organizations whose connection is failing or stale.") var connection: String?
        @Option(help: "At most this many organizations (default: all).") var limit: Int?
        @Option(help: "Output format.") var format: OutputFormat = .table
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard OrganizationListQuery.Sort(rawValue: sort) != nil else {
                throw ValidationError(
                    "--sort must be one of \(OrganizationListQuery.Sort.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if let connection, OrganizationListQuery.ConnectionFilter(rawValue: connection) == nil {
                throw ValidationError("--connection must be failing or stale, got \"\(connection)\"")
            }
            do {
                _ = try OrganizationListQuery(search: search)
            } catch {
                throw ValidationError("--search: \(error.description)")
            }
        }

        func run() async throws {
            let order = OrganizationListQuery.Sort(rawValue: sort) ?? .name
            let wanted = limit ?? Int.max
            let rows = try await withRuntime(try server.configuration()) { runtime in
                var rows: [(StoredOrganization, OrganizationListRow)] = []
                var after: OrganizationListCursor?
                repeat {
                    let query = try OrganizationListQuery(
                        search: search,
                        sort: order,
                        descending: descending,
                        limit: min(ListPage.maximumSize, wanted - rows.count),
                        after: after,
                        connection: connection.flatMap(OrganizationListQuery.ConnectionFilter.init(rawValue:))
                    )
                    let page = try await runtime.service.organizationPage(query, visible: nil)
                    rows += page.rows.map { ($0.organization, $0.row) }
                    after = page.next
                } while after != nil && rows.count < wanted
                return rows
            }
            switch format {
            case .json:
                Console.write(try JSONOutput.encode(rows.map { OrganizationSummary($0.0, $0.1) }))
            case .csv:
                Console.write(
                    CSVWriter.render(
                        header: ["id", "displayName", "currentScore", "maxScore", "percentage", "licensedUserCount"],
                        rows: rows.map { organization, report in
                            [
                                organization.organization.id, organization.organization.displayName,
                                AssessmentCSV.number(report.score), AssessmentCSV.number(report.maxScore),
                                AssessmentCSV.number(report.percentage),
                                organization.organization.licensedUserCount.map(String.init) ?? "",
                            ]
                        }
                    )
                )
            case .table:
                var table = TextTable([
                    ("ID", .left), ("NAME", .left), ("SCORE", .right), ("MAX", .right), ("%", .right),
                    ("CONNECTION", .left),
                ])
                for (organization, report) in rows {
                    table.add([
                        organization.organization.id, organization.organization.displayName,
                        ScoreFormat.points(report.score), ScoreFormat.points(report.maxScore),
                        ScoreFormat.percentage(report.percentage), report.connection?.rawValue ?? "-",
                    ])
                }
                Console.write(
                    rows.isEmpty ? "no organizations yet (create one with `posture org create`)" : table.render()
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one organization and its score.")

        @Argument(help: ArgumentHelp("Organization id.", valueName: "id")) var id: String
        @Option(help: "Output format (table or json).") var format: OutputFormat = .table
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let (organization, report) = try await withRuntime(try server.configuration()) { runtime in
                guard let organization = try await runtime.service.findOrganization(OrganizationID(id)) else {
                    Console.error("no organization with id \"\(id)\" (see `posture org list`)")
                    throw ExitCode(1)
                }
                return (organization, try await runtime.service.currentReport(OrganizationID(id)))
            }
            if format == .json {
                Console.write(
                    try JSONOutput.encode(ScoreDocument(report: report, organization: organization.organization))
                )
            } else {
                Console.write(
                    AssessmentTable.render(report: report, organization: organization.organization, plan: nil)
                )
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an organization and all its history.",
            discussion: "Asks for --yes: this cannot be undone."
        )

        @Argument(help: ArgumentHelp("Organization id.", valueName: "id")) var id: String
        @Flag(help: "Confirm the deletion.") var yes = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            guard yes else {
                Console.error("deleting \(id) removes its whole history; run again with --yes to confirm")
                throw ExitCode(1)
            }
            let deleted = try await withRuntime(try server.configuration()) { runtime in
                try await runtime.service.deleteOrganization(OrganizationID(id), actor: "cli")
            }
            guard deleted else {
                Console.error("no organization with id \"\(id)\"")
                throw ExitCode(1)
            }
            Console.write("deleted organization \(id)")
        }
    }
}

struct OrganizationSummary: Encodable {
    var id: String
    var displayName: String
    var currentScore: Double
    var maxScore: Double
    var percentage: Double
    var zone: String
    /// Percentage points since 30 days ago; absent without a snapshot then.
    var percentageChange30Days: Double?
    var openRegressions: Int
    /// Its connection's health; absent without a connection.
    var connectionHealth: String?
    var licensedUserCount: Int?
    var activeUserCount: Int?

    init(_ organization: StoredOrganization, _ report: OrganizationListRow) {
        id = organization.organization.id
        displayName = organization.organization.displayName
        currentScore = report.score
        maxScore = report.maxScore
        percentage = report.percentage
        zone = report.zone.rawValue
        percentageChange30Days = report.change30
        openRegressions = report.regressions
        connectionHealth = report.connection?.rawValue
        licensedUserCount = organization.organization.licensedUserCount
        activeUserCount = organization.organization.activeUserCount
    }
}
