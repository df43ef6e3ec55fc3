import ArgumentParser
import Foundation
import PostureApp
import PostureCollector
import PostureCore
import PostureEvidence
import PostureServices
import PostureStore

/// `posture import microsoft-secure-score`: keeps Microsoft's own Secure Score history beside
/// Posture's and explains every difference.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import scores from other tools.",
        subcommands: [ImportMicrosoftSecureScoreCommand.self]
    )
}

struct ImportMicrosoftSecureScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "microsoft-secure-score",
        abstract: "Import Microsoft Secure Score's history and control profiles, and reconcile them.",
        discussion: """
            Reads Graph's secureScores and secureScoreControlProfiles, either exported files \
            (--from DIR holding secureScores.json and secureScoreControlProfiles.json, each a Graph \
            collection) or live from Graph with an app registration granted SecurityEvents.Read.All. \
            Every day is kept: import regularly and the history grows past Microsoft's 90 days. \
            Importing the same data again changes nothing.

            Then prints the reconciliation: Microsoft's points for each action on its latest day \
            beside Posture's current points, with the reason for each difference.
            """
    )

    @Option(help: ArgumentHelp("Organization to import into.", valueName: "org")) var org: String
    @Option(
        help: ArgumentHelp(
            "Directory with exported secureScores.json and secureScoreControlProfiles.json.",
            valueName: "dir"
        )
    )
    var from: String?
    @OptionGroup var signIn: GraphSignInOptions
    @Option(help: "Output format of the reconciliation (table or json).") var format: OutputFormat = .table
    @OptionGroup var server: ServerOptions

    func validate() throws {
        if (from != nil) == signIn.given {
            throw ValidationError("give either --from DIR or --tenant-id and --client-id (to import live), not both")
        }
        if signIn.given { try signIn.check() }
        if format == .csv { throw ValidationError("--format must be table or json") }
    }

    func run() async throws {
        let export = try await readExport()
        let result = try await ExclusionCommand.run(server) { runtime in
            let summary = try await runtime.service.importMicrosoftSecureScore(
                OrganizationID(org),
                scores: export.scores,
                profiles: export.profiles,
                actor: "cli"
            )
            return (summary, try await runtime.service.microsoftReconciliation(OrganizationID(org)))
        }
        let (summary, reconciliation) = result
        let first = export.scores.first?.day.description ?? "-"
        let last = export.scores.last?.day.description ?? "-"
        Console.progress(
            "imported \(export.scores.count) days (\(first) to \(last)) and \(export.profiles.count) control profiles: "
                + "\(summary.daysAdded) days added, \(summary.daysChanged) changed, \(summary.daysUnchanged) unchanged; "
                + "\(summary.profilesAdded) profiles added, \(summary.profilesChanged) changed, "
                + "\(summary.profilesUnchanged) unchanged"
        )
        guard let reconciliation else {
            Console.write("no Microsoft Secure Score days to reconcile")
            return
        }
        switch format {
        case .json: Console.write(try JSONOutput.encode(ReconciliationDocument(reconciliation)))
        default: Console.write(ReconciliationTable.render(reconciliation))
        }
    }

    func readExport() async throws -> MicrosoftSecureScoreExport {
        do {
            if let from {
                return try MicrosoftSecureScoreExport.load(directory: URL(fileURLWithPath: from, isDirectory: true))
            }
            let download = SecureScoreDownload(
                tenantID: signIn.tenantID ?? "",
                clientID: signIn.clientID ?? "",
                credential: try signIn.credential(),
                loginURL: signIn.endpoints.effectiveLoginURL,
                graphURL: signIn.endpoints.effectiveGraphURL
            )
            let (scores, profiles) = try await download.download()
            return try MicrosoftSecureScoreExport.decode(scores: scores, profiles: profiles)
        } catch let error as DiagnosticList {
            Console.error(error.description + "\nnothing was imported")
            throw ExitCode(1)
        } catch let error as CollectorError {
            Console.error(error.description + "\nnothing was imported")
            throw ExitCode(1)
        }
    }
}

struct ReconciliationDocument: Encodable {
    var day: String
    var microsoftScore: Double
    var microsoftMaxScore: Double
    var postureScore: Double
    var postureMaxScore: Double
    var actions: [ReconciliationLine]

    init(_ reconciliation: MicrosoftReconciliation) {
        day = reconciliation.microsoft.day.description
        microsoftScore = reconciliation.microsoft.currentScore
        microsoftMaxScore = reconciliation.microsoft.maxScore
        postureScore = reconciliation.posture.currentScore
        postureMaxScore = reconciliation.posture.maxScore
        actions = reconciliation.lines
    }
}

enum ReconciliationTable {
    static func render(_ reconciliation: MicrosoftReconciliation) -> String {
        let microsoft = reconciliation.microsoft
        let posture = reconciliation.posture
        var lines = [
            "Microsoft Secure Score on \(microsoft.day): \(ScoreFormat.points(microsoft.currentScore)) / "
                + "\(ScoreFormat.points(microsoft.maxScore)) points",
            "Posture now: \(ScoreFormat.points(posture.currentScore)) / \(ScoreFormat.points(posture.maxScore)) points",
            "",
        ]
        var table = TextTable([
            ("ACTION", .left), ("MICROSOFT", .right), ("POSTURE", .right), ("DIFF", .right), ("REASON", .left),
        ])
        func points(_ value: Double?, _ max: Double?) -> String {
            guard let value else { return "-" }
            return ScoreFormat.points(value) + (max.map { "/" + ScoreFormat.points($0) } ?? "")
        }
        for line in reconciliation.lines {
            table.add([
                line.actionID, points(line.microsoftPoints, line.microsoftMax),
                points(line.posturePoints, line.postureMax),
                line.difference == 0 ? "0" : (line.difference > 0 ? "+" : "") + ScoreFormat.points(line.difference),
                line.reason,
            ])
        }
        let same = reconciliation.lines.filter { $0.reason == "same" }.count
        lines.append(table.render())
        lines.append("")
        lines.append("\(same) of \(counted(reconciliation.lines.count, "action")) agree")
        return lines.joined(separator: "\n")
    }
}
