import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureTestSupport
import SQLKit
import Testing

@testable import PostureServices
@testable import PostureStore

/// The audit chain on real databases: every change leaves an entry, and tampering done directly in
/// SQL is found.
@Suite struct AuditLogTests {
    static func seed(_ service: PostureService) async throws {
        try await service.createOrganization(Organization(id: "contoso", displayName: "Contoso"), actor: "admin")
        try await service.recordMeasurements(
            "contoso",
            [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 5, total: 100))],
            actor: "sensor",
            requestID: "req-1"
        )
        try await service.setStatus(
            "contoso",
            StatusRecord(actionID: "PIMEnabled", status: .planned, note: "soon"),
            actor: "alice"
        )
        _ = try await service.addTag("contoso", actionID: "PIMEnabled", tag: "q1", actor: "alice")
        _ = try await service.addTag("contoso", actionID: "PIMEnabled", tag: "q1", actor: "alice")
        _ = try await service.removeTag("contoso", actionID: "PIMEnabled", tag: "q1", actor: "bob")
    }

    @Test(arguments: TestDatabase.available)
    func everyChangeIsRecordedWithBeforeAndAfter(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let service = runtime.service
            try await Self.seed(service)
            let entries = try await service.store.auditEntries(organizationID: "contoso")
            #expect(
                entries.map(\.action) == [
                    "organization.create", "measurements.upsert", "status.set", "tag.add", "tag.remove",
                ]
            )
            #expect(entries.map(\.actor) == ["admin", "sensor", "alice", "alice", "bob"])
            #expect(entries[1].requestID == "req-1" && entries[1].after?.contains("\"achieved\":5") == true)
            #expect(entries[2].before == nil && entries[2].after?.contains("\"planned\"") == true)
            #expect(entries[4].before == "[\"q1\"]" && entries[4].after == "[]")
            guard case .intact(let count, _) = try await service.store.verifyAudit() else {
                Issue.record("a normal run must verify")
                return
            }
            #expect(count == 5)
            #expect(try await service.deleteOrganization("contoso", actor: "admin"))
            #expect(
                try await service.store.auditEntries(organizationID: "contoso").last?.action == "organization.delete"
            )
        }
    }

    static let tamperings: [(String, String, Int)] = [
        ("edit", "UPDATE audit_entries SET actor = 'mallory' WHERE sequence = 3", 3),
        ("delete", "DELETE FROM audit_entries WHERE sequence = 2", 3),
        ("swap", "(three updates below)", 2),
    ]

    @Test(arguments: TestDatabase.available, tamperings.indices)
    func tamperingInSQLIsFound(_ database: TestDatabase, _ index: Int) async throws {
        let (what, statement, sequence) = Self.tamperings[index]
        try await database.withRuntime { runtime in
            try await Self.seed(runtime.service)
            let sql = try #require(runtime.service.store.database as? any SQLDatabase)
            if what == "swap" {
                // Both databases check the unique sequence per row; go through a free number.
                try await sql.raw("UPDATE audit_entries SET sequence = -2 WHERE sequence = 2").run()
                try await sql.raw("UPDATE audit_entries SET sequence = 2 WHERE sequence = 3").run()
                try await sql.raw("UPDATE audit_entries SET sequence = 3 WHERE sequence = -2").run()
            } else {
                try await sql.raw(SQLQueryString(statement)).run()
            }
            let verdict = try await runtime.service.store.verifyAudit()
            guard case .broken(let brokenAt, _) = verdict else {
                Issue.record("\(what) on \(database) was not found")
                return
            }
            #expect(brokenAt == sequence, "\(what) on \(database)")
        }
    }

    /// Someone who can write the database but has no key file deletes an entry, edits another and
    /// recomputes every hash after them with SHA-256, as the chain was built before it was keyed:
    /// the keyed log still finds it. Without the key (the old chain), the same rebuild passes,
    /// which is why the key lives outside the database.
    @Test(arguments: TestDatabase.available)
    func aChainRebuiltWithoutTheKeyIsFound(_ database: TestDatabase) async throws {
        try await database.withRuntime { runtime in
            let store = runtime.service.store
            let key = try #require(store.auditKey, "the runtime keys its audit log")
            try await Self.seed(runtime.service)
            let before = try await store.auditEntries()
            #expect(before.allSatisfy { $0.sequence < key.from || key.hasher($0.canonicalBytes) == $0.hash })
            let sql = try #require(store.database as? any SQLDatabase)
            try await sql.raw("DELETE FROM audit_entries WHERE sequence = \(unsafeRaw: String(before[2].sequence))")
                .run()
            var rebuilt: [AuditEntry] = []
            for (index, var entry) in before.enumerated() where index != 2 {
                entry.sequence = rebuilt.count + 1
                if index == 3 { entry.actor = "mallory" }
                entry.previousHash = rebuilt.last?.hash ?? AuditChain.genesis
                entry.hash = PostureStore.auditHasher(entry.canonicalBytes)
                rebuilt.append(entry)
            }
            try await sql.raw("DELETE FROM audit_entries").run()
            for entry in rebuilt {
                try await PostureStore.insertAudit(entry, into: sql)
            }
            guard case .broken(let at, let reason) = try await store.verifyAudit() else {
                Issue.record("a chain rebuilt without the key passed on \(database)")
                return
            }
            #expect(at >= key.from, "\(reason)")
            // The same rebuild fools a log that has no key.
            let unkeyed = PostureStore(database: store.database)
            guard case .intact = try await unkeyed.verifyAudit() else {
                Issue.record("the rebuild itself is wrong")
                return
            }
        }
    }
}
