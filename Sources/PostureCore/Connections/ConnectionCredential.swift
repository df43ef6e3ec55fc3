/// The secret part of a connection, as entered: a client secret or a PEM holding a certificate
/// and its private key. It is sealed before it is stored and never shown again.
public enum ConnectionCredential: Sendable, Equatable {
    case secret(String)
    case certificate(pem: String)

    /// Client secrets are at most a few hundred characters; a PEM with a 4096-bit key and its
    /// certificate stays well under 16 KB.
    public static let maximumSecretLength = 1_024
    public static let maximumPEMLength = 65_536

    public var kind: ConnectionSettings.CredentialKind {
        switch self {
        case .secret: .secret
        case .certificate: .certificate
        }
    }

    /// What is wrong with the credential's form; nil when it is acceptable. A certificate's key is
    /// checked where it is read (the collector), not here.
    public var problem: ConnectionProblem? {
        switch self {
        case .secret(let text):
            if text.isEmpty { return .init(field: "clientSecret", "is empty") }
            if text.utf8.count > Self.maximumSecretLength {
                return .init(field: "clientSecret", "is longer than \(Self.maximumSecretLength) bytes")
            }
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return .init(field: "clientSecret", "contains control characters")
            }
        case .certificate(let pem):
            if pem.utf8.count > Self.maximumPEMLength {
                return .init(field: "certificate", "is larger than \(Self.maximumPEMLength / 1_024) KB")
            }
            if !pem.contains("-----BEGIN CERTIFICATE-----") || !pem.contains("PRIVATE KEY-----") {
                return .init(field: "certificate", "must be a PEM with a CERTIFICATE block and its PRIVATE KEY block")
            }
        }
        return nil
    }

    /// The text that is sealed; the kind is stored beside it.
    public var sealedText: String {
        switch self {
        case .secret(let text): text
        case .certificate(let pem): pem
        }
    }
}
