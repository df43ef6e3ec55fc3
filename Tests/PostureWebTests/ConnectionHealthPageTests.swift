import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import PostureWeb
import Testing
import VaporTesting

@testable import PostureServices

/// Connection health where people look, on both databases: the overview's banner when
/// collections fail or the data is stale, and the organizations list's column and filters.
@Suite struct ConnectionHealthPageTests {
    static let password = "correct horse battery staple"

    static func connect(_ web: WebHarness, _ id: OrganizationID) async throws {
        let settings = ConnectionSettings(
            tenantID: "\(id.rawValue).onmicrosoft.com",
            clientID: "11111111-2222-3333-4444-555555555555",
            credentialKind: .secret
        )
        _ = try await web.runtime.service.setConnection(id, settings, credential: .secret("k"), actor: "t")
    }

    /// Records one attempt for `id` as a node would: taken under a lease, then finished.
    static func attempt(_ web: WebHarness, _ id: OrganizationID, problem: String?) async throws {
        let store = web.runtime.store
        let now = web.runtime.service.clock.now()
        #expect(try await store.claimCollection(id, at: now, holder: "node", leaseUntil: now + 90))
        let outcome = CollectionOutcome(startedAt: now, finishedAt: now, resourcesCollected: 3, problem: problem)
        let failures = problem == nil ? 0 : (try await store.connection(id)?.collection.consecutiveFailures ?? 0) + 1
        #expect(
            try await store.finishCollection(
                id,
                holder: "node",
                outcome: outcome,
                consecutiveFailures: failures,
                nextRunAt: now + (problem == nil ? 21_600 : 300)
            )
        )
    }

    @Test(arguments: TestDatabase.available)
    func theOverviewAndTheListShowConnectionsInTrouble(_ database: TestDatabase) async throws {
        try await WebHarness.with(database: database, demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("reader", password: Self.password, roles: ["contoso": .globalReader])
            try await web.runtime.store.createOrganization(
                Organization(id: "northwind", displayName: "Northwind"),
                at: web.runtime.service.clock.now()
            )
            try await web.addUser(
                "admin2",
                password: Self.password,
                roles: ["contoso": .globalReader, "fabrikam": .globalReader, "northwind": .globalReader]
            )
            for id in ["contoso", "fabrikam", "northwind"] { try await Self.connect(web, OrganizationID(id)) }
            _ = try await web.signIn("ops", Self.password)

            // Just connected: nothing to say yet.
            #expect(try await !web.send(.GET, "/orgs/contoso").body.contains("collection-banner"))

            // contoso fails once: a notice with the problem and a link for people who can fix it.
            try await Self.attempt(web, "contoso", problem: "cannot get a Graph token: AADSTS7000215")
            let failing = try await web.send(.GET, "/orgs/contoso").body
            #expect(
                failing.contains(
                    #"class="notice" role="status" data-testid="collection-banner">Collections are failing."#
                )
            )
            #expect(failing.contains("AADSTS7000215") && failing.contains("No collection has succeeded yet."))
            #expect(failing.contains(#"<a href="/orgs/contoso/settings#connection">Check the connection</a>"#))

            // fabrikam succeeds; northwind succeeds and then nothing for more than two intervals.
            try await Self.attempt(web, "fabrikam", problem: nil)
            try await Self.attempt(web, "northwind", problem: nil)
            web.advance(6 * 3_600)
            try await Self.attempt(web, "fabrikam", problem: nil)
            web.advance(6 * 3_600 + 60)
            // fabrikam's next attempt fails: failing, its last success six hours old (not stale).
            try await Self.attempt(web, "fabrikam", problem: "HTTP 503: Service unavailable")
            web.cookies.withLockedValue { $0 = [:] }
            _ = try await web.signIn("ops", Self.password)
            // contoso: connected 12 hours and a minute ago, never a success: stale now.
            let stale = try await web.send(.GET, "/orgs/contoso").body
            #expect(stale.contains(#"role="alert" data-testid="collection-banner"><strong>Stale data.</strong>"#))
            #expect(stale.contains("No collection from the tenant has succeeded since the connection was made"))

            // A reader sees the banner, without the link to a page they cannot open.
            web.cookies.withLockedValue { $0 = [:] }
            _ = try await web.signIn("reader", Self.password)
            let read = try await web.send(.GET, "/orgs/contoso").body
            #expect(read.contains("Stale data.") && read.contains("Ask someone with a read-write role"))
            #expect(!read.contains("settings#connection"))

            // The list: a health column, and filters for failing and stale connections.
            web.cookies.withLockedValue { $0 = [:] }
            _ = try await web.signIn("admin2", Self.password)
            let all = try await web.send(.GET, "/").body
            #expect(all.contains(#"data-testid="connection-stale">stale</span>"#))
            #expect(all.contains(#"data-testid="connection-failing">failing</span>"#))
            let staleOnly = try await web.send(.GET, "/?connection=stale").body
            func row(_ id: String) -> String { #"<tr><td><a href="/orgs/\#(id)">"# }
            #expect(staleOnly.contains(row("contoso")) && staleOnly.contains(row("northwind")))
            #expect(!staleOnly.contains(row("fabrikam")))
            let failingOnly = try await web.send(.GET, "/?connection=failing").body
            // Stale outranks failing: contoso's failures show under stale, as its column says.
            #expect(failingOnly.contains(row("fabrikam")) && !failingOnly.contains(row("northwind")))
            #expect(!failingOnly.contains(row("contoso")))
            let none = try await web.send(.GET, "/?connection=failing&q=north")
            #expect(none.body.contains("No organization matches “north” with a failing connection."))
            let bad = try await web.send(.GET, "/?connection=broken")
            #expect(bad.status == .badRequest && bad.body.contains("Choose a connection filter"))
        }
    }
}
