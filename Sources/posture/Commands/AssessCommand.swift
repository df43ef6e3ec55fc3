import ArgumentParser
import Foundation
import PostureCore

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Score one organization offline from a measurements file or an evidence snapshot.",
        discussion: """
            FILE is JSON with an organization, its measurements and the statuses people set \
            (see README, "Assessment file"). Prints the score, the categories and the ranked \
            actions; with --target, the cheapest plan to reach that percentage.

            With --evidence microsoft365, FILE is an evidence snapshot directory written by \
            `posture collect microsoft365` (see docs/evidence.md): the assessors turn it into \
            measurements, listed with the reason for each, then scored the same way.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Assessment file (JSON; - reads standard input), or a snapshot directory with --evidence.",
            valueName: "file"
        )
    )
    var file: String

    @Option(help: ArgumentHelp("Read FILE as an evidence snapshot of this kind.", valueName: "kind"))
    var evidence: EvidenceKind?

    @Option(
        name: .customLong("measurements-out"),
        help: ArgumentHelp(
            "With --evidence: also write the measurements to this file (the format `posture push` sends).",
            valueName: "file"
        )
    )
    var measurementsOut: String?

    @OptionGroup var catalogOptions: CatalogOptions

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Plan the cheapest way to reach this score percentage (0–100).", valueName: "percent"))
    var target: Double?

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("Evaluate at this date or time (default: now), e.g. 2026-11-28.", valueName: "date")
    )
    var asOf: String?

    @Option(
        help: ArgumentHelp(
            "Ranking and planning weights, e.g. cost=1,userImpact=0.5 (keys: points, cost, userImpact, complexity).",
            valueName: "weights"
        )
    )
    var weights: String?

    func validate() throws {
        _ = try rankingWeights()
        if let target, !(target.isFinite && target >= 0 && target <= 100) {
            throw ValidationError("--target must be a percentage between 0 and 100, got \(target)")
        }
        if measurementsOut != nil, evidence == nil {
            throw ValidationError("--measurements-out goes with --evidence")
        }
        if let asOf, Date(iso8601: asOf) == nil {
            throw ValidationError("--as-of must be a date like 2026-11-28 or 2026-11-28T09:30:00Z, got \"\(asOf)\"")
        }
    }

    func run() throws {
        let catalog = try catalogOptions.load()
        if evidence != nil {
            try runEvidence(catalog: catalog)
            return
        }
        let name = file == "-" ? "<stdin>" : file
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.error("\(file): cannot read the file (does it exist?)")
                throw ExitCode(1)
            }
            bytes = Array(data)
        }
        let input: AssessmentInput
        do {
            let root = try JSONSourceParser.parse(bytes, file: name)
            input = try AssessmentDecoder.decode(root, file: name, catalog: catalog)
        } catch let error as Diagnostic {
            Console.error(error.description)
            throw ExitCode(1)
        } catch let error as DiagnosticList {
            let count = error.diagnostics.count
            Console.error(error.description + "\n\(count) error\(count == 1 ? "" : "s"); nothing was scored")
            throw ExitCode(1)
        }

        let (report, plan) = try score(input, catalog: catalog, defaultAsOf: Date())
        let document = ScoreDocument(report: report, organization: input.organization, plan: plan)
        switch format {
        case .table: Console.write(AssessmentTable.render(report: report, organization: input.organization, plan: plan))
        case .json: Console.write(try JSONOutput.encode(document))
        case .csv: Console.write(AssessmentCSV.render(document))
        }
    }

    func score(_ input: AssessmentInput, catalog: Catalog, defaultAsOf: Date) throws -> (ScoreReport, WhatIfPlan?) {
        let evaluatedAt = asOf.flatMap { Date(iso8601: $0) } ?? defaultAsOf
        let engine = ScoringEngine(catalog: catalog, weights: try rankingWeights())
        let report = engine.score(measurements: input.measurements, statuses: input.statuses, asOf: evaluatedAt)
        let plan = target.map { WhatIfPlanner.plan(report: report, targetPercentage: $0, weights: engine.weights) }
        return (report, plan)
    }

    /// Parses `--weights`; unnamed weights keep their defaults.
    func rankingWeights() throws -> RankingWeights {
        var result = RankingWeights.default
        guard let weights else { return result }
        for pair in weights.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Double(parts[1]) else {
                throw ValidationError("--weights: expected key=number pairs separated by commas, got \"\(pair)\"")
            }
            switch parts[0] {
            case "points": result.points = value
            case "cost": result.cost = value
            case "userImpact": result.userImpact = value
            case "complexity": result.complexity = value
            default:
                throw ValidationError(
                    "--weights: unknown weight \"\(parts[0])\"; use points, cost, userImpact or complexity"
                )
            }
        }
        if let invalid = result.invalidWeights.first {
            throw ValidationError("--weights: \(invalid) must be a finite number of 0 or more")
        }
        return result
    }
}
