import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureServices
import Testing
import VaporTesting

/// `GET …/actions` answers with the core's action list query, as the dashboard and its CSV do.
@Suite struct ActionListAPITests {
    @Test func filtersBySearchStatusAndTagLikeTheDashboard() async throws {
        try await APIHarness.with { harness in
            let service = harness.runtime.service
            try await service.setStatus(
                "contoso",
                StatusRecord(actionID: "PIMEnabled", status: .planned, targetDate: CivilDay("2027-03-31")),
                actor: "test"
            )
            _ = try await service.addTag("contoso", actionID: "PIMEnabled", tag: "q1", actor: "test")
            _ = try await service.addTag("contoso", actionID: "BlockLegacyAuthentication", tag: "q1", actor: "test")
            let reader = try await harness.token()
            func ids(_ query: String) async throws -> [String] {
                let body = try object(
                    try await harness.send(.GET, "/api/v1/organizations/contoso/actions?\(query)", token: reader).body
                )
                return (body["value"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids("tag=Q1").sorted() == ["BlockLegacyAuthentication", "PIMEnabled"])
            #expect(try await ids("tag=q1&status=planned") == ["PIMEnabled"])
            let report = try await service.currentReport("contoso")
            let tags = try await service.tags("contoso")
            for (parameters, query) in [
                ("status=Planned", try ActionListQuery(selected: [.status: "planned"])),
                ("search=LEGACY", try ActionListQuery(search: "legacy")),
                (
                    "category=identity&includeHidden=true",
                    try ActionListQuery(selected: [.category: "Identity"], includeHidden: true)
                ),
            ] {
                let expected = query.apply(report.actions, tags: tags).map(\.action.id)
                let listed = try await ids(parameters)
                #expect(!expected.isEmpty && listed == expected, "\(parameters)")
            }
            let tooLong = try await harness.send(
                .GET,
                "/api/v1/organizations/contoso/actions?search=\(String(repeating: "a", count: 201))",
                token: reader
            )
            #expect(tooLong.status == .badRequest && tooLong.body.contains(#""target":"search""#))
        }
    }
}
