import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// The organizations list answered in SQL, on both databases, against an order computed here
/// from each organization's own report, zones and snapshot: every order and direction, walked by
/// cursor and by numbered page, searched and narrowed to what a person may see.
@Suite struct OrganizationListStoreTests {
    /// Letters only, so both databases' collations agree with the order computed here; ties in
    /// case and in full.
    static let names = [
        "alpha", "Alpha", "beta", "Beta", "gamma", "delta", "delta", "epsilon", "zeta", "Eta", "theta", "iota",
        "kappa", "lambda",
    ]

    struct Expected {
        var id: String
        var name: String
        var row: OrganizationListRow
    }

    /// Fourteen organizations with different scores, five with their own zones and half with a
    /// snapshot 30 days ago.
    static func seed(_ service: PostureService) async throws -> [Expected] {
        let binary = service.catalog.actions.filter { $0.scoringMethod == .binary && !$0.externallyManaged }
        let now = service.clock.now()
        let monthAgo = CivilDay(now).adding(days: -30)
        var expected: [Expected] = []
        for (index, name) in names.enumerated() {
            let id = String(format: "o%02d", index)
            try await service.createOrganization(Organization(id: id, displayName: name), actor: "test")
            let done = binary.prefix((index * 3) % 11)
            // 0 and 11 implement nothing: a tie on score that the name breaks.
            let report = try await service.recordMeasurements(
                OrganizationID(id),
                binary.prefix(12).map { action in
                    ActionMeasurement(
                        actionID: action.id,
                        result: .implemented(done.contains { $0.id == action.id }),
                        observedAt: now
                    )
                },
                actor: "test"
            )
            var zones = ScoreZones.default
            if index % 5 == 1 {
                zones = try ScoreZones(ranges: [
                    .init(zone: .bad, from: 0, to: 1), .init(zone: .okay, from: 1, to: 2),
                    .init(zone: .good, from: 2, to: 100),
                ])
                try await service.setZones(OrganizationID(id), zones, actor: "test")
            } else if index % 5 == 3 {
                // Any score at all is okay here.
                zones = try ScoreZones(ranges: [
                    .init(zone: .bad, from: 0, to: 0.001), .init(zone: .okay, from: 0.001, to: 99),
                    .init(zone: .good, from: 99, to: 100),
                ])
                try await service.setZones(OrganizationID(id), zones, actor: "test")
            }
            var change: Double?
            let percentage = report.maxScore > 0 ? report.currentScore / report.maxScore * 100 : 0
            if index % 2 == 0 {
                let then = Double(index * 7 % 30)
                try await service.store.insertSnapshot(
                    DailySnapshot(
                        organizationID: id,
                        day: monthAgo,
                        score: then,
                        maxScore: 100,
                        verifiedScore: then,
                        categories: [],
                        actions: [],
                        catalogVersion: "c1",
                        scoringModelVersion: "m1",
                        filled: false,
                        licensedUserCount: nil,
                        activeUserCount: nil
                    ),
                    at: now
                )
                change = percentage - then
            }
            expected.append(
                Expected(
                    id: id,
                    name: name,
                    row: OrganizationListRow(
                        id: id,
                        displayName: name,
                        score: report.currentScore,
                        maxScore: report.maxScore,
                        verifiedScore: report.verifiedScore,
                        regressions: report.actions.filter(\.regressed).count,
                        zone: zones.zone(for: percentage),
                        change30: change
                    )
                )
            )
        }
        return expected
    }

    /// The documented order: key, then name ignoring case, then id; the name order runs both
    /// its ways.
    static func ordered(_ rows: [Expected], _ sort: OrganizationListQuery.Sort, descending: Bool) -> [String] {
        rows.sorted { a, b in
            if let x = a.row.key(sort), let y = b.row.key(sort), x != y { return descending ? x > y : x < y }
            let byName = (a.name.lowercased(), a.id) < (b.name.lowercased(), b.id)
            let byNameReversed = (a.name.lowercased(), a.id) > (b.name.lowercased(), b.id)
            return sort == .name && descending ? byNameReversed : byName
        }.map(\.id)
    }

    @Test(arguments: TestDatabase.available)
    func everyOrderAgreesWithTheReportsByCursorAndByPage(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let expected = try await Self.seed(service)
            let all = try await service.organizationPage(OrganizationListQuery(limit: 500), visible: nil)
            #expect(all.total == Self.names.count && all.next == nil)
            for row in all.rows {
                let reference = try #require(expected.first { $0.id == row.row.id }).row
                #expect(abs(row.row.score - reference.score) < 1e-9, "\(row.row.id)")
                #expect(row.row.zone == reference.zone, "\(row.row.id) zone")
                #expect(row.row.regressions == reference.regressions)
                switch (row.row.change30, reference.change30) {
                case (nil, nil): break
                case (let a?, let b?): #expect(abs(a - b) < 1e-9, "\(row.row.id) change")
                default: Issue.record("\(row.row.id): change \(String(describing: row.row.change30))")
                }
            }
            #expect(Set(expected.map(\.row.zone)).count == 3, "the data covers every zone")
            for sort in OrganizationListQuery.Sort.allCases {
                for descending in [false, true] {
                    let want = Self.ordered(expected, sort, descending: descending)
                    var walked: [String] = []
                    var after: OrganizationListCursor?
                    var pages = 0
                    repeat {
                        let query = try OrganizationListQuery(
                            sort: sort,
                            descending: descending,
                            limit: 4,
                            after: after
                        )
                        let page = try await service.organizationPage(query, visible: nil)
                        #expect(page.total == Self.names.count)
                        walked += page.rows.map(\.row.id)
                        // The cursor travels as its token, as it does in a nextLink.
                        after = page.next.flatMap { OrganizationListCursor(token: $0.token) }
                        pages += 1
                    } while after != nil && pages < 10
                    #expect(walked == want, "\(sort) \(descending ? "desc" : "asc") by cursor")
                    let second = try await service.organizationPage(
                        try OrganizationListQuery(sort: sort, descending: descending, limit: 4, offset: 4),
                        visible: nil
                    )
                    #expect(second.rows.map(\.row.id) == Array(want[4..<8]), "\(sort) page 2")
                    let past = try await service.organizationPage(
                        try OrganizationListQuery(sort: sort, descending: descending, limit: 4, offset: 400),
                        visible: nil
                    )
                    #expect(past.offset == 12 && past.rows.map(\.row.id) == Array(want[12...]), "past the end")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func searchMatchesNamesAndIdsLiterallyAndVisibilityNarrows(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            for (id, name) in [
                ("sale", "50% off"), ("fifty", "Fifty"), ("under", "a_b"), ("plain", "ab"), ("x-1", "Xavier"),
            ] {
                try await service.createOrganization(Organization(id: id, displayName: name), actor: "test")
            }
            func ids(_ search: String, visible: [String]? = nil) async throws -> [String] {
                try await service.organizationPage(try OrganizationListQuery(search: search), visible: visible).rows
                    .map(\.row.id)
            }
            #expect(try await ids("%") == ["sale"], "% is a character, not a wildcard")
            #expect(try await ids("_") == ["under"], "_ is a character, not a wildcard")
            #expect(try await ids("FIF") == ["fifty"], "case is ignored")
            #expect(try await ids("X-1") == ["x-1"], "ids match too")
            #expect(try await ids("  ab ") == ["plain"], "trimmed, and a_b does not contain ab")
            #expect(try await ids("", visible: ["plain", "fifty", "nobody"]) == ["plain", "fifty"], "ab before Fifty")
            #expect(try await ids("", visible: []) == [])
            let page = try await service.organizationPage(try OrganizationListQuery(search: "zzz"), visible: nil)
            #expect(page.total == 0 && page.rows.isEmpty && page.next == nil)

            // The organization switcher's names: id order, bounded, narrowed the same way.
            func names(_ visible: [OrganizationID]?, _ limit: Int) async throws -> [String] {
                try await service.organizationNames(among: visible, limit: limit).map { "\($0.id)=\($0.name)" }
            }
            #expect(try await names(nil, 2) == ["fifty=Fifty", "plain=ab"])
            #expect(try await names(["x-1", "sale", "nobody"], 10) == ["sale=50% off", "x-1=Xavier"])
            #expect(try await names([], 10).isEmpty)
        }
    }

    /// Zones set before migration 013 get their bound columns from the stored JSON.
    @Test(arguments: TestDatabase.available)
    func theMigrationCopiesZonesSetBeforeIt(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.createOrganization(Organization(id: "north", displayName: "North"), actor: "test")
            let zones = try ScoreZones(ranges: [
                .init(zone: .bad, from: 0, to: 0.001), .init(zone: .okay, from: 0.001, to: 99),
                .init(zone: .good, from: 99, to: 100),
            ])
            try await service.setZones("north", zones, actor: "test")
            try await service.recordMeasurements(
                "north",
                [ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(true))],
                actor: "sensor"
            )
            @Sendable func zone() async throws -> ScoreZones.Zone? {
                let page = try await service.organizationPage(try OrganizationListQuery(), visible: nil)
                return page.rows.first?.row.zone
            }
            #expect(try await zone() == .okay)
            try await M013OrganizationList().revert(on: service.store.database)
            try await M013OrganizationList().prepare(on: service.store.database)
            #expect(try await zone() == .okay, "copied from the zones' JSON")
        }
    }
}
