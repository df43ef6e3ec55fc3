import Foundation
import PostureCore

/// The parts of a compact JWT read before its signature is checked: the header (to refuse
/// algorithms and keys early) and the payload (to pick the issuer's verifier). Nothing read here
/// is trusted until a verifier has checked the signature.
enum UnverifiedJWT {
    static func header(_ token: String) throws(TokenError) -> [String: Any] {
        guard let data = segment(token, 0),
            let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw TokenError.invalid("the token is not a JWT") }
        return header
    }

    static func payload(_ token: String) throws(TokenError) -> JSONObject {
        guard let data = segment(token, 1), let node = try? JSONSourceParser.parse([UInt8](data), file: "token"),
            case .object(let object) = JSONValue(node)
        else { throw TokenError.invalid("the token is not a JWT") }
        return object
    }

    /// One of the three dot-separated parts, base64url-decoded; nil unless there are exactly three.
    static func segment(_ token: String, _ index: Int) -> Data? {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        // base64url to base64 byte by byte, padded to a multiple of four.
        var base64 = parts[index].map { byte in
            byte == UInt8(ascii: "-") ? UInt8(ascii: "+") : byte == UInt8(ascii: "_") ? UInt8(ascii: "/") : byte
        }
        base64 += repeatElement(UInt8(ascii: "="), count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: Data(base64))
    }
}
