import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureWeb

/// Page models load from the services alone, without HTTP: the numbers they carry are the
/// services' own.
@Suite struct PageModelTests {
    static func context(_ web: WebHarness, role: Role = .globalReader) async throws -> OrganizationContext {
        let service = web.runtime.service
        let organization = try #require(try await service.findOrganization("contoso"))
        let now = web.runtime.service.clock.now()
        let user = StoredUser(
            id: UUID(),
            username: "model",
            displayName: "Model <reader>",
            passwordHash: "",
            mustChangePassword: false,
            instanceAdministrator: false,
            failedSignIns: 0,
            lockedUntil: nil,
            createdAt: now,
            passwordChangedAt: nil,
            roles: ["contoso": role]
        )
        let session = StoredSession(
            tokenHash: "",
            userID: user.id,
            csrfToken: "csrf",
            createdAt: now,
            expiresAt: now,
            lastSeenAt: now
        )
        return OrganizationContext(
            web: WebUser(user: user, session: session, sessionToken: "", granted: user.access),
            organization: organization,
            role: role,
            nav: Layout.OrganizationNav(
                id: "contoso",
                name: "Contoso",
                role: role.displayName,
                current: .overview,
                others: []
            )
        )
    }

    @Test func modelsCarryTheServicesNumbers() async throws {
        try await WebHarness.with(demo: true) { web in
            let service = web.runtime.service
            let context = try await Self.context(web)
            let now = service.clock.now()
            let report = try await service.currentReport("contoso")
            let overview = try await OverviewView.load(context, service: service, now: now)
            #expect(overview.score == ScoreFormat.points(report.currentScore))
            #expect(overview.topActions.map(\.id) == report.rankedActions.prefix(5).map(\.action.id))

            let today = CivilDay(now)
            let interval = DayInterval(from: today.adding(days: -29), to: today)
            let all = try await HistoryView.load(
                context,
                interval: interval,
                error: nil,
                parameters: [:],
                service: service
            )
            let statuses = try await HistoryView.load(
                context,
                interval: interval,
                error: nil,
                parameters: ["cause": "status"],
                service: service
            )
            let taken = try await service.history("contoso", interval, category: nil).actionsTaken
            #expect(
                all.page.total == taken.count
                    && statuses.page.total == taken.filter(ChangeFilter.statusChanges.matches).count
            )
            #expect(statuses.page.total < all.page.total)

            let parameters = ["status": "Risk accepted"]
            let (list, listed, _) = try await ActionsView.load(
                context,
                parameters: parameters,
                report: report,
                service: service
            )
            let tags = try await service.tags("contoso")
            let query = try ActionListQuery(selected: [.status: "Risk accepted"])
            #expect(listed.map(\.action.id) == query.apply(report.actions, tags: tags).map(\.action.id))
            #expect(list.total == listed.count)

            let score = try #require(report.rankedActions.first)
            let detail = try await ActionDetailView.load(
                context,
                score: score,
                tags: tags,
                base: "https://posture.example",
                message: nil,
                errors: [],
                service: service,
                now: now
            )
            #expect(detail.lockedReason?.contains("read-only") == true, "a reader's form is locked")
            #expect(detail.shareURL == "https://posture.example/orgs/contoso/actions/\(score.action.id)")
        }
    }
}
