import Foundation
import JWTKit
import PostureAPI

/// The token signing keys, kept as PEM files in the keys directory (`DATA_DIR/keys` unless
/// `POSTURE_KEYS_DIR` says otherwise): `<kid>.pem` per key, readable by the owner only, and a
/// `current` file naming the key that signs. Older keys stay so their tokens verify until expiry.
public enum SigningKeyStore {
    public static func load(
        from directory: String,
        createIfEmpty: Bool = true
    ) throws -> (current: SigningKey, all: [SigningKey]) {
        let fileManager = FileManager.default
        try fileManager.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        var all: [SigningKey] = []
        for name in try fileManager.contentsOfDirectory(atPath: directory).sorted() where name.hasSuffix(".pem") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = fileManager.contents(atPath: path) else { throw StartupError("cannot read \(path)") }
            do {
                all.append(SigningKey(kid: String(name.dropLast(4)), key: try ES256PrivateKey(pem: data)))
            } catch {
                throw StartupError("\(path) is not an ES256 (P-256) private key in PEM form")
            }
        }
        let currentPath = (directory as NSString).appendingPathComponent("current")
        if all.isEmpty {
            guard createIfEmpty else { throw StartupError("no signing keys in \(directory)") }
            let key = try create(in: directory, now: Date())
            return (key, [key])
        }
        let named = fileManager.contents(atPath: currentPath).map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let named, let current = all.first(where: { $0.kid == named }) else {
            throw StartupError("\(currentPath) must name one of the keys in \(directory)")
        }
        return (current, all)
    }

    /// Generates a new key and makes it the one that signs. Returns it.
    @discardableResult
    public static func create(in directory: String, now: Date) throws -> SigningKey {
        var generator = SystemRandomNumberGenerator()
        let suffix = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }
            .joined()
        let stamp = String(Int(now.timeIntervalSince1970))
        let key = SigningKey(kid: "posture-\(stamp)-\(suffix)", key: ES256PrivateKey())
        let fileManager = FileManager.default
        try fileManager.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let path = (directory as NSString).appendingPathComponent("\(key.kid).pem")
        guard
            fileManager.createFile(
                atPath: path,
                contents: Data(key.key.pemRepresentation.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw StartupError("cannot write \(path)") }
        let current = (directory as NSString).appendingPathComponent("current")
        guard
            fileManager.createFile(
                atPath: current,
                contents: Data((key.kid + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw StartupError("cannot write \(current)") }
        return key
    }

    /// Deletes an old key so the tokens it signed stop verifying; the current key stays.
    public static func retire(_ kid: String, in directory: String) throws {
        let keys = try load(from: directory, createIfEmpty: false)
        guard keys.all.contains(where: { $0.kid == kid }) else {
            throw StartupError("no signing key \"\(kid)\" in \(directory) (see `posture keys list`)")
        }
        guard kid != keys.current.kid else {
            throw StartupError("\(kid) is the current signing key; run `posture keys rotate` first")
        }
        let path = (directory as NSString).appendingPathComponent("\(kid).pem")
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw StartupError("cannot remove \(path)")
        }
    }
}
