import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Microsoft's Secure Score history on both databases: it grows past Microsoft's 90 days across
/// imports, and the same data imported again changes nothing.
@Suite struct MicrosoftImportTests {
    static func days(from first: String, count: Int, score: Double) -> [MicrosoftDailyScore] {
        let start = CivilDay(first)!
        return (0..<count).map { offset in
            let day = CivilDay(daysSinceEpoch: start.daysSinceEpoch + offset)
            return MicrosoftDailyScore(
                day: day,
                createdAt: Date(iso8601: "\(day)T00:00:00Z")!,
                currentScore: score + Double(offset) / 10,
                maxScore: 321,
                licensedUserCount: 25,
                activeUserCount: nil,
                controls: [
                    MicrosoftControlScore(
                        controlName: "AdminMFAV2",
                        category: "Identity",
                        score: 6.67,
                        count: 2,
                        total: 3
                    ),
                    MicrosoftControlScore(controlName: "OneAdmin", score: 2),
                ]
            )
        }
    }

    static let profiles = [
        MicrosoftControlProfile(
            id: "AdminMFAV2",
            title: "Ensure MFA for admins",
            maxScore: 10,
            category: "Identity",
            state: "Ignored",
            stateUpdatedBy: "ciso@contoso.com",
            stateUpdatedAt: Date(iso8601: "2026-09-01T10:00:00Z")
        ),
        MicrosoftControlProfile(id: "OneAdmin", title: "More than one global admin", maxScore: 2),
    ]

    @Test(arguments: TestDatabase.available)
    func historyGrowsPastNinetyDaysAndReimportsChangeNothing(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.store.createOrganization(
                Organization(id: "contoso", displayName: "Contoso"),
                at: Date(iso8601: "2026-01-01")!
            )
            let spring = Self.days(from: "2026-05-01", count: 90, score: 40)
            let first = try await service.importMicrosoftSecureScore(
                "contoso",
                scores: spring,
                profiles: Self.profiles,
                actor: "cli"
            )
            #expect(first.daysAdded == 90 && first.profilesAdded == 2)

            // A later export overlaps the first by 30 days, with the same values for those days.
            let summer = Array(spring.suffix(30)) + Self.days(from: "2026-07-30", count: 60, score: 49)
            let second = try await service.importMicrosoftSecureScore(
                "contoso",
                scores: summer,
                profiles: Self.profiles,
                actor: "cli"
            )
            #expect(second.daysAdded == 60 && second.daysUnchanged == 30 && second.profilesUnchanged == 2)
            let history = try await service.microsoftHistory("contoso")
            #expect(history.count == 150)
            #expect(history.first?.day == CivilDay("2026-05-01") && history.last?.day == CivilDay("2026-09-27"))
            #expect(history.first == spring.first, "a stored day reads back exactly")

            let audited = try await service.store.auditEntries(organizationID: "contoso").count
            let again = try await service.importMicrosoftSecureScore(
                "contoso",
                scores: summer,
                profiles: Self.profiles,
                actor: "cli"
            )
            #expect(!again.changedAnything && again.daysUnchanged == 90)
            #expect(try await service.store.auditEntries(organizationID: "contoso").count == audited)

            // Microsoft revised a day and a state: only those change.
            var revised = summer
            revised[0].currentScore += 1
            var profiles = Self.profiles
            profiles[1].state = "ThirdParty"
            let third = try await service.importMicrosoftSecureScore(
                "contoso",
                scores: revised,
                profiles: profiles,
                actor: "cli"
            )
            #expect(third.daysChanged == 1 && third.daysUnchanged == 89 && third.profilesChanged == 1)
            #expect(try await service.microsoftHistory("contoso").count == 150)

            let reconciliation = try #require(try await service.microsoftReconciliation("contoso"))
            #expect(reconciliation.microsoft.day == CivilDay("2026-09-27"))
            #expect(
                reconciliation.lines.first { $0.actionID == "AdminMFAV2" }?.reason
                    == "no data in Posture (Microsoft counts 2/3)"
            )
        }
    }
}
