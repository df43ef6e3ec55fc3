import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Work with stored history.",
        subcommands: [Recompute.self]
    )

    struct Recompute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Re-score stored snapshots under the current catalog and scoring model and report the differences.",
            discussion: """
                Each snapshot is re-scored from the data it recorded (counts, settings and the statuses people \
                set). Without --apply nothing is written. With --apply, changed snapshots are replaced and \
                stamped with the current catalog and model versions, and the change is audited.
                """
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("First day to re-score (yyyy-MM-dd).", valueName: "day")) var from: String
        @Flag(help: "Replace the changed snapshots (default: report only).") var apply = false
        @Option(help: "Output format.") var format: ReportFormat = .table
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard CivilDay(from) != nil else {
                throw ValidationError("--from must be a day like 2026-01-01, got \"\(from)\"")
            }
        }

        func run() async throws {
            let day = CivilDay(from)!
            let (results, catalogVersion) = try await withRuntime(try server.configuration()) { runtime in
                do {
                    let results = try await runtime.service.recompute(
                        OrganizationID(org),
                        from: day,
                        apply: apply,
                        actor: "cli"
                    )
                    return (results, runtime.service.catalog.version)
                } catch let error as ServiceError {
                    Console.error(error.description + " (see `posture org list`)")
                    throw ExitCode(1)
                }
            }
            let changed = results.filter(\.changed)
            if format == .json {
                let days: [JSONValue] = changed.map { result in
                    .object(
                        JSONObject([
                            ("day", .string(result.stored.day.description)),
                            ("storedScore", .double(result.stored.score)),
                            ("recomputedScore", .double(result.recomputed.score)),
                            ("storedMaxScore", .double(result.stored.maxScore)),
                            ("recomputedMaxScore", .double(result.recomputed.maxScore)),
                            (
                                "storedVersions",
                                .string("\(result.stored.catalogVersion)/\(result.stored.scoringModelVersion)")
                            ),
                            (
                                "differences",
                                .array(
                                    result.differences.map {
                                        .object(
                                            JSONObject([
                                                ("actionId", .string($0.actionID)),
                                                ("storedPoints", .double($0.storedPoints)),
                                                ("recomputedPoints", .double($0.recomputedPoints)),
                                            ])
                                        )
                                    }
                                )
                            ),
                        ])
                    )
                }
                let document = JSONValue.object(
                    JSONObject([
                        ("organization", .string(org)), ("applied", .bool(apply && !changed.isEmpty)),
                        ("snapshots", .int(results.count)), ("changed", .int(changed.count)),
                        ("catalogVersion", .string(catalogVersion)), ("days", .array(days)),
                    ])
                )
                Console.write(document.jsonText)
                return
            }
            if changed.isEmpty {
                Console.write(
                    "\(results.count) snapshot(s) from \(day) re-scored: no differences under catalog \(catalogVersion)"
                )
                return
            }
            var table = TextTable([
                ("DAY", .left), ("STORED", .right), ("RECOMPUTED", .right), ("STORED VERSIONS", .left),
                ("ACTIONS", .left),
            ])
            for result in changed {
                table.add([
                    result.stored.day.description, ScoreFormat.points(result.stored.score),
                    ScoreFormat.points(result.recomputed.score),
                    "\(result.stored.catalogVersion)/\(result.stored.scoringModelVersion)",
                    result.differences.map {
                        "\($0.actionID) \(ScoreFormat.points($0.storedPoints))→\(ScoreFormat.points($0.recomputedPoints))"
                    }.joined(separator: ", "),
                ])
            }
            Console.write(table.render())
            Console.write(
                apply
                    ? "replaced \(changed.count) of \(results.count) snapshot(s)"
                    : "\(changed.count) of \(results.count) snapshot(s) would change; run again with --apply to replace them"
            )
        }
    }
}
