import Foundation
import Testing

/// `posture report org` against a data directory of its own.
@Suite struct ReportCommandTests {
    @Test func anOrganizationsReportAsHTMLCSVAndJSON() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-report-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["POSTURE_DATA_DIR": directory.path]
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: environment)
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme <Labs>"]).status == 0)

        let file = directory.appendingPathComponent("acme.html").path
        let html = try await cli(["report", "org", "acme", "--output", file])
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOfFile: file, encoding: .utf8)
        #expect(page.contains("<h1>Acme &lt;Labs&gt;</h1>") && page.contains("size: A4"), "escaped, styles inside")
        #expect(page.contains("What to do next") && !page.contains("/assets/report"))

        let csv = try await cli(["report", "org", "acme", "--format", "csv", "--paper", "letter"])
        #expect(csv.stdout.hasPrefix("section,id,name,value,detail\nreport,acme,Acme <Labs>,"))
        #expect(csv.stdout.contains("\nscore,points,Score,0.00,"))
        let json = try await cli([
            "report", "org", "acme", "--format", "json", "--from", "2026-01-01", "--to", "2026-01-31",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["from"] as? String == "2026-01-01" && object["to"] as? String == "2026-01-31")
        #expect((object["score"] as? [String: Any])?["zone"] as? String == "bad")

        let all = try await cli(["report", "all", "--format", "csv", "--sort", "percentage", "--descending"])
        #expect(all.stdout.hasPrefix("id,name,points,maxPoints,percentage,zone,change30,regressions,connection\nacme,"))
        let badSort = try await cli(["report", "all", "--sort", "size"])
        #expect(badSort.status != 0 && badSort.stderr.contains("--sort must be one of name, score"))

        let unknown = try await cli(["report", "org", "nowhere"])
        #expect(unknown.status == 1 && unknown.stderr.contains("nowhere"))
        let badDay = try await cli(["report", "org", "acme", "--from", "2026-13-01"])
        #expect(badDay.status != 0 && badDay.stderr.contains("--from must be a day like 2026-11-28"))
        let long = try await cli(["report", "org", "acme", "--from", "2020-01-01", "--to", "2026-01-01"])
        #expect(long.status != 0 && long.stderr.contains("at most 732 days"))
        let paper = try await cli(["report", "org", "acme", "--paper", "a3"])
        #expect(paper.status != 0 && paper.stderr.contains("--paper must be a4 or letter"))
    }

    @Test func aReportIsScheduledListedSentAndRemoved() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-schedule-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["POSTURE_DATA_DIR": directory.path, "POSTURE_ALLOW_PRIVATE_TARGETS": "1"]
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: environment)
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)
        let add = ["report", "schedule", "add", "acme", "--every", "monthly", "--to", "ciso@acme.example"]
        let nowhere = try await cli(add)
        #expect(nowhere.status == 1 && nowhere.stderr.contains("Settings → Channels"), "\(nowhere.stderr)")
        let channel = try await cli([
            "channel", "add", "--org", "acme", "--kind", "email", "--events", "score.dropped", "--to",
            "alerts@acme.example", "--smtp-host", "127.0.0.1", "--smtp-port", "2525", "--smtp-security", "none",
            "--from", "posture@acme.example",
        ])
        #expect(channel.status == 0, "\(channel.stderr)")
        let outside = try await cli(add.dropLast() + ["ciso@elsewhere.example"])
        #expect(outside.status == 1 && outside.stderr.contains("--to: \"ciso@elsewhere.example\" must be at one of"))
        let badCadence = try await cli([
            "report", "schedule", "add", "acme", "--every", "daily", "--to", "a@acme.example",
        ])
        #expect(badCadence.status != 0 && badCadence.stderr.contains("--every"))

        let added = try await cli(add + ["--paper", "letter"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("scheduled rpt_") && added.stdout.contains("the first report covers"))
        let id = try #require(added.stdout.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
        let list = try await cli(["report", "schedule", "list", "acme"])
        #expect(list.stdout.contains(id) && list.stdout.contains("ciso@acme.example") && list.stdout.contains("letter"))
        let sent = try await cli(["report", "schedule", "send", "acme", id])
        #expect(sent.status == 0 && sent.stdout.hasPrefix("queued msg_"), "\(sent.stderr)")
        let deliveries = try await cli(["channel", "deliveries", "--org", "acme"])
        #expect(deliveries.stdout.contains("report.scheduled"))
        #expect(try await cli(["report", "schedule", "remove", "acme", id]).stdout == "removed \(id)\n")
        let gone = try await cli(["report", "schedule", "remove", "acme", id])
        #expect(gone.status == 1 && gone.stderr.contains("no scheduled report with id"))
        #expect(try await cli(["report", "schedule", "list", "acme"]).stdout.contains("acme has no scheduled report"))
    }
}
