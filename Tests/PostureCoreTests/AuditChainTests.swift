import Foundation
import PostureCore
import Testing

@Suite struct AuditChainTests {
    /// A stand-in hash that still depends on every byte (FNV-1a, hex): the chain logic is what is tested.
    static let hasher: AuditChain.Hasher = { bytes in
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    static func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for index in 0..<count {
            let draft = AuditDraft(
                occurredAt: Date(timeIntervalSince1970: Double(index) * 60),
                actor: "alice",
                organizationID: "contoso",
                action: "status.set",
                target: "Action\(index)",
                before: nil,
                after: "{\"status\":\"planned\"}"
            )
            entries.append(AuditChain.seal(draft, after: entries.last, hasher: hasher))
        }
        return entries
    }

    @Test func anIntactChainVerifiesAndNamesItsHead() {
        let entries = Self.chain(5)
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(entries.first?.previousHash == AuditChain.genesis)
        #expect(AuditChain.verify(entries, hasher: Self.hasher) == .intact(count: 5, head: entries[4].hash))
        #expect(AuditChain.verify([], hasher: Self.hasher) == .intact(count: 0, head: AuditChain.genesis))
    }

    static let tamperings: [(String, @Sendable ([AuditEntry]) -> [AuditEntry], Int, String)] = [
        (
            "edited",
            { entries in
                var copy = entries
                copy[2].after = "{\"status\":\"riskAccepted\"}"
                return copy
            }, 3, "edited"
        ),
        (
            "deleted",
            { entries in
                var copy = entries
                copy.remove(at: 1)
                return copy
            }, 3, "missing"
        ),
        (
            "edited and re-hashed",
            { entries in
                // A forger who re-hashes an edited entry still breaks its successor's link.
                var copy = entries
                copy[1].actor = "mallory"
                copy[1].hash = hasher(copy[1].canonicalBytes)
                return copy
            }, 3, "does not follow"
        ),
        (
            "inserted",
            { entries in
                var copy = entries
                var forged = copy[1]
                forged.actor = "mallory"
                copy.insert(forged, at: 2)
                return copy
            }, 2, "appears again"
        ),
        (
            "reordered",
            { entries in
                var copy = entries
                copy.swapAt(1, 2)
                return copy
            }, 3, "missing"
        ),
        (
            "sequence numbers swapped",
            { entries in
                var copy = entries
                (copy[1].sequence, copy[2].sequence) = (copy[2].sequence, copy[1].sequence)
                copy.swapAt(1, 2)
                return copy
            }, 2, "does not follow"
        ),
    ]

    @Test(arguments: tamperings)
    func tamperingNamesTheFirstBrokenEntry(
        _ what: String,
        _ tamper: @Sendable ([AuditEntry]) -> [AuditEntry],
        _ sequence: Int,
        _ reason: String
    ) {
        let verdict = AuditChain.verify(tamper(Self.chain(5)), hasher: Self.hasher)
        guard case .broken(let brokenAt, let message) = verdict else {
            Issue.record("\(what): the chain still verifies")
            return
        }
        #expect(brokenAt == sequence, "\(what)")
        #expect(message.contains(reason), "\(what): \(message)")
    }

    /// From `keyedFrom` on, entries carry the keyed hash: an entry re-sealed with the plain hash is
    /// found, and a log cut back to before the key existed is too.
    @Test func keyedEntriesMustCarryTheKeyedHash() {
        let keyed: AuditChain.Hasher = { bytes in "k" + Self.hasher(bytes) }
        let hashing = AuditChain.Hashing(unkeyed: Self.hasher, keyed: keyed, keyedFrom: 3)
        var entries: [AuditEntry] = []
        for entry in Self.chain(5) {
            var copy = entry
            copy.previousHash = entries.last?.hash ?? AuditChain.genesis
            copy.hash = hashing.hasher(for: copy.sequence)(copy.canonicalBytes)
            entries.append(copy)
        }
        #expect(AuditChain.verify(entries, hashing: hashing) == .intact(count: 5, head: entries[4].hash))
        // Re-sealed with the plain hash by someone without the key.
        var forged = entries
        forged[3].actor = "mallory"
        forged[3].hash = Self.hasher(forged[3].canonicalBytes)
        forged[4].previousHash = forged[3].hash
        forged[4].hash = Self.hasher(forged[4].canonicalBytes)
        #expect(
            AuditChain.verify(forged, hashing: hashing)
                == .broken(sequence: 4, reason: "its content does not match its hash (edited)")
        )
        // Cut back to before the key: entries 2…2 were the last unkeyed, 3 was expected.
        guard case .broken(let at, _) = AuditChain.verify(Array(entries.prefix(1)), hashing: hashing) else {
            Issue.record("a log cut back before the key verified")
            return
        }
        #expect(at == 2)
        #expect(
            AuditChain.verify(Array(entries.prefix(2)), hashing: hashing) == .intact(count: 2, head: entries[1].hash)
        )
    }
}
