import Foundation
import PostureCatalog
import PostureCore
import Testing

@Suite struct CatalogLoaderTests {
    static func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    @Test func loadsAValidDirectoryWithEveryField() throws {
        let catalog = try CatalogLoader.load(directory: Self.fixture("valid"))
        #expect(catalog.version == "test-1")
        #expect(catalog.actions.map(\.id) == ["GoodAction", "OtherGood"])
        let good = try #require(catalog["GoodAction"])
        #expect(good.scoringMethod == .partial && good.entityType == .user)
        #expect(good.userImpact == .moderate && good.complexity == .high)
        #expect(good.prerequisites == .init(licenses: ["Licence A"], actions: ["OtherGood"]))
        #expect(good.compliance == .init(cisControls: ["6.5"], nist80053: []))
        #expect(good.product == "Test product")
        let other = try #require(catalog["OtherGood"])
        #expect(other.maxScore == 2.5 && other.tier == .defenseInDepth && other.deprecated)
        #expect(other.externallyManaged && other.managedIn == "the device portal")
        #expect(other.threats == [.spoofing, .dataSpillage])
    }

    /// Every broken field of the fixture, each reported with file, line, entry and field.
    static let expectedBroken: [(String, Int, String?, String?, String)] = [
        ("a-actions.yaml", 7, "TooMany", "maxScore", "greater than 0 and at most 10, found 12"),
        ("a-actions.yaml", 10, "TooMany", "implementationCost", "unknown value \"Cheap\""),
        ("a-actions.yaml", 14, "TooMany", "threats[1]", "unknown value \"Zombies\""),
        ("a-actions.yaml", 24, "TooMany", "learnMore[0].url", "https:// URL"),
        ("a-actions.yaml", 26, "TooMany", "compliance", "at least one CIS Controls or NIST"),
        ("a-actions.yaml", 29, "TooMany", "colour", "unknown field"),
        ("a-actions.yaml", 20, "TooMany", "prerequisites.actions[0]", "unknown action id \"DoesNotExist\""),
        ("a-actions.yaml", 31, "Dup", "title", "expected text, found a number"),
        ("a-actions.yaml", 34, "Dup", "maxScore", "found 0"),
        ("a-actions.yaml", 30, "Dup", "entityType", "missing required field"),
        ("a-actions.yaml", 41, "Dup", "threats", "at least one"),
        ("a-actions.yaml", 48, "Dup", "remediation", "at least one"),
        ("b-more.yaml", 3, "Dup", "title", "missing required field"),
        ("b-more.yaml", 4, "Dup", "category", "unknown value \"Spaceship\""),
        ("b-more.yaml", 6, "Dup", "maxScore", "expected a number, found text"),
        ("b-more.yaml", 8, "Dup", "entityType", "only partial actions"),
        ("b-more.yaml", 18, "Dup", "prerequisites.actions", "missing required field"),
        ("b-more.yaml", 3, "Dup", "managedIn", "missing required field"),
        ("b-more.yaml", 3, "Dup", "id", "duplicate id; first defined at a-actions.yaml:30"),
        ("catalog.yaml", 1, nil, "version", "expected text, found a number"),
        ("catalog.yaml", 2, nil, "colour", "unknown field"),
    ]

    @Test func listsEveryErrorWithFileLineEntryAndField() throws {
        let error = #expect(throws: DiagnosticList.self) { try CatalogLoader.load(directory: Self.fixture("broken")) }
        let diagnostics = try #require(error?.diagnostics)
        for (file, line, entry, field, message) in Self.expectedBroken {
            let match = diagnostics.first {
                $0.file == file && $0.line == line && $0.entry == entry && $0.field == field
                    && $0.message.contains(message)
            }
            #expect(
                match != nil,
                "missing \(file):\(line): \(entry ?? "-"): \(field ?? "-"): \(message)\ngot:\n\(error!.description)"
            )
        }
        #expect(diagnostics.count == Self.expectedBroken.count, "\(error!.description)")
    }

    @Test func malformedYAMLIsReportedAndOtherFilesStillChecked() throws {
        let error = #expect(throws: DiagnosticList.self) {
            try CatalogLoader.load(directory: Self.fixture("malformed"))
        }
        let descriptions = try #require(error?.diagnostics.map(\.description))
        #expect(descriptions.contains { $0.hasPrefix("bad.yaml:") && $0.contains("malformed YAML") })
        #expect(descriptions.contains { $0.hasPrefix("good.yaml:7: GoodAction: maxScore:") })
    }

    @Test func missingManifestAndMissingDirectory() {
        let noManifest = #expect(throws: DiagnosticList.self) {
            try CatalogLoader.load(files: [("x.yaml", "product: p\nactions: []\n")])
        }
        #expect(noManifest?.diagnostics.first?.file == "catalog.yaml")
        let missing = #expect(throws: DiagnosticList.self) {
            try CatalogLoader.load(directory: URL(fileURLWithPath: "/nonexistent/catalog"))
        }
        #expect(missing?.diagnostics.first?.message == "no such catalog directory")
    }

    @Test func quotedNumbersStayTextAndDuplicateKeysAreRefused() throws {
        let quoted = try YAMLSource.parse("a: \"6.5\"\nb: 6.5\nc: yes\nd: null\n", file: "q.yaml")
        #expect(quoted.member("a")?.value == .string("6.5"))
        #expect(quoted.member("b")?.value == .number(6.5))
        #expect(quoted.member("d")?.value == .null)
        #expect(throws: Diagnostic.self) { try YAMLSource.parse("a: 1\na: 2\n", file: "dup.yaml") }
    }
}
