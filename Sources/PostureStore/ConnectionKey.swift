import Crypto
import Foundation

/// The key that seals connection credentials (AES-256-GCM). It lives in a file beside the
/// signing keys, never in the database: a copy of the database alone reveals no credential.
public struct ConnectionKey: Sendable {
    public let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// `key=BASE64`, the file's whole text.
    public var fileText: String {
        "key=" + key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
    }

    public static func parse(_ text: String) -> ConnectionKey? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("key=") {
            guard let data = Data(base64Encoded: String(line.dropFirst(4))), data.count == 32 else { return nil }
            return ConnectionKey(key: SymmetricKey(data: data))
        }
        return nil
    }

    /// Seals `text` for one organization: the organization's id is authenticated with it.
    func seal(_ text: String, for organizationID: String) throws -> String {
        let box = try AES.GCM.seal(Data(text.utf8), using: key, authenticating: Data(organizationID.utf8))
        guard let combined = box.combined else { throw ConnectionKeyError.cannotSeal }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String, for organizationID: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw ConnectionKeyError.cannotOpen }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(
                decoding: try AES.GCM.open(box, using: key, authenticating: Data(organizationID.utf8)),
                as: UTF8.self
            )
        } catch {
            throw ConnectionKeyError.cannotOpen
        }
    }
}

public enum ConnectionKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotSeal
    /// The key file is not the one the credential was sealed with, or the row was altered.
    case cannotOpen

    public var description: String {
        switch self {
        case .cannotSeal: "the credential could not be sealed"
        case .cannotOpen:
            "the stored credential cannot be opened with this connection key (a different connections.key, or an altered row); enter the credential again"
        }
    }
}
