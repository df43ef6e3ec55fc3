import Foundation

/// One line of the append-only audit log: who changed what, in which organization, from what to
/// what, and when. Each entry's hash covers its content and the previous entry's hash, so editing,
/// deleting, inserting or reordering entries breaks the chain.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var sequence: Int
    public var occurredAt: Date
    public var actor: String
    /// Nil for changes outside any one organization.
    public var organizationID: String?
    /// What was done, e.g. `status.set`, `measurements.upsert`, `organization.delete`.
    public var action: String
    /// What it was done to, e.g. an improvement action id.
    public var target: String?
    /// JSON of the state before and after the change (nil where there was none).
    public var before: String?
    public var after: String?
    public var requestID: String?
    public var previousHash: String
    public var hash: String

    public init(
        sequence: Int,
        occurredAt: Date,
        actor: String,
        organizationID: String?,
        action: String,
        target: String?,
        before: String?,
        after: String?,
        requestID: String?,
        previousHash: String,
        hash: String
    ) {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.actor = actor
        self.organizationID = organizationID
        self.action = action
        self.target = target
        self.before = before
        self.after = after
        self.requestID = requestID
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The bytes the hash covers: every field but the hash, length-prefixed so no two different
    /// entries serialize alike.
    public var canonicalBytes: [UInt8] {
        var bytes: [UInt8] = []
        func field(_ text: String?) {
            guard let text else {
                bytes += Array("-1:".utf8)
                return
            }
            let utf8 = Array(text.utf8)
            bytes += Array("\(utf8.count):".utf8) + utf8
        }
        field(String(sequence))
        field(occurredAt.iso8601)
        field(actor)
        field(organizationID)
        field(action)
        field(target)
        field(before)
        field(after)
        field(requestID)
        field(previousHash)
        return bytes
    }
}

/// A change to record, before it gets its place in the chain.
public struct AuditDraft: Sendable, Equatable {
    public var occurredAt: Date
    public var actor: String
    public var organizationID: String?
    public var action: String
    public var target: String?
    public var before: String?
    public var after: String?
    public var requestID: String?

    public init(
        occurredAt: Date,
        actor: String,
        organizationID: String?,
        action: String,
        target: String? = nil,
        before: String? = nil,
        after: String? = nil,
        requestID: String? = nil
    ) {
        self.occurredAt = occurredAt
        self.actor = actor
        self.organizationID = organizationID
        self.action = action
        self.target = target
        self.before = before
        self.after = after
        self.requestID = requestID
    }
}

/// Seals and verifies the audit chain. The hash function is a parameter (SHA-256 in the store), so
/// the rules stay pure and testable.
public enum AuditChain {
    public typealias Hasher = @Sendable ([UInt8]) -> String

    /// The "previous hash" of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    public static func seal(_ draft: AuditDraft, after previous: AuditEntry?, hasher: Hasher) -> AuditEntry {
        seal(draft, after: previous.map { ($0.sequence, $0.hash) }, hasher: hasher)
    }

    /// The same from the previous entry's sequence and hash, all the chain needs of it.
    public static func seal(
        _ draft: AuditDraft,
        after previous: (sequence: Int, hash: String)?,
        hasher: Hasher
    )
        -> AuditEntry
    {
        var entry = AuditEntry(
            sequence: (previous?.sequence ?? 0) + 1,
            occurredAt: draft.occurredAt,
            actor: draft.actor,
            organizationID: draft.organizationID,
            action: draft.action,
            target: draft.target,
            before: draft.before,
            after: draft.after,
            requestID: draft.requestID,
            previousHash: previous?.hash ?? genesis,
            hash: ""
        )
        entry.hash = hasher(entry.canonicalBytes)
        return entry
    }

    public enum Verdict: Sendable, Equatable {
        /// Every entry is in place; `head` is the last hash (record it elsewhere to detect a
        /// truncated tail later).
        case intact(count: Int, head: String)
        /// The first entry (in sequence order) where the chain breaks, and why.
        case broken(sequence: Int, reason: String)
    }

    /// Which hash seals which entry: plain SHA-256 for entries written before the log was keyed, and
    /// from `keyedFrom` on an HMAC whose key is kept outside the database, so someone who can write
    /// the database cannot rebuild the chain after editing it.
    public struct Hashing: Sendable {
        public var unkeyed: Hasher
        public var keyed: Hasher?
        public var keyedFrom: Int

        public init(unkeyed: @escaping Hasher, keyed: Hasher? = nil, keyedFrom: Int = 1) {
            self.unkeyed = unkeyed
            self.keyed = keyed
            self.keyedFrom = keyedFrom
        }

        public func hasher(for sequence: Int) -> Hasher {
            if let keyed, sequence >= keyedFrom { return keyed }
            return unkeyed
        }
    }

    /// Checks entries read in sequence order with one hash for all.
    public static func verify(_ entries: [AuditEntry], hasher: @escaping Hasher) -> Verdict {
        verify(entries, hashing: Hashing(unkeyed: hasher))
    }

    /// Checks entries read in sequence order. With a keyed hash, entries from `keyedFrom` on must
    /// carry the keyed hash, and a log that ends before `keyedFrom` was cut short.
    public static func verify(_ entries: [AuditEntry], hashing: Hashing) -> Verdict {
        let last = entries.last?.sequence ?? 0
        if hashing.keyed != nil, last < hashing.keyedFrom - 1 {
            return .broken(
                sequence: last + 1,
                reason: "entries \(last + 1)…\(hashing.keyedFrom - 1) are missing (the log was keyed after them)"
            )
        }
        return verifyChain(entries, hashing: hashing)
    }

    static func verifyChain(_ entries: [AuditEntry], hashing: Hashing) -> Verdict {
        var previous: AuditEntry?
        for entry in entries {
            let expected = (previous?.sequence ?? 0) + 1
            if entry.sequence != expected {
                let reason =
                    entry.sequence < expected
                    ? "sequence \(entry.sequence) appears again (an inserted or duplicated entry)"
                    : "entries \(expected)…\(entry.sequence - 1) are missing (deleted)"
                return .broken(sequence: entry.sequence, reason: reason)
            }
            if entry.previousHash != (previous?.hash ?? genesis) {
                return .broken(
                    sequence: entry.sequence,
                    reason: "it does not follow the entry before it (inserted or reordered)"
                )
            }
            if hashing.hasher(for: entry.sequence)(entry.canonicalBytes) != entry.hash {
                return .broken(sequence: entry.sequence, reason: "its content does not match its hash (edited)")
            }
            previous = entry
        }
        return .intact(count: entries.count, head: previous?.hash ?? genesis)
    }
}
