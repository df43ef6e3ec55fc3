import Crypto
import Foundation
import _CryptoExtras

/// How the collector's app registration proves itself to Microsoft Entra ID.
public enum GraphCredential: Sendable {
    case secret(String)
    /// A PEM file holding the certificate and its RSA private key; the token request carries a
    /// client assertion signed with the key, naming the certificate by its SHA-1 thumbprint.
    case certificate(CertificateKey)
}

public struct CertificateKey: Sendable {
    let key: _RSA.Signing.PrivateKey
    /// base64url SHA-1 thumbprint of the DER certificate, the `x5t` header Entra ID expects.
    let thumbprint: String

    /// Reads a PEM with a `CERTIFICATE` block and a `PRIVATE KEY` or `RSA PRIVATE KEY` block.
    public init(pem: String) throws(CollectorError) {
        guard let certificate = Self.block("CERTIFICATE", in: pem), let der = Data(base64Encoded: certificate) else {
            throw .credential("the PEM has no CERTIFICATE block")
        }
        guard let keyText = Self.keyBlock(in: pem) else {
            throw .credential("the PEM has no PRIVATE KEY block (an RSA key is needed)")
        }
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: keyText)
        } catch {
            throw .credential("the private key is not an RSA key Posture can read (\(error))")
        }
        thumbprint = Base64URL.encode(Data(Insecure.SHA1.hash(data: der)))
    }

    /// The client assertion JWT for one token request.
    func assertion(clientID: String, audience: String, now: Date) throws(CollectorError) -> String {
        let header: [String: String] = ["alg": "RS256", "typ": "JWT", "x5t": thumbprint]
        let issued = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = [
            "aud": audience, "iss": clientID, "sub": clientID, "jti": UUID().uuidString,
            "nbf": issued, "iat": issued, "exp": issued + 600,
        ]
        do {
            let head = Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: .sortedKeys))
            let body = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: .sortedKeys))
            let signingInput = Data("\(head).\(body)".utf8)
            let signature = try key.signature(for: signingInput, padding: .insecurePKCS1v1_5)
            return "\(head).\(body).\(Base64URL.encode(signature.rawRepresentation))"
        } catch {
            throw .credential("cannot sign the client assertion (\(error))")
        }
    }

    private static func block(_ label: String, in pem: String) -> String? {
        guard let start = pem.range(of: "-----BEGIN \(label)-----"),
            let end = pem.range(of: "-----END \(label)-----", range: start.upperBound..<pem.endIndex)
        else { return nil }
        return pem[start.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
    }

    private static func keyBlock(in pem: String) -> String? {
        for label in ["PRIVATE KEY", "RSA PRIVATE KEY"] {
            guard let start = pem.range(of: "-----BEGIN \(label)-----"),
                let end = pem.range(of: "-----END \(label)-----", range: start.upperBound..<pem.endIndex)
            else { continue }
            return String(pem[start.lowerBound..<end.upperBound])
        }
        return nil
    }
}

enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Why a collection could not start or a resource could not be collected.
public enum CollectorError: Error, Sendable, Equatable, CustomStringConvertible {
    case credential(String)
    /// The token endpoint refused (Entra ID's `error_description`, e.g. AADSTS7000215).
    case token(String)
    case unreachable(String)
    /// A service other than Graph refused a token (AADSTS500011: the tenant has no such service).
    case serviceToken(service: String, message: String)
    case http(status: Int, message: String)
    /// Not an answer of a service: a resource that cannot be read here (no DNS server, a cloud
    /// without the service, a resource it depends on missing).
    case unavailable(String)

    public var description: String {
        switch self {
        case .credential(let message): "certificate: \(message)"
        case .token(let message): "cannot get a Graph token: \(message)"
        case .unreachable(let message): "cannot reach \(message)"
        case .http(let status, let message): "HTTP \(status): \(message)"
        case .unavailable(let message): message
        case .serviceToken(let service, let message): "cannot get a token for \(service): \(message)"
        }
    }
}
