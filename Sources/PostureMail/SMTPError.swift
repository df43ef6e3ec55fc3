/// Why a message could not be handed to the SMTP server, in a person's words. It never holds the
/// password.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case connect(String)
    /// The server answered `code` to `command`.
    case reply(command: String, code: Int, text: String)
    /// `STARTTLS` was asked for and the server does not offer it.
    case noStartTLS
    /// A user name was given and the server offers neither PLAIN nor LOGIN (perhaps not before TLS).
    case noAuthentication
    case tls(String)
    case protocolError(String)
    case closed(during: String)
    case timedOut(seconds: Double)

    /// The SMTP reply code, when the server gave one.
    public var code: Int? {
        if case .reply(_, let code, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .connect(let reason): "could not connect: \(reason)"
        case .reply(let command, let code, let text): "the server answered \(code) to \(command): \(text.prefix(300))"
        case .noStartTLS: "the server does not offer STARTTLS; choose tls (port 465) or ask for STARTTLS on 587"
        case .noAuthentication: "the server offers no AUTH PLAIN or LOGIN to sign in with"
        case .tls(let reason): "TLS failed: \(reason)"
        case .protocolError(let reason): "the server broke the protocol: \(reason)"
        case .closed(let step): "the server closed the connection during \(step)"
        case .timedOut(let seconds): "no answer within \(Int(seconds)) seconds"
        }
    }
}
