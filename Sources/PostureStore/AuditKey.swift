import Crypto
import Foundation
import PostureCore

/// The key that seals the audit log from sequence `from` on (HMAC-SHA256). It lives in a file beside
/// the signing keys, never in the database: whoever can only write the database cannot recompute
/// the chain after deleting or editing an entry.
public struct AuditKey: Sendable {
    public let key: SymmetricKey
    /// The first entry sealed with this key; earlier entries keep their SHA-256 chain.
    public let from: Int

    public init(key: SymmetricKey, from: Int) {
        self.key = key
        self.from = from
    }

    /// Hex HMAC-SHA256, the same length as the SHA-256 it follows.
    public var hasher: AuditChain.Hasher {
        let key = key
        return { bytes in
            HMAC<SHA256>.authenticationCode(for: bytes, using: key).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
    }

    /// The file's text: the key in base64 and the first sequence it seals.
    public var fileText: String {
        let raw = key.withUnsafeBytes { Data($0) }
        return "key=\(raw.base64EncodedString())\nfrom=\(from)\n"
    }

    public static func parse(_ text: String) -> AuditKey? {
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let encoded = fields["key"], let data = Data(base64Encoded: encoded), data.count == 32,
            let from = fields["from"].flatMap(Int.init), from >= 1
        else { return nil }
        return AuditKey(key: SymmetricKey(data: data), from: from)
    }
}
