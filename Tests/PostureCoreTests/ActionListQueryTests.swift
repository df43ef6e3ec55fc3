import Foundation
import PostureCore
import Testing

/// One answer to "which actions does this list show", for the dashboard, its CSV and the API.
@Suite struct ActionListQueryTests {
    static let report = Fixtures.score(
        [Fixtures.binary("Legacy", true), Fixtures.counted("MFA", 3, 10)],
        [Fixtures.status("SSPR", .riskAccepted), Fixtures.status("SafeLinks", .planned, target: "2027-01-31")]
    )
    static let tags = ["MFA": ["q1", "Board"], "DC": ["q1"]]

    static func ids(_ query: ActionListQuery) -> Set<String> {
        Set(query.apply(report.actions, tags: tags).map(\.action.id))
    }

    @Test(
        arguments: [
            ([:], "", false, ["MFA", "Legacy", "Labels", "Defender", "SafeLinks", "DC"]),
            ([:], "", true, ["MFA", "Legacy", "SSPR", "Labels", "Defender", "SafeLinks", "DC"]),
            ([.status: "Risk accepted"], "", false, ["SSPR"]),
            ([.status: "riskaccepted"], "", false, ["SSPR"]),
            ([.status: "planned"], "", false, ["SafeLinks"]),
            ([.category: "identity"], "", false, ["MFA", "Legacy"]),
            ([.tag: "Q1"], "", false, ["MFA", "DC"]),
            ([.tag: "q1", .category: "Infrastructure"], "", false, ["DC"]),
            ([.cost: "High"], "", false, ["SafeLinks"]),
            ([:], "title of l", false, ["Legacy", "Labels"]),
            ([:], "  legacy ", false, ["Legacy"]),
            ([.product: "No such product"], "", true, []),
        ] as [([ActionListQuery.Filter: String], String, Bool, Set<String>)]
    )
    func filtersSearchAndHiddenActions(
        _ selected: [ActionListQuery.Filter: String],
        _ search: String,
        _ hidden: Bool,
        _ expected: Set<String>
    ) throws {
        let query = try ActionListQuery(search: search, selected: selected, includeHidden: hidden)
        #expect(Self.ids(query) == expected)
        #expect(!Self.ids(query).contains("Old"), "deprecated actions are never listed")
    }

    @Test func groupsAreNamedAndOrdered() throws {
        let query = try ActionListQuery(group: .category)
        let groups = query.grouped(query.apply(Self.report.actions, tags: Self.tags), tags: Self.tags)
        #expect(groups.map(\.name) == groups.map(\.name).sorted())
        #expect(groups.first { $0.name == "Identity" }?.actions.map(\.action.id) == ["MFA", "Legacy"])
        let byStatus = try ActionListQuery(includeHidden: true, group: .status)
        let statuses = byStatus.grouped(byStatus.apply(Self.report.actions, tags: [:]), tags: [:]).map(\.name)
        #expect(statuses.contains("Risk accepted") && statuses.contains("Planned"), "groups by label")
        #expect(throws: ActionListQueryError.searchTooLong(limit: 200)) {
            try ActionListQuery(search: String(repeating: "x", count: 201))
        }
    }

    @Test func editLocksComeInTheDashboardsOrder() throws {
        let report = Fixtures.score([Fixtures.binary("Legacy", true)])
        let legacy = try #require(report["Legacy"])
        let defender = try #require(report["Defender"])
        let sspr = try #require(report["SSPR"])
        #expect(EditLock.of(legacy, canWrite: false) == .readOnlyRole)
        #expect(EditLock.of(legacy, canWrite: true) == .completed)
        #expect(EditLock.of(defender, canWrite: true) == .externallyManaged(managedIn: "the device portal"))
        #expect(EditLock.of(sspr, canWrite: true) == nil)
    }
}
