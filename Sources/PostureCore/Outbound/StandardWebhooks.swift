import Foundation

/// Standard Webhooks (https://www.standardwebhooks.com): what is signed and how the headers read.
/// The HMAC itself is computed where a cryptography library is at hand.
public enum StandardWebhooks {
    /// `whsec_` and the base64 of 24 to 64 random bytes.
    public static let secretPrefix = "whsec_"

    /// The key bytes of a `whsec_` secret; nil when it is not one.
    public static func key(ofSecret secret: String) -> [UInt8]? {
        guard secret.hasPrefix(secretPrefix),
            let data = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))),
            (24...64).contains(data.count)
        else { return nil }
        return Array(data)
    }

    public static func secret(fromKey key: [UInt8]) -> String { secretPrefix + Data(key).base64EncodedString() }

    /// The signed content: `{id}.{timestamp}.{body}`.
    public static func signedContent(id: String, timestamp: Int, body: String) -> String {
        "\(id).\(timestamp).\(body)"
    }

    /// `webhook-signature`: `v1,<base64>` per signature, space-separated (two during a rotation).
    public static func signatureHeader(_ signatures: [[UInt8]]) -> String {
        signatures.map { "v1," + Data($0).base64EncodedString() }.joined(separator: " ")
    }
}
