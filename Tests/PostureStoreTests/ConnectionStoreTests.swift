import Crypto
import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import SQLKit
import Testing

@testable import PostureServices

/// Connections on both databases: the credential is sealed with the connection key and bound to
/// its organization, audited without it, and gone with the connection or the organization.
@Suite struct ConnectionStoreTests {
    static let settings = ConnectionSettings(
        tenantID: "0b7d5c2a-1f0e-4f43-9a4e-6f4c8d7e9a10",
        clientID: "11111111-2222-3333-4444-555555555555",
        credentialKind: .secret,
        cloud: .dod,
        sources: [.entraID, .secureScore]
    )

    @Test(arguments: TestDatabase.available)
    func aConnectionKeepsItsCredentialSealed(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            let store = service.store
            for id in ["contoso", "fabrikam"] {
                try await store.createOrganization(Organization(id: id, displayName: id), at: TestDatabase.clock.now())
            }
            await #expect(throws: ServiceError.connectionNotFound("contoso")) {
                try await service.connection("contoso")
            }
            let (added, replaced) = try await service.setConnection(
                "contoso",
                Self.settings,
                credential: .secret("first~secret"),
                actor: "test"
            )
            #expect(!replaced && added.settings == Self.settings && added.createdBy == "test")
            #expect(added.settings.effectiveGraphURL == "https://dod-graph.microsoft.us")
            #expect(try await store.connectionCredential("contoso") == .secret("first~secret"))

            let sql = try #require(store.database as? any SQLDatabase)
            let sealed = try #require(
                try await sql.raw("SELECT sealed_credential FROM connections WHERE organization_id = 'contoso'").first()
            ).decode(column: "sealed_credential", as: String.self)
            #expect(!sealed.contains("first") && Data(base64Encoded: sealed) != nil)

            // Bound to its organization: the same sealed text under another organization does not open.
            _ = try await service.setConnection("fabrikam", Self.settings, credential: .secret("other"), actor: "test")
            try await sql.raw(
                "UPDATE connections SET sealed_credential = \(bind: sealed) WHERE organization_id = 'fabrikam'"
            ).run()
            await #expect(throws: ConnectionKeyError.cannotOpen) { try await store.connectionCredential("fabrikam") }
            // And only with its key.
            let otherKey = PostureStore(
                database: store.database,
                connectionKey: ConnectionKey(key: SymmetricKey(size: .bits256))
            )
            await #expect(throws: ConnectionKeyError.cannotOpen) { try await otherKey.connectionCredential("contoso") }

            let pem =
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
            let rotated = try await service.rotateConnectionCredential("contoso", .certificate(pem: pem), actor: "test")
            #expect(
                rotated.settings.credentialKind == .certificate && rotated.settings.tenantID == Self.settings.tenantID
            )
            #expect(try await store.connectionCredential("contoso") == .certificate(pem: pem))

            var changed = Self.settings
            changed.sources = [.sharePoint]
            changed.graphURL = "http://127.0.0.1:8089"
            let replacedResult = try await service.setConnection(
                "contoso",
                changed,
                credential: .secret("third"),
                actor: "test"
            )
            #expect(replacedResult.replaced && replacedResult.connection.settings.sources == [.sharePoint])
            #expect(replacedResult.connection.createdAt == added.createdAt)
            #expect(try await service.connections().map(\.organizationID) == ["contoso", "fabrikam"])

            let audit = try await store.auditEntries(organizationID: "contoso")
            #expect(audit.map(\.action) == ["connection.add", "connection.rotate", "connection.replace"])
            for entry in audit {
                let text = (entry.before ?? "") + (entry.after ?? "")
                #expect(!text.contains("first~secret") && !text.contains("PRIVATE KEY") && !text.contains("third"))
            }

            try await service.removeConnection("contoso", actor: "test")
            #expect(try await store.connectionCredential("contoso") == nil)
            await #expect(throws: ServiceError.connectionNotFound("contoso")) {
                try await service.removeConnection("contoso", actor: "test")
            }
            #expect(try await store.deleteOrganization("fabrikam"))
            #expect(try await service.connections().isEmpty, "an organization takes its connection with it")
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyProblemIsNamedAndNothingIsStored(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await service.store.createOrganization(
                Organization(id: "contoso", displayName: "contoso"),
                at: TestDatabase.clock.now()
            )
            var bad = Self.settings
            bad.tenantID = "not a tenant"
            bad.sources = []
            bad.loginURL = "http://login.example"
            do {
                try await service.setConnection("contoso", bad, credential: .secret(""), actor: "test")
                Issue.record("bad settings are refused")
            } catch ServiceError.invalidConnection(let problems) {
                #expect(problems.map(\.field) == ["tenantId", "sources", "loginUrl", "clientSecret"])
            }
            await #expect(throws: ServiceError.organizationNotFound("nowhere")) {
                try await service.setConnection("nowhere", Self.settings, credential: .secret("s"), actor: "test")
            }
            #expect(try await service.connections().isEmpty)
            #expect(try await service.store.auditEntries(organizationID: "contoso").isEmpty)
        }
    }
}
