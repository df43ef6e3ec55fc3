import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports for people who never open the dashboard.",
        subcommands: [Organization.self, All.self, Schedule.self]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, pdf, json, csv
    }

    /// A report in `format`: its page, that page as PDF, or its data.
    static func bytes(
        _ format: Format,
        page: String,
        csv: String,
        json: @autoclosure () throws -> Data,
        runtime: PostureRuntime
    ) async throws -> Data {
        switch format {
        case .html: return Data(page.utf8)
        case .csv: return Data(csv.utf8)
        case .json: return try json()
        case .pdf:
            do {
                return try await runtime.pdfConverter.pdf(fromHTML: page)
            } catch {
                Console.error("no PDF: \(error.description)")
                throw ExitCode(1)
            }
        }
    }

    struct Organization: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "org",
            abstract: "An organization's report for a period: HTML built for print, PDF, or its data as JSON or CSV.",
            discussion: """
                The same report as the dashboard's and GET /api/v1/organizations/{org}/reports/organization, \
                from the stored score and daily snapshots. The HTML file holds its stylesheet and prints \
                on its own (A4 or US Letter); the PDF is that page printed by headless Chromium \
                (chromium-headless-shell or chromium; POSTURE_PDF_ENGINE names another) and needs --output.
                """
        )

        @Argument(help: ArgumentHelp("Organization id.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("First day (yyyy-MM-dd); default: 30 days before --to.", valueName: "day"))
        var from: String?
        @Option(help: ArgumentHelp("Last day (yyyy-MM-dd); default: today.", valueName: "day")) var to: String?
        @Option(
            help: ArgumentHelp(
                "Target percentage for the plan; default: where the good zone starts.",
                valueName: "percent"
            )
        )
        var target: Double?
        @Option(help: "Output format.") var format: Format = .html
        @Option(help: "Paper for HTML (a4 or letter).") var paper: String = "a4"
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var output:
            String?
        @OptionGroup var server: ServerOptions

        func validate() throws {
            if format == .pdf, output == nil {
                throw ValidationError("--format pdf writes a file: add --output FILE")
            }
            guard ["a4", "letter"].contains(paper.lowercased()) else {
                throw ValidationError("--paper must be a4 or letter, got \"\(paper)\"")
            }
        }

        func run() async throws {
            let period: DayInterval
            do {
                period = try DayInterval.resolve(from: from, to: to, today: CivilDay(Date()), defaultDays: 30)
            } catch {
                throw ValidationError(Self.describe(error))
            }
            if let problem = OrganizationReport.problem(period: period, target: target) {
                // The option is named as it was typed.
                throw ValidationError(problem == .targetOutOfRange ? "--" + problem.description : problem.description)
            }
            let data = try await withRuntime(try server.configuration()) { runtime -> Data in
                let report: OrganizationReport
                do {
                    report = try await runtime.service.organizationReport(
                        OrganizationID(org),
                        period: period,
                        target: target
                    )
                } catch let error as ServiceError {
                    Console.error(error.description + " (see `posture org list`)")
                    throw ExitCode(1)
                }
                return try await ReportCommand.bytes(
                    format,
                    page: runtime.reportHTML(report, paper: paper.lowercased()),
                    csv: report.csv,
                    json: try ReportJSON.encode(report),
                    runtime: runtime
                )
            }
            try Self.write(data, to: output)
        }

        /// To the file, or to standard output without one.
        static func write(_ data: Data, to output: String?) throws {
            guard let output else {
                Console.write(String(decoding: data, as: UTF8.self))
                return
            }
            do {
                try data.write(to: URL(fileURLWithPath: output))
            } catch {
                Console.error("cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            Console.note("wrote \(output)")
        }

        static func describe(_ problem: DayInterval.Problem) -> String {
            switch problem {
            case .malformed(let field, let text): "--\(field) must be a day like 2026-11-28, got \"\(text.prefix(64))\""
            case .inverted(let from, let to): "--from (\(from)) is after --to (\(to))"
            case .inFuture(let to, let today): "--to (\(to)) is in the future; the latest day is \(today)"
            case .tooLong: "the range may span at most ten years"
            }
        }
    }

    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "all",
            abstract: "The report of all organizations: one row each, and how they spread across percentages and zones."
        )

        @Option(help: "Order: name, score, percentage, zone, change or regressions.") var sort: String = "name"
        @Flag(help: "Highest first.") var descending = false
        @Option(help: "Output format.") var format: Format = .html
        @Option(help: "Paper for HTML and PDF (a4 or letter).") var paper: String = "a4"
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var output:
            String?
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard OrganizationListQuery.Sort(rawValue: sort) != nil else {
                throw ValidationError(
                    "--sort must be one of \(OrganizationListQuery.Sort.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(sort)\""
                )
            }
            guard ["a4", "letter"].contains(paper.lowercased()) else {
                throw ValidationError("--paper must be a4 or letter, got \"\(paper)\"")
            }
            if format == .pdf, output == nil { throw ValidationError("--format pdf writes a file: add --output FILE") }
        }

        func run() async throws {
            let data = try await withRuntime(try server.configuration()) { runtime -> Data in
                let report = try await runtime.service.instanceReport(
                    sort: OrganizationListQuery.Sort(rawValue: sort) ?? .name,
                    descending: descending
                )
                return try await ReportCommand.bytes(
                    format,
                    page: runtime.reportHTML(report, paper: paper.lowercased()),
                    csv: report.csv,
                    json: try ReportJSON.encode(report),
                    runtime: runtime
                )
            }
            try Organization.write(data, to: output)
        }
    }
}
