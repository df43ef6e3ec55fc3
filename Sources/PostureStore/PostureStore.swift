import FluentKit
import Foundation
import PostureCore
import SQLKit

/// Storage for every organization's state and history. Every call names the organization first:
/// there is no ambient tenant.
public struct PostureStore: Sendable {
    public let database: any Database
    /// Job locks of this process (used on SQLite, where there is only one node).
    public let locks: LocalJobLocks
    /// Bumped after every write; see ``ChangeSignal``.
    public let changes: ChangeSignal
    /// The audit log's key (kept beside the signing keys, never in the database); nil keeps the
    /// unkeyed SHA-256 chain.
    public let auditKey: AuditKey?
    /// Seals connection credentials (kept beside the signing keys); nil refuses to store any.
    public let connectionKey: ConnectionKey?
    /// Inside a transaction: what it wrote, announced again once it ends.
    let pending: PendingChanges?
    /// Days' moves and change-log rows already worked out, under their rows' fingerprints.
    public let history: HistoryCache
    /// Reads outside a transaction on an SQLite file (nil inside one, and on PostgreSQL).
    let reader: SQLiteReader?

    public init(
        database: any Database,
        locks: LocalJobLocks = LocalJobLocks(),
        changes: ChangeSignal = ChangeSignal(),
        auditKey: AuditKey? = nil,
        connectionKey: ConnectionKey? = nil,
        history: HistoryCache = HistoryCache(),
        reader: SQLiteReader? = nil
    ) {
        self.init(
            database: database,
            locks: locks,
            changes: changes,
            auditKey: auditKey,
            connectionKey: connectionKey,
            pending: nil,
            history: history,
            reader: reader
        )
    }

    private init(
        database: any Database,
        locks: LocalJobLocks,
        changes: ChangeSignal,
        auditKey: AuditKey?,
        connectionKey: ConnectionKey?,
        pending: PendingChanges?,
        history: HistoryCache,
        reader: SQLiteReader?
    ) {
        self.database = database
        self.locks = locks
        self.changes = changes
        self.auditKey = auditKey
        self.connectionKey = connectionKey
        self.pending = pending
        self.history = history
        self.reader = reader
    }

    /// Runs `body` in one transaction: all of it is stored or none of it.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (PostureStore) async throws -> T) async throws -> T
    {
        let written = PendingChanges()
        defer {
            for organizationID in written.all {
                changes.bump(organizationID)
                // A nested transaction's writes count for the outer one too.
                pending?.add(organizationID)
            }
        }
        return try await database.transaction { database in
            if let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" {
                // Take SQLite's write lock first: a transaction that read before another process
                // (the CLI beside a server on one file) wrote could not upgrade to writing and would
                // fail with SQLITE_BUSY_SNAPSHOT; holding the lock from the start makes it wait.
                try await sql.raw("DELETE FROM _fluent_migrations WHERE 0 = 1").run()
            }
            let store = PostureStore(
                database: database,
                locks: locks,
                changes: changes,
                auditKey: auditKey,
                connectionKey: connectionKey,
                pending: written,
                history: history,
                reader: nil
            )
            let result = try await body(store)
            // In the same transaction: the versions move exactly when its writes become visible.
            try await store.moveDataVersions(written.all)
            return result
        }
    }

    var sql: any SQLDatabase {
        // Both supported drivers are SQL databases; anything else is a wiring mistake.
        guard let sql = database as? any SQLDatabase else { preconditionFailure("PostureStore needs an SQL database") }
        return reader.map { ReadingSQLDatabase(base: sql, reader: $0) } ?? sql
    }

    /// The PostgreSQL channel other nodes listen on to learn that data changed.
    public static let changeChannel = "posture_changes"

    /// Tells this process and, on PostgreSQL, every other node that data of `organizationID` (nil:
    /// of no organization in particular) changed. Inside a transaction PostgreSQL delivers the
    /// notification only when it commits; the payload is the organization's id.
    func announceChange(_ organizationID: OrganizationID?) async throws {
        changes.bump(organizationID)
        if let pending {
            pending.add(organizationID)
        } else {
            // A single statement, already committed: the versions move right after it.
            try await moveDataVersions([organizationID])
        }
        if dialectName == "postgresql" {
            try await sql.raw("SELECT pg_notify(\(bind: Self.changeChannel), \(bind: organizationID?.rawValue ?? ""))")
                .run()
        }
    }

    /// `postgresql` or `sqlite`, for the few statements whose spelling differs.
    public var dialectName: String { sql.dialect.name }
}

/// Errors the store reports to its callers (mapped to HTTP statuses by the API).
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case organizationExists(String)
    case organizationNotFound(String)

    public var description: String {
        switch self {
        case .organizationExists(let id): "an organization with id \"\(id)\" already exists"
        case .organizationNotFound(let id): "no organization with id \"\(id)\""
        }
    }
}

package enum StoredJSON {
    package static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.iso8601)
        }
        // Encoding our own plain value types cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// The same for what is written on every change (a snapshot's actions and categories, a
    /// change batch), by the one-pass encoder: keys in declaration order, not sorted, and read
    /// back by ``decode(_:_:)`` alike.
    package static func encodeBulk<T: Encodable>(_ value: T) -> String {
        // Encoding our own plain value types cannot fail.
        String(decoding: try! CompactJSONEncoder.encode(value), as: UTF8.self)
    }

    package static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Date(iso8601: text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)")
                )
            }
            return date
        }
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
