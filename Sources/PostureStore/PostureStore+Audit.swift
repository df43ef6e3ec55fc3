import Crypto
import FluentKit
import Foundation
import PostureCore
import SQLKit

extension PostureStore {
    /// SHA-256, hex encoded: the chain's hash.
    public static let auditHasher: AuditChain.Hasher = { bytes in
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Appends one entry after the current last one. Call it inside the transaction of the change
    /// it records, so both are stored or neither. On PostgreSQL the table is locked for the rest of
    /// the transaction, so two nodes never take the same place in the chain.
    @discardableResult
    public func appendAudit(_ draft: AuditDraft) async throws -> AuditEntry {
        if dialectName == "postgresql" {
            try await sql.raw("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE").run()
        }
        // SQL, not the model: every write appends an entry, and the model's reflection cost more
        // than the statements. Only the last entry's sequence and hash are read: the chain needs
        // no more, and an entry's before and after can be long.
        let last = try await sql.raw("SELECT sequence, hash FROM audit_entries ORDER BY sequence DESC LIMIT 1").first()
        let previous = try last.map {
            (
                sequence: try $0.decode(column: "sequence", as: Int.self),
                hash: try $0.decode(column: "hash", as: String.self)
            )
        }
        let entry = AuditChain.seal(
            draft,
            after: previous,
            hasher: auditHashing.hasher(for: (previous?.sequence ?? 0) + 1)
        )
        try await Self.insertAudit(entry, into: sql)
        return entry
    }

    /// Entries in sequence order: all of them, or one organization's.
    public func auditEntries(
        organizationID: OrganizationID? = nil,
        after sequence: Int = 0,
        limit: Int? = nil
    ) async throws -> [AuditEntry] {
        var query = AuditRecord.query(on: database).filter(\.$sequence > sequence)
        if let organizationID { query = query.filter(\.$organizationID == organizationID.rawValue) }
        query = query.sort(\.$sequence)
        if let limit { query = query.limit(limit) }
        return try await query.all().map(AuditEntry.init)
    }

    /// One page of an organization's entries after `sequence`, oldest first, skipping those from
    /// before the organization's last deletion (a new organization under the same id sees only its
    /// own). Reads at most `limit` entries.
    public func auditPage(organizationID: OrganizationID, after sequence: Int, limit: Int) async throws -> [AuditEntry]
    {
        let lastDeletion =
            try await AuditRecord.query(on: database)
            .filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$action == "organization.delete")
            .sort(\.$sequence, .descending)
            .first()?.sequence ?? 0
        return try await AuditRecord.query(on: database)
            .filter(\.$organizationID == organizationID.rawValue)
            .filter(\.$sequence > max(sequence, lastDeletion))
            .sort(\.$sequence)
            .limit(limit)
            .all()
            .map(AuditEntry.init)
    }

    /// Walks the whole chain and names the first broken entry.
    public func verifyAudit() async throws -> AuditChain.Verdict {
        AuditChain.verify(try await auditEntries(), hashing: auditHashing)
    }

    /// Inserts one sealed entry as it is (also used by tests that rewrite the chain).
    static func insertAudit(_ entry: AuditEntry, into sql: any SQLDatabase) async throws {
        try await sql.insert(into: AuditRecord.schema)
            .columns(
                "id",
                "sequence",
                "occurred_at",
                "actor",
                "organization_id",
                "action",
                "target",
                "before",
                "after",
                "request_id",
                "previous_hash",
                "hash"
            )
            .values(
                SQLBind(UUID()),
                SQLBind(entry.sequence),
                SQLBind(entry.occurredAt),
                SQLBind(entry.actor),
                SQLBind(entry.organizationID),
                SQLBind(entry.action),
                SQLBind(entry.target),
                SQLBind(entry.before),
                SQLBind(entry.after),
                SQLBind(entry.requestID),
                SQLBind(entry.previousHash),
                SQLBind(entry.hash)
            )
            .run()
    }

    /// The last sequence number in the log (0 when empty).
    public func lastAuditSequence() async throws -> Int {
        try await sql.raw("SELECT max(sequence) AS last FROM audit_entries").first()?.decode(
            column: "last",
            as: Int?.self
        )
            ?? 0
    }

    var auditHashing: AuditChain.Hashing {
        guard let auditKey else { return AuditChain.Hashing(unkeyed: Self.auditHasher) }
        return AuditChain.Hashing(unkeyed: Self.auditHasher, keyed: auditKey.hasher, keyedFrom: auditKey.from)
    }
}

extension AuditEntry {
    init(_ record: AuditRecord) {
        self.init(
            sequence: record.sequence,
            occurredAt: record.occurredAt,
            actor: record.actor,
            organizationID: record.organizationID,
            action: record.action,
            target: record.target,
            before: record.before,
            after: record.after,
            requestID: record.requestID,
            previousHash: record.previousHash,
            hash: record.hash
        )
    }
}
