import FluentKit
import Foundation
import SQLKit

extension PostureStore {
    /// Runs `body` while holding the named cluster-wide job lock, or returns nil at once when another
    /// node holds it. PostgreSQL uses a session advisory lock on one pinned connection; SQLite is
    /// single-node, where a lock row inside a transaction does the same job.
    public func withJobLock<T: Sendable>(
        _ name: String,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        let key = Self.lockKey(name)
        if dialectName == "postgresql" {
            return try await sql.withSession { session in
                let row = try await session.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS locked").first()
                guard try row?.decode(column: "locked", as: Bool.self) == true else { return nil }
                do {
                    let result = try await body()
                    try await session.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    return result
                } catch {
                    try? await session.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    throw error
                }
            }
        }
        return try await locks.run(name, body)
    }

    /// Serializes changes to one organization's state across nodes until the transaction ends,
    /// so two writers never score from the same "before" or write the same day twice. Call it
    /// first in the transaction. SQLite has one writer at a time already.
    public func lockOrganization(_ organizationID: String) async throws {
        guard dialectName == "postgresql" else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: Self.lockKey("organization:" + organizationID)))").run()
    }

    /// A stable 63-bit key from the lock name (FNV-1a), so every node derives the same one.
    static func lockKey(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash & 0x7FFF_FFFF_FFFF_FFFF)
    }
}

/// In-process job locks for the single-node SQLite deployment.
public actor LocalJobLocks {
    private var held: Set<String> = []

    public init() {}

    func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        guard held.insert(name).inserted else { return nil }
        defer { held.remove(name) }
        return try await body()
    }
}
