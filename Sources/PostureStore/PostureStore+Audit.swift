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
        let last = try await AuditRecord.query(on: database).sort(\.$sequence, .descending).first()
        let entry = AuditChain.seal(
            draft,
            after: last.map(AuditEntry.init),
            hasher: auditHashing.hasher(for: (last?.sequence ?? 0) + 1)
        )
        let record = AuditRecord()
        record.sequence = entry.sequence
        record.occurredAt = entry.occurredAt
        record.actor = entry.actor
        record.organizationID = entry.organizationID
        record.action = entry.action
        record.target = entry.target
        record.before = entry.before
        record.after = entry.after
        record.requestID = entry.requestID
        record.previousHash = entry.previousHash
        record.hash = entry.hash
        try await record.create(on: database)
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

    /// The last sequence number in the log (0 when empty).
    public func lastAuditSequence() async throws -> Int {
        try await AuditRecord.query(on: database).sort(\.$sequence, .descending).first()?.sequence ?? 0
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
