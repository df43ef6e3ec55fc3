import Foundation
import Testing

/// `posture assess` on the README's example file, compared byte for byte with the files under
/// `Golden/`. Set POSTURE_RECORD_GOLDEN=1 to rewrite them after an intended change.
@Suite struct AssessGoldenTests {
    static let golden = CLIRunner.repositoryRoot.appendingPathComponent("Tests/postureTests/Golden")

    @Test(arguments: ["table", "json", "csv"])
    func assessOutputMatchesGolden(_ format: String) async throws {
        let result = try await CLIRunner.run([
            "assess", "examples/contoso-assessment.json", "--as-of", "2026-11-28", "--target", "40", "--format", format,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let file = Self.golden.appendingPathComponent("assess.\(format == "table" ? "txt" : format)")
        if ProcessInfo.processInfo.environment["POSTURE_RECORD_GOLDEN"] == "1" {
            try Data(result.stdout.utf8).write(to: file)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(
            result.stdout == expected,
            "output differs from \(file.lastPathComponent); rerun with POSTURE_RECORD_GOLDEN=1 if intended"
        )
    }

    @Test func jsonCarriesTheDocumentedFields() async throws {
        let result = try await CLIRunner.run([
            "assess", "examples/contoso-assessment.json", "--as-of", "2026-11-28", "--target", "40", "--format", "json",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["currentScore", "maxScore", "percentage", "verifiedScore", "categories", "actions", "plan"] {
            #expect(object[key] != nil, "\(key)")
        }
        let actions = try #require(object["actions"] as? [[String: Any]])
        let admin = try #require(actions.first { $0["id"] as? String == "AdminMFAV2" })
        for key in ["id", "title", "category", "points", "maxScore", "status", "rank", "applicable", "hasData"] {
            #expect(admin[key] != nil, "\(key)")
        }
        #expect(admin["points"] as? Double == 0.5, "the seed's partial-credit rule")
        let categories = try #require(object["categories"] as? [[String: Any]])
        #expect(
            categories.map { $0["category"] as? String } == ["Identity", "Data", "Device", "Apps", "Infrastructure"]
        )
        let plan = try #require(object["plan"] as? [String: Any])
        #expect((plan["resultingPercentage"] as? Double ?? 0) >= 40)
    }

    @Test func weightsChangeTheRanking() async throws {
        func rank(of id: String, _ extra: [String]) async throws -> Int? {
            let result = try await CLIRunner.run(
                ["assess", "examples/contoso-assessment.json", "--as-of", "2026-11-28", "--format", "csv"] + extra
            )
            let row = result.stdout.split(separator: "\n").first { $0.split(separator: ",")[1] == id }
            return row.flatMap { Int($0.split(separator: ",")[0]) }
        }
        // InTuneNoPAVC is worth 10 points but Moderate cost, impact and complexity.
        let byDefault = try await #require(try rank(of: "InTuneNoPAVC", []))
        let pointsOnly = try await #require(
            try rank(of: "InTuneNoPAVC", ["--weights", "cost=0,userImpact=0,complexity=0"])
        )
        #expect(pointsOnly == 3)
        #expect(byDefault > 10)
    }

    @Test func readsStandardInput() async throws {
        let text = try String(
            contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("examples/contoso-assessment.json"),
            encoding: .utf8
        )
        let result = try await CLIRunner.run(["assess", "-", "--as-of", "2026-11-28", "--format", "json"], stdin: text)
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"currentScore\""))
    }
}
