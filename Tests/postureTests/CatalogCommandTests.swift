import Foundation
import Testing

@Suite struct CatalogCommandTests {
    @Test func listAsJSONHasTheDocumentedFields() async throws {
        let result = try await CLIRunner.run(["catalog", "list", "--format", "json"])
        #expect(result.status == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count >= 80)
        for key in [
            "id", "title", "category", "service", "maxScore", "scoringMethod", "implementationCost", "userImpact",
            "complexity", "tier", "threats", "externallyManaged",
        ] {
            #expect(entries.allSatisfy { $0[key] != nil }, "\(key)")
        }
        #expect(Set(entries.compactMap { $0["scoringMethod"] as? String }) == ["binary", "partial"])
    }

    /// Each action says which source and permission score it from collected configuration, and
    /// `catalog coverage` counts them: the same assessors, so the figures agree.
    @Test func coverageBySourceAndPermission() async throws {
        let listed = try await CLIRunner.run(["catalog", "list", "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0["id"] as! String, $0) })
        let mfa = try #require(byID["AdminMFAV2"]?["evidence"] as? [String: [String]])
        #expect(mfa["sources"] == ["entra-id"])
        #expect(mfa["permissions"]?.contains("Policy.Read.All") == true)
        #expect(mfa["resources"]?.contains("userRegistrationDetails") == true)
        #expect(mfa["permissions"]?.contains("AuditLog.Read.All") == true)
        let sharePoint = entries.compactMap { $0["evidence"] as? [String: [String]] }.filter {
            $0["sources"] == ["sharepoint"]
        }
        #expect(
            !sharePoint.isEmpty && sharePoint.allSatisfy { $0["permissions"] == ["SharePointTenantSettings.Read.All"] }
        )
        let current = entries.filter { $0["deprecated"] as? Bool == false }
        let covered = current.filter { $0["evidence"] != nil }

        let coverage = try await CLIRunner.run(["catalog", "coverage"])
        #expect(coverage.status == 0)
        #expect(coverage.stdout.contains("\(covered.count) of \(current.count) current actions"), "\(coverage.stdout)")
        let entraLine = try #require(coverage.stdout.split(separator: "\n").first { $0.hasPrefix("entra-id") })
        let entraCount = current.filter {
            (($0["evidence"] as? [String: [String]])?["scoredBy"] ?? []).contains("entra-id")
        }
        #expect(
            entraLine.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first == "\(entraCount.count)"
        )
    }

    @Test func listFiltersByCategoryCaseInsensitively() async throws {
        let result = try await CLIRunner.run(["catalog", "list", "--category", "infrastructure", "--format", "csv"])
        #expect(result.status == 0)
        let rows = result.stdout.split(separator: "\n").dropFirst()
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(",Infrastructure,") })
        let bad = try await CLIRunner.run(["catalog", "list", "--category", "Weather"])
        #expect(bad.status != 0 && bad.stderr.contains("unknown category \"Weather\""))
    }

    @Test func showPrintsDetailsOrSuggests() async throws {
        let shown = try await CLIRunner.run(["catalog", "show", "AdminMFAV2"])
        #expect(shown.status == 0)
        for section in [
            "Description", "User impact", "Users affected", "Prerequisites", "Implementation", "Learn more",
            "Compliance",
        ] {
            #expect(shown.stdout.contains(section))
        }
        let unknown = try await CLIRunner.run(["catalog", "show", "MFA"])
        #expect(unknown.status == 1 && unknown.stderr.contains("did you mean"))
    }

    @Test func validateReportsEveryErrorAndExitsOne() async throws {
        let valid = try await CLIRunner.run(["catalog", "validate"])
        #expect(valid.status == 0 && valid.stdout.hasPrefix("valid: catalog"))
        let broken = try await CLIRunner.run(["catalog", "validate", "Tests/PostureCatalogTests/Fixtures/broken"])
        #expect(broken.status == 1)
        #expect(broken.stdout.split(separator: "\n").count == 21)
        #expect(broken.stderr.contains("invalid catalog: 21 errors"))
    }

    @Test func catalogOptionAndEnvironmentPickTheDirectory() async throws {
        let fixture = "Tests/PostureCatalogTests/Fixtures/valid"
        let viaOption = try await CLIRunner.run(["catalog", "list", "--catalog", fixture, "--format", "csv"])
        #expect(viaOption.stdout.split(separator: "\n").count == 3)
        let viaEnvironment = try await CLIRunner.run(
            ["catalog", "list", "--format", "csv"],
            environment: ["POSTURE_CATALOG_DIR": fixture]
        )
        #expect(viaEnvironment.stdout == viaOption.stdout)
        let broken = try await CLIRunner.run([
            "catalog", "list", "--catalog", "Tests/PostureCatalogTests/Fixtures/broken",
        ])
        #expect(broken.status == 1 && broken.stderr.contains("the catalog is invalid"))
    }
}
