import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices

extension ReportCadence: ExpressibleByArgument {}
extension ReportPaper: ExpressibleByArgument {}

extension ReportCommand {
    /// `posture report schedule`: an organization's report by e-mail every week or month.
    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send an organization's report as PDF by e-mail every week or month.",
            discussion: """
                Reports leave from 07:00 UTC: weekly ones on Mondays for the week before, monthly ones on \
                the 1st for the month before. They go through the organization's e-mail channel \
                (posture channel add --kind email), only to addresses at its mail domains, and the \
                running server prints the PDF when the e-mail leaves. See docs/reports.md.
                """,
            subcommands: [List.self, Add.self, Remove.self, Send.self]
        )

        /// Problems name the options they came from.
        static func run<T>(_ server: ServerOptions, _ body: (PostureRuntime) async throws -> T) async throws -> T {
            try await ConnectionCommand.run(
                server,
                naming: { problem in
                    problem.field == "recipients" ? "--to: \(problem.message)" : problem.message
                },
                body
            )
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The organization's scheduled reports.")

            @Argument(help: ArgumentHelp("Organization id.", valueName: "org")) var org: String
            @OptionGroup var server: ServerOptions

            func run() async throws {
                let (schedules, now) = try await Schedule.run(server) { runtime in
                    (try await runtime.service.reportSchedules(OrganizationID(org)), runtime.service.clock.now())
                }
                var table = TextTable([
                    ("ID", .left), ("EVERY", .left), ("TO", .left), ("PAPER", .left), ("NEXT PERIOD", .left),
                    ("LEAVES", .left), ("LAST SENT", .left),
                ])
                for schedule in schedules {
                    let next = schedule.nextSend(after: now)
                    table.add([
                        schedule.id, schedule.cadence.rawValue, schedule.recipients.joined(separator: ","),
                        schedule.paper.rawValue, "\(next.period.from) to \(next.period.to)",
                        next.at <= now ? "due now" : next.at.iso8601, schedule.lastSentPeriod?.description ?? "not yet",
                    ])
                }
                Console.write(schedules.isEmpty ? "\(org) has no scheduled report" : table.render())
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Schedule the report; the first leaves when the next week or month closes.",
                discussion:
                    "posture report schedule add contoso --every monthly --to ciso@contoso.com,board@contoso.com"
            )

            @Argument(help: ArgumentHelp("Organization id.", valueName: "org")) var org: String
            @Option(help: ArgumentHelp("weekly or monthly.", valueName: "cadence")) var every: ReportCadence
            @Option(
                help: ArgumentHelp(
                    "Recipients, comma-separated (at most 20, at the organization's mail domains).",
                    valueName: "list"
                )
            ) var to: String
            @Option(help: ArgumentHelp("a4 (default) or letter.", valueName: "paper")) var paper: ReportPaper = .a4
            @OptionGroup var server: ServerOptions

            func run() async throws {
                let (schedule, now) = try await Schedule.run(server) { runtime in
                    (
                        try await runtime.service.addReportSchedule(
                            OrganizationID(org),
                            ReportScheduleDraft(cadence: every, recipients: EmailAddress.list(to), paper: paper),
                            actor: "cli"
                        ), runtime.service.clock.now()
                    )
                }
                let next = schedule.nextSend(after: now)
                Console.write(
                    "scheduled \(schedule.id): the first report covers \(next.period.from) to \(next.period.to) and leaves from \(next.at.iso8601)"
                )
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop a scheduled report.")

            @Argument(help: ArgumentHelp("Organization id.", valueName: "org")) var org: String
            @Argument(help: ArgumentHelp("The schedule's id (rpt_…).", valueName: "id")) var id: String
            @OptionGroup var server: ServerOptions

            func run() async throws {
                try await Schedule.run(server) { runtime in
                    try await runtime.service.removeReportSchedule(OrganizationID(org), id: id, actor: "cli")
                }
                Console.write("removed \(id)")
            }
        }

        struct Send: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Queue the report for the last closed period now; the running server prints and sends it."
            )

            @Argument(help: ArgumentHelp("Organization id.", valueName: "org")) var org: String
            @Argument(help: ArgumentHelp("The schedule's id (rpt_…).", valueName: "id")) var id: String
            @OptionGroup var server: ServerOptions

            func run() async throws {
                let delivery = try await Schedule.run(server) { runtime in
                    try await runtime.service.sendScheduledReport(OrganizationID(org), id: id, actor: "cli")
                }
                Console.write("queued \(delivery.id); see posture channel deliveries --org \(org)")
            }
        }
    }
}
