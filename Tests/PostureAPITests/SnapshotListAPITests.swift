import Foundation
import PostureAPI
import PostureApp
import PostureCore
import Testing
import VaporTesting

/// `GET …/snapshots` a page at a time: newest first, `after` the last day of the previous page.
@Suite struct SnapshotListAPITests {
    @Test func pagesWalkTheDaysOnceNewestFirst() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            func list(_ path: String) async throws -> (days: [String], next: String?) {
                let response = try await harness.send(.GET, path, token: reader)
                #expect(response.status == .ok, "\(path): \(response.body.prefix(200))")
                let body = try object(response.body)
                let value = try #require(body["value"] as? [[String: Any]])
                return (value.compactMap { $0["day"] as? String }, body["nextLink"] as? String)
            }
            let base = "/api/v1/organizations/contoso/snapshots"
            let whole = try await list("\(base)?from=2026-10-01")
            #expect(whole.next == nil && whole.days.count > 20)
            var walked: [String] = []
            var path: String? = "\(base)?from=2026-10-01&limit=7"
            var pages = 0
            while let next = path, pages < 50 {
                let page = try await list(next)
                #expect(page.days.count <= 7)
                walked += page.days
                path = page.next
                pages += 1
            }
            #expect(walked == whole.days && walked == walked.sorted(by: >))
            #expect(pages == (whole.days.count + 6) / 7)
            for (query, target) in [("after=yesterday", "after"), ("limit=0", "limit"), ("limit=501", "limit")] {
                let response = try await harness.send(.GET, "\(base)?\(query)", token: reader)
                #expect(response.status == .badRequest && response.body.contains(#""target":"\#(target)""#), "\(query)")
            }
        }
    }
}
