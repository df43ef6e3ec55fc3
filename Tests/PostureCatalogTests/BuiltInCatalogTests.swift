import Foundation
import PostureCatalog
import PostureCore
import Testing

@Suite struct BuiltInCatalogTests {
    static let sourceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/PostureCatalog/Catalog")

    @Test func builtInCatalogIsValidAndBroad() throws {
        let catalog = try CatalogLoader.builtIn()
        #expect(catalog.actions.count >= 80)
        for category in ActionCategory.allCases {
            #expect(catalog.actions.contains { $0.category == category }, "\(category) has actions")
        }
        #expect(!catalog.version.isEmpty)
    }

    @Test func compiledInCopyMatchesTheDirectory() throws {
        let fromDirectory = try CatalogLoader.load(directory: Self.sourceDirectory)
        let compiledIn = try CatalogLoader.builtIn()
        #expect(fromDirectory == compiledIn, "a catalog file is missing from BuiltInCatalog.files")
    }

    @Test func everyActionIsFullyDescribed() throws {
        for action in try CatalogLoader.builtIn().actions {
            #expect(action.maxScore > 0 && action.maxScore <= 10, "\(action.id)")
            #expect(!action.remediation.isEmpty && !action.learnMore.isEmpty, "\(action.id)")
            #expect(!(action.compliance.cisControls.isEmpty && action.compliance.nist80053.isEmpty), "\(action.id)")
            #expect((action.scoringMethod == .partial) == (action.entityType != nil), "\(action.id)")
            if action.category == .device {
                #expect(
                    action.externallyManaged && action.managedIn != nil,
                    "\(action.id): device actions are managed externally"
                )
            }
        }
    }

    /// The seed's example in the real catalog: 5 of 100 admins on AdminMFAV2 (10 points) is 0.5.
    @Test func seedPartialCreditOnTheRealCatalog() throws {
        let catalog = try CatalogLoader.builtIn()
        let report = ScoringEngine(catalog: catalog).score(
            measurements: [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 5, total: 100))],
            statuses: [],
            asOf: Date(timeIntervalSince1970: 0)
        )
        #expect(report["AdminMFAV2"]?.points == 0.5)
    }
}
