import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// Digest subscriptions on both databases: an address change keeps the week sent, the due list
/// follows the week, the week only moves forward, and removals are per person and organization.
@Suite struct DigestStoreTests {
    @Test(arguments: TestDatabase.available)
    func subscriptionsFollowTheWeek(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            let created = Date(iso8601: "2026-11-28T12:00:00Z")!
            let monday = CivilDay("2026-11-30")!
            for (organization, person) in [("contoso", "dana"), ("contoso", "eli"), ("fabrikam", "dana")] {
                try await store.saveDigestSubscription(
                    DigestSubscription(
                        organizationID: OrganizationID(organization),
                        username: person,
                        email: "\(person)@\(organization).example",
                        createdAt: created
                    )
                )
            }
            #expect(try await store.digestsDue(week: monday, limit: 10).count == 3)
            try await store.markDigestSent("contoso", username: "dana", week: monday)
            try await store.markDigestSent("contoso", username: "dana", week: monday.adding(days: -7))
            #expect(
                try await store.digestSubscription("contoso", username: "dana")?.lastSentWeek == monday,
                "the week only moves forward"
            )
            #expect(try await store.digestsDue(week: monday, limit: 10).map(\.username) == ["eli", "dana"])
            #expect(try await store.digestsDue(week: monday, limit: 1).count == 1)

            // A new address keeps what was sent and when the person subscribed.
            try await store.saveDigestSubscription(
                DigestSubscription(
                    organizationID: "contoso",
                    username: "dana",
                    email: "d.new@contoso.example",
                    createdAt: created.addingTimeInterval(86_400)
                )
            )
            let changed = try #require(try await store.digestSubscription("contoso", username: "dana"))
            #expect(changed.email == "d.new@contoso.example" && changed.lastSentWeek == monday)
            #expect(changed.createdAt == created)

            try await store.deleteDigestSubscriptions(username: "dana", in: "fabrikam")
            #expect(try await store.digestSubscriptions("fabrikam").isEmpty)
            #expect(try await store.digestSubscriptions("contoso").count == 2)
            try await store.deleteDigestSubscriptions(username: "dana")
            #expect(try await store.digestSubscriptions("contoso").map(\.username) == ["eli"])
            #expect(try await store.deleteDigestSubscription("contoso", username: "eli"))
            #expect(try await !store.deleteDigestSubscription("contoso", username: "eli"))
        }
    }
}
