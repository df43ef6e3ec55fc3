import Crypto
import Foundation
import PostureStore

/// The connection key file, `connections.key` in the keys directory (0600), created on first
/// start. Several nodes share it the way they share the signing keys; losing it means entering
/// every connection's credential again, never a leak.
public enum ConnectionKeyStore {
    public static let fileName = "connections.key"

    public static func loadOrCreate(in directory: String) throws -> ConnectionKey {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: path) {
            guard let key = ConnectionKey.parse(String(decoding: data, as: UTF8.self)) else {
                throw StartupError("\(path) is not a connection key (a key=BASE64 line of 32 bytes)")
            }
            return key
        }
        let key = ConnectionKey(key: SymmetricKey(size: .bits256))
        try OwnerOnlyFiles.writeKey(key.fileText, to: path, in: directory)
        return key
    }
}
