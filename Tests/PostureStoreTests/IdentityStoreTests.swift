import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing

@testable import PostureServices

/// People, roles and sessions on both databases.
@Suite struct IdentityStoreTests {
    @Test(arguments: TestDatabase.available)
    func rolesSessionsAndRemovalsHoldOnEveryDatabase(database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let identity = runtime.identity
            let store = identity.store
            for id in ["contoso", "fabrikam"] {
                try await store.createOrganization(Organization(id: id, displayName: id), at: TestDatabase.clock.now())
            }
            let (ana, password) = try await identity.addUser("Ana", actor: "test")
            #expect(ana.username == "ana" && ana.mustChangePassword)
            #expect(ana.passwordHash.hasPrefix("$2b$") && !ana.passwordHash.contains(password))
            try await identity.grant(.securityReader, to: "ana", in: "contoso", actor: "test")
            try await identity.grant(.globalAdministrator, to: "ana", in: "fabrikam", actor: "test")
            try await identity.grant(.globalReader, to: "ana", in: "fabrikam", actor: "test")
            #expect(try await identity.user("ana").roles == ["contoso": .securityReader, "fabrikam": .globalReader])
            await #expect(throws: ServiceError.organizationNotFound("nowhere")) {
                try await identity.grant(.globalReader, to: "ana", in: "nowhere", actor: "test")
            }
            await #expect(throws: IdentityError.userExists("ana")) {
                try await identity.addUser("ANA", actor: "test")
            }

            guard case .signedIn(_, let token) = try await identity.signIn("ana", password: password) else {
                Issue.record("the one-time password signs in")
                return
            }
            #expect(try await identity.session(token)?.user.username == "ana")
            // The one-statement read that every page starts with gives what the model reads give.
            let joined = try #require(try await store.sessionWithUser(tokenHash: PostureStore.secretHash(token)))
            #expect(joined.session == (try await store.session(tokenHash: PostureStore.secretHash(token))))
            #expect(joined.user == (try await store.user(named: "ana")))
            #expect(joined.user.roles == ["contoso": .securityReader, "fabrikam": .globalReader])
            #expect(try await store.sessionWithUser(tokenHash: PostureStore.secretHash(token + "x"))?.user == nil)
            #expect(try await identity.session(token + "x") == nil)

            // Deleting an organization takes its roles with it: a new one under the same id starts empty.
            #expect(try await runtime.service.deleteOrganization("fabrikam", actor: "test"))
            try await store.createOrganization(
                Organization(id: "fabrikam", displayName: "again"),
                at: TestDatabase.clock.now()
            )
            #expect(try await identity.user("ana").roles == ["contoso": .securityReader])

            // A reset ends every session.
            _ = try await identity.resetPassword("ana", actor: "test")
            #expect(try await identity.session(token) == nil)

            let (root, _) = try await identity.addUser("root", instanceAdministrator: true, actor: "test")
            #expect(root.access.canSee("anything"))
            await #expect(throws: IdentityError.lastAdministrator) {
                try await identity.removeUser("root", actor: "test")
            }
            try await identity.removeUser("ana", actor: "test")
            #expect(try await store.user(named: "ana") == nil)
            #expect(try await store.members(of: "contoso").isEmpty)
            guard case .intact(let count, _) = try await store.verifyAudit() else {
                Issue.record("the audit chain is intact")
                return
            }
            #expect(count >= 8, "users, grants, the reset and the removal are audited")
        }
    }

    @Test func sessionsEndWhenIdleOrOld() async throws {
        try await TestDatabase.sqlite.withRuntime { runtime in
            let identity = runtime.identity
            let (user, password) = try await identity.addUser("eve", actor: "test")
            guard case .signedIn(_, let token) = try await identity.signIn("eve", password: password) else {
                Issue.record("signs in")
                return
            }
            let later = IdentityService(
                store: identity.store,
                passwords: identity.passwords,
                clock: PostureClock.fixed(TestDatabase.clock.now().addingTimeInterval(identity.idleTimeout + 1))
            )
            #expect(try await later.session(token) == nil, "idle too long")
            // Sessions nobody comes back for are swept by the daily sync.
            guard case .signedIn(_, let abandoned) = try await identity.signIn("eve", password: password) else {
                Issue.record("signs in again")
                return
            }
            let tomorrow = PostureService(
                store: identity.store,
                catalog: runtime.service.catalog,
                clock: PostureClock.fixed(TestDatabase.clock.now().addingTimeInterval(identity.sessionLifetime + 1))
            )
            _ = try await tomorrow.sync(day: CivilDay(TestDatabase.clock.now()).adding(days: 1))
            #expect(try await identity.store.session(tokenHash: PostureStore.secretHash(abandoned)) == nil)
            #expect(try await identity.session(token) == nil, "and the row is gone")
            #expect(user.failedSignIns == 0)
        }
    }
}
