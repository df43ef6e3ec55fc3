import FluentKit
import Foundation
import PostureCore
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

    /// Runs `body` in one transaction that holds the organization's lock, so two writers (on any
    /// node) never score from the same "before", log the same expiry twice or write the same day
    /// twice. PostgreSQL takes a transaction advisory lock; SQLite, which has one node, waits on an
    /// in-process lock (its own write lock comes only at the first write, after the reads).
    public func organizationTransaction<T: Sendable>(
        _ organizationID: OrganizationID,
        _ body: @escaping @Sendable (PostureStore) async throws -> T
    ) async throws -> T {
        if dialectName == "postgresql" {
            return try await transaction { store in
                try await store.lockOrganization(organizationID)
                return try await body(store)
            }
        }
        return try await locks.serialize("organization:" + organizationID.rawValue) { try await transaction(body) }
    }

    /// The PostgreSQL half of ``organizationTransaction(_:_:)``: held until the transaction ends.
    func lockOrganization(_ organizationID: OrganizationID) async throws {
        guard dialectName == "postgresql" else { return }
        try await sql.raw(
            "SELECT pg_advisory_xact_lock(\(bind: Self.lockKey("organization:" + organizationID.rawValue)))"
        ).run()
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

    private var serialized: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` once no other `serialize` of the same name is running; callers wait their turn
    /// in arrival order.
    func serialize<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        if !serialized.insert(name).inserted {
            await withCheckedContinuation { waiting[name, default: []].append($0) }
        }
        defer { handOver(name) }
        return try await body()
    }

    /// Passes the name to the next waiter, or frees it.
    private func handOver(_ name: String) {
        guard var queue = waiting[name], !queue.isEmpty else {
            serialized.remove(name)
            return
        }
        let next = queue.removeFirst()
        waiting[name] = queue.isEmpty ? nil : queue
        next.resume()
    }
}
