import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import Testing
import VaporTesting

/// `GET /api/v1/organizations`: the organizations list with stored scores, searched, ordered and
/// paged by an opaque cursor.
@Suite struct OrganizationListAPITests {
    @Test func aCursorWalksTheWholeListOnceInOrder() async throws {
        try await APIHarness.with { harness in
            let service = harness.runtime.service
            for index in 0..<7 {
                let id = "org-\(index)"
                try await service.createOrganization(Organization(id: id, displayName: "Org \(6 - index)"), actor: "t")
                if index % 2 == 0 {
                    try await service.recordMeasurements(
                        OrganizationID(id),
                        [ActionMeasurement(actionID: "BlockLegacyAuthentication", result: .implemented(true))],
                        actor: "sensor"
                    )
                }
            }
            let admin = try await harness.token(nil, .read)
            let everything = try object(try await harness.send(.GET, "/api/v1/organizations", token: admin).body)
            let total = try #require(everything["total"] as? Int)
            #expect(total == 9 && everything["nextLink"] == nil, "contoso, fabrikam and seven more, on one page")

            var path: String? = "/api/v1/organizations?sort=percentage&order=desc&limit=3"
            var walked: [[String: Any]] = []
            var pages = 0
            while let next = path, pages < 10 {
                let page = try object(try await harness.send(.GET, next, token: admin).body)
                #expect(page["total"] as? Int == total)
                walked += try #require(page["value"] as? [[String: Any]])
                path = page["nextLink"] as? String
                pages += 1
            }
            #expect(pages == 3 && walked.count == total)
            #expect(Set(walked.compactMap { $0["id"] as? String }).count == total, "each once")
            let percentages = walked.compactMap { $0["percentage"] as? Double }
            #expect(percentages == percentages.sorted(by: >), "highest first")
            let first = try #require(walked.first)
            #expect(first["zone"] as? String != nil && first["currentScore"] as? Double != nil)
            #expect(first["openRegressions"] is Int && first["seatBand"] is String)

            let named = try object(
                try await harness.send(.GET, "/api/v1/organizations?search=ORG%20&limit=500", token: admin).body
            )
            let names = try #require(named["value"] as? [[String: Any]]).compactMap { $0["displayName"] as? String }
            #expect(names == (0..<7).map { "Org \($0)" }, "by name; the search ignores case")
        }
    }

    @Test func badParametersAreRefusedByName() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            let cursor = OrganizationListCursor(sort: .score, descending: false, key: 1, name: "a", id: "a").token
            for (query, target) in [
                ("sort=weather", "sort"), ("order=sideways", "order"), ("limit=0", "limit"), ("limit=501", "limit"),
                ("after=garbage", "after"), ("after=\(cursor)", "after"),
                ("search=\(String(repeating: "a", count: 201))", "search"), ("search=%00", "search"),
            ] {
                let response = try await harness.send(.GET, "/api/v1/organizations?\(query)", token: reader)
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.body.contains(#""target":"\#(target)""#), "\(query): \(response.body)")
            }
            let scoped = try object(try await harness.send(.GET, "/api/v1/organizations", token: reader).body)
            #expect((scoped["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["contoso"])
            #expect(scoped["total"] as? Int == 1, "only what the token may read is counted")
        }
    }
}
