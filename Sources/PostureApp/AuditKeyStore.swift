import Crypto
import Foundation
import PostureStore

/// The audit key file, `audit.key` in the keys directory (0600), created on first start. Several
/// nodes share it the way they share the signing keys.
public enum AuditKeyStore {
    public static let fileName = "audit.key"

    /// Reads the key, or creates one that seals every entry after `lastSequence`.
    public static func loadOrCreate(in directory: String, lastSequence: () async throws -> Int) async throws -> AuditKey
    {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: path) {
            guard let key = AuditKey.parse(String(decoding: data, as: UTF8.self)) else {
                throw StartupError("\(path) is not an audit key (key=BASE64 and from=N lines)")
            }
            return key
        }
        let key = AuditKey(key: SymmetricKey(size: .bits256), from: try await lastSequence() + 1)
        try OwnerOnlyFiles.writeKey(key.fileText, to: path, in: directory)
        return key
    }
}
