import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct MeasurementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measurements",
        abstract: "Import measurements into a stored organization.",
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a measurements file (the format of `posture assess`, or just {\"measurements\": [...]}).",
            discussion: "The whole file is checked first; nothing is stored when any entry is invalid."
        )

        @Argument(help: ArgumentHelp("Measurements file (JSON).", valueName: "file")) var file: String
        @Option(help: ArgumentHelp("Organization to import into.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        static let batchSize = 500

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.error("\(file): cannot read the file (does it exist?)")
                throw ExitCode(1)
            }
            try await withRuntime(try server.configuration()) { runtime in
                let measurements: [ActionMeasurement]
                do {
                    measurements = try Self.decode(Array(data), file: file, catalog: runtime.service.catalog)
                } catch let error as Diagnostic {
                    Console.error(error.description)
                    throw ExitCode(1)
                } catch let error as DiagnosticList {
                    Console.error(error.description + "\n\(error.diagnostics.count) error(s); nothing was imported")
                    throw ExitCode(1)
                }
                guard try await runtime.service.findOrganization(OrganizationID(org)) != nil else {
                    Console.error("no organization with id \"\(org)\" (see `posture org list`)")
                    throw ExitCode(1)
                }
                var done = 0
                var report: ScoreReport?
                var older: [OlderObservation] = []
                for start in stride(from: 0, to: measurements.count, by: Self.batchSize) {
                    let batch = Array(measurements[start..<min(measurements.count, start + Self.batchSize)])
                    let result = try await runtime.service.recordObservations(
                        OrganizationID(org),
                        batch,
                        actor: "cli import"
                    )
                    report = result.report
                    older += result.older
                    done += batch.count
                    Console.progress("imported \(done)/\(measurements.count) measurements")
                }
                // Newest observation wins: say which were older than what is stored, and kept out.
                for item in older {
                    Console.error(
                        "\(file): \(item.actionID): observed \(item.observedAt.iso8601), older than the stored measurement of \(item.storedObservedAt.iso8601); ignored"
                    )
                }
                if let report {
                    Console.write(
                        "\(org): \(ScoreFormat.points(report.currentScore)) / \(ScoreFormat.points(report.maxScore)) points (\(ScoreFormat.percentage(report.percentage)))"
                    )
                }
            }
        }

        /// Accepts a whole assessment file (its organization block is ignored) or a bare batch.
        static func decode(_ bytes: [UInt8], file: String, catalog: Catalog) throws -> [ActionMeasurement] {
            let root = try JSONSourceParser.parse(bytes, file: file)
            var top = NodeReader(file: file, entry: nil, node: root)
            top.rejectUnknownKeys(["organization", "measurements", "statuses"])
            let nodes = top.array("measurements", nonEmpty: true) ?? []
            var diagnostics = top.collected
            let (result, problems) = AssessmentDecoder.decodeMeasurements(nodes, file: file, catalog: catalog)
            diagnostics += problems
            guard diagnostics.isEmpty else { throw DiagnosticList(diagnostics) }
            return result
        }
    }
}
