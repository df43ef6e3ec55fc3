import FluentKit
import Foundation
import PostureApp
import PostureCore
import PostureStore
import SQLKit
import Testing

@testable import PostureServices

/// The databases every storage test runs on: SQLite in memory always, PostgreSQL when the test
/// script started a throwaway cluster and exported POSTURE_TEST_POSTGRES_URL.
public enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    public static var available: [TestDatabase] {
        ProcessInfo.processInfo.environment["POSTURE_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public var testDescription: String { rawValue }

    public static let clock = PostureClock.fixed(Date(iso8601: "2026-11-28T12:00:00Z")!)

    public func configuration() -> PostureConfiguration {
        var configuration = PostureConfiguration()
        switch self {
        case .sqlite: configuration.database = .sqliteMemory
        case .postgres:
            configuration.database = .postgres(ProcessInfo.processInfo.environment["POSTURE_TEST_POSTGRES_URL"]!)
        }
        configuration.dataDirectory =
            FileManager.default.temporaryDirectory.appendingPathComponent("posture-store-\(UUID().uuidString)").path
        configuration.demo = false
        // The cheapest bcrypt: tests check behaviour, not the work factor.
        configuration.passwordCost = 4
        return configuration
    }

    /// A runtime on an empty, freshly migrated database. PostgreSQL tests share one database, so
    /// they run one at a time (`PostgresGate`) and start from an empty schema.
    public func withRuntime<T: Sendable>(
        clock: PostureClock = clock,
        configure: @Sendable (inout PostureConfiguration) -> Void = { _ in },
        _ body: @Sendable (PostureRuntime) async throws -> T
    )
        async throws -> T
    {
        if self == .postgres {
            return try await PostgresGate.shared.run { try await self.run(clock: clock, configure: configure, body) }
        }
        return try await run(clock: clock, configure: configure, body)
    }

    private func run<T: Sendable>(
        clock: PostureClock,
        configure: @Sendable (inout PostureConfiguration) -> Void,
        _ body: @Sendable (PostureRuntime) async throws -> T
    ) async throws -> T {
        var configuration = configuration()
        configure(&configuration)
        if self == .postgres {
            // Empty the shared database before the runtime starts: the runtime seals the audit log
            // from the entry after the last one it finds, so it must find none.
            let cleaner = try await buildApplication(configuration, clock: clock, migrate: false)
            do {
                if let sql = cleaner.service.store.database as? any SQLDatabase {
                    try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
                    try await sql.raw("CREATE SCHEMA public").run()
                }
                try await cleaner.shutdown()
            } catch {
                try? await cleaner.shutdown()
                throw error
            }
            try? FileManager.default.removeItem(
                atPath: (configuration.resolvedKeysDirectory as NSString).appendingPathComponent(AuditKeyStore.fileName)
            )
        }
        let runtime = try await buildApplication(configuration, clock: clock, migrate: false)
        do {
            try await runtime.migrate()
            let result = try await body(runtime)
            try await runtime.shutdown()
            return result
        } catch {
            try? await runtime.shutdown()
            throw error
        }
    }
}

/// Serializes the tests that share the one PostgreSQL database.
public actor PostgresGate {
    public static let shared = PostgresGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        while busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
