import Foundation

/// The token signing secret kept in the data directory: generated once (32 random bytes,
/// readable by the owner only) and reused by every later start and by `posture token create`.
enum TokenSecretFile {
    static let name = "token-secret"

    static func loadOrCreate(in directory: String) throws -> [UInt8] {
        let path = (directory as NSString).appendingPathComponent(name)
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let secret = Data(base64Encoded: text), secret.count >= 32 else {
                throw StartupError(
                    "\(path) does not hold a base64 secret of at least 32 bytes; delete it to make a new one"
                )
            }
            return Array(secret)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let created = FileManager.default.createFile(
            atPath: path,
            contents: Data((Data(secret).base64EncodedString() + "\n").utf8),
            attributes: [.posixPermissions: 0o600]
        )
        guard created else { throw StartupError("cannot write the token secret to \(path)") }
        return secret
    }
}
