import Foundation
import PostureTestSupport
import Testing

/// `posture alert …`: the rules in force, a change that keeps what it leaves out, and bad input
/// naming its option.
@Suite struct AlertCommandTests {
    @Test func alertRulesFromTheCommandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-alerts-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: ["POSTURE_DATA_DIR": directory.path])
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
        let shown = try await cli(["alert", "show", "--org", "acme"])
        #expect(shown.status == 0 && shown.stdout.contains("at 5 percentage points or 10 points"), "\(shown.stdout)")
        #expect(shown.stdout.contains("score.belowFloor") && shown.stdout.contains("off"))

        let set = try await cli(["alert", "set", "--org", "acme", "--floor", "62.5", "--regressions", "off"])
        #expect(set.status == 0 && set.stdout.contains("below 62.5%"), "\(set.stderr)")
        let after = try await cli(["alert", "show", "--org", "acme"])
        let regressed = after.stdout.split(separator: "\n").first { $0.hasPrefix("action.regressed") }
        #expect(regressed?.hasSuffix("off") == true, "\(after.stdout)")
        #expect(after.stdout.contains("14 days ahead"), "what the change left out stays")

        let days = try await cli(["alert", "set", "--org", "acme", "--exception-days", "365"])
        #expect(
            days.status == 1 && days.stderr.contains("--exception-days must be from 1 to 90 days"),
            "\(days.stderr)"
        )
        let floor = try await cli(["alert", "set", "--org", "acme", "--floor", "high"])
        #expect(floor.status != 0 && floor.stderr.contains("--floor must be a percentage or off"))
        let nobody = try await cli(["alert", "show", "--org", "nobody"])
        #expect(nobody.status == 1 && nobody.stderr.contains("nobody"))
        let audit = try await cli(["audit", "export", "--org", "acme"])
        #expect(audit.stdout.components(separatedBy: "alerts.set").count == 2, "one change, one entry")
    }
}
