import Foundation
import Testing

/// `posture history recompute` against a data directory, with a catalog release that changes points.
@Suite struct HistoryCommandTests {
    /// The help offers only the formats the command prints, and another is refused by name.
    @Test func recomputeOffersOnlyItsFormats() async throws {
        let help = try await CLIRunner.run(["history", "recompute", "--help"], environment: [:])
        #expect(help.stdout.contains("table") && help.stdout.contains("json") && !help.stdout.contains("csv"))
        let csv = try await CLIRunner.run(
            ["history", "recompute", "--org", "acme", "--from", "2026-01-01", "--format", "csv"],
            environment: [:]
        )
        #expect(csv.status != 0 && csv.stderr.contains("csv") && csv.stderr.contains("table"))
    }

    @Test func recomputeReportsThenAppliesThenFindsNothingMore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-history-\(UUID().uuidString)"
        )
        let environment = ["POSTURE_DATA_DIR": directory.path]
        func cli(_ arguments: [String], catalog: String? = nil) async throws -> CLIRunner.Result {
            var env = environment
            if let catalog { env["POSTURE_CATALOG_DIR"] = catalog }
            return try await CLIRunner.run(arguments, environment: env)
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
        let example = CLIRunner.repositoryRoot.appendingPathComponent("examples/contoso-assessment.json").path
        await #expect(try cli(["measurements", "import", example, "--org", "acme"]).status == 0)
        await #expect(try cli(["sync"]).status == 0)

        let same = try await cli(["history", "recompute", "--org", "acme", "--from", "2020-01-01"])
        #expect(same.status == 0 && same.stdout.contains("no differences"), "\(same.stdout)\(same.stderr)")

        // Next release: AdminMFAV2 is worth 6 points instead of 10.
        let release = directory.appendingPathComponent("catalog")
        try FileManager.default.copyItem(
            at: CLIRunner.repositoryRoot.appendingPathComponent("Sources/PostureCatalog/Catalog"),
            to: release
        )
        let manifest = release.appendingPathComponent("catalog.yaml")
        try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(
            of: #"version: "[^"]*""#,
            with: #"version: "2027.1.0""#,
            options: .regularExpression
        )
        .write(to: manifest, atomically: true, encoding: .utf8)
        let entra = release.appendingPathComponent("entra-id.yaml")
        var text = try String(contentsOf: entra, encoding: .utf8)
        let range = try #require(text.range(of: "maxScore: 10"))
        text.replaceSubrange(range, with: "maxScore: 6")
        try text.write(to: entra, atomically: true, encoding: .utf8)

        let dryRun = try await cli(
            ["history", "recompute", "--org", "acme", "--from", "2020-01-01"],
            catalog: release.path
        )
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("AdminMFAV2 0.50→0.30") && dryRun.stdout.contains("run again with --apply"))
        let json = try await cli(
            ["history", "recompute", "--org", "acme", "--from", "2020-01-01", "--format", "json"],
            catalog: release.path
        )
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["changed"] as? Int == 1 && document["applied"] as? Bool == false)

        let applied = try await cli(
            ["history", "recompute", "--org", "acme", "--from", "2020-01-01", "--apply"],
            catalog: release.path
        )
        #expect(applied.stdout.contains("replaced 1 of 1 snapshot(s)"))
        let after = try await cli(
            ["history", "recompute", "--org", "acme", "--from", "2020-01-01"],
            catalog: release.path
        )
        #expect(after.stdout.contains("no differences under catalog 2027.1.0"))
        await #expect(try cli(["history", "recompute", "--org", "nope", "--from", "2020-01-01"]).status == 1)
        let bad = try await cli(["history", "recompute", "--org", "acme", "--from", "last week"])
        #expect(bad.status != 0 && bad.stderr.contains("--from must be a day"))
    }
}
