import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PostureCore
import Synchronization

/// Where and how to submit mail.
public struct SMTPServer: Sendable {
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var username: String?
    public var password: String
    /// Certificates (PEM) trusted besides the system's, for relays with a private CA.
    public var extraTrustRoots: String?
    /// The name this client gives in `EHLO`.
    public var heloName: String
    /// The whole exchange, connection to `QUIT`, at most this long.
    public var timeout: Double

    public init(
        host: String,
        port: Int,
        security: MailSecurity,
        username: String? = nil,
        password: String = "",
        extraTrustRoots: String? = nil,
        heloName: String = "posture.localdomain",
        timeout: Double = 30
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.extraTrustRoots = extraTrustRoots
        self.heloName = heloName
        self.timeout = timeout
    }
}

/// A small SMTP submission client (RFC 5321, 3207, 4954) on SwiftNIO: `EHLO`, `STARTTLS` (or TLS
/// from the start), `AUTH PLAIN` or `LOGIN`, `MAIL FROM`, `RCPT TO`, `DATA` with the transparency
/// dots, `QUIT`. Certificates are verified against the host name; a server that does not offer
/// `STARTTLS` when it was asked for is refused rather than used in the clear.
public enum SMTPClient {
    /// Submits `message` (CRLF lines, as ``MailMessage/rendered(boundary:)`` makes it) from
    /// `sender` to `recipients`. Returns the server's final reply to `DATA`.
    @discardableResult
    public static func send(
        _ message: String,
        from sender: String,
        to recipients: [String],
        via server: SMTPServer
    ) async throws(SMTPError) -> SMTPReply {
        let tls: NIOSSLContext
        do {
            tls = try context(server)
        } catch {
            throw .tls("\(error)")
        }
        let channel: NIOAsyncChannel<SMTPReply, ByteBuffer>
        let errors = FirstError()
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(min(server.timeout, 10) * 1000)))
                .connect(host: server.host, port: server.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if server.security == .tls {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: tls, serverHostname: serverName(server.host))
                            )
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(errors)
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .connect("\(server.host):\(server.port): \(error)")
        }
        // Closing the connection ends the exchange wherever it waits.
        let timedOut = NIOLockedValueBoxFlag()
        let timer = channel.channel.eventLoop.scheduleTask(in: .milliseconds(Int64(server.timeout * 1000))) {
            timedOut.set()
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var session = Session(replies: inbound.makeAsyncIterator(), outbound: outbound)
                return try await session.run(message, from: sender, to: recipients, server: server) {
                    // The handler is made on the connection's own thread: it is not Sendable.
                    let pipeline = channel.channel.pipeline
                    try await channel.channel.eventLoop.submit {
                        try pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName(server.host)),
                            position: .first
                        )
                    }.get()
                }
            }
        } catch let error as SMTPError {
            if timedOut.isSet { throw .timedOut(seconds: server.timeout) }
            // A failed handshake closes the connection; what the exchange saw may be only that.
            if let failed = errors.handshakeFailure { throw .tls("\(failed)") }
            throw error
        } catch let error as NIOSSLError {
            throw .tls("\(error)")
        } catch {
            // A write can fail on the closed connection before the handshake's error is read.
            if let failed = errors.handshakeFailure { throw .tls("\(failed)") }
            if timedOut.isSet { throw .timedOut(seconds: server.timeout) }
            if "\(error)".contains("handshake") || "\(error)".contains("certificate") { throw .tls("\(error)") }
            throw .connect("\(server.host):\(server.port): \(error)")
        }
    }

    /// Keeps the first error the connection's pipeline raised and passes it on: a TLS handshake
    /// that fails closes the connection, and the exchange may see only the closing.
    final class FirstError: ChannelInboundHandler, Sendable {
        typealias InboundIn = SMTPReply
        typealias InboundOut = SMTPReply
        private let box = Mutex<(any Error)?>(nil)

        var first: (any Error)? { box.withLock { $0 } }

        /// The first error, when it was the TLS handshake failing (an untrusted certificate, no
        /// common protocol): not a reply the server sent before it closed.
        var handshakeFailure: NIOSSLError? {
            guard let error = first as? NIOSSLError, case .handshakeFailed = error else { return nil }
            return error
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            box.withLock { if $0 == nil { $0 = error } }
            context.fireErrorCaught(error)
        }
    }

    /// SNI and certificate checks take a name; an IP address is checked against the certificate's
    /// IP entries without SNI.
    static func serverName(_ host: String) -> String? {
        OutboundTarget.isSpecial(address: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) == nil
            ? host : nil
    }

    static func context(_ server: SMTPServer) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let pem = server.extraTrustRoots {
            configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))]
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// One exchange, command by command.
    struct Session {
        var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        mutating func run(
            _ message: String,
            from sender: String,
            to recipients: [String],
            server: SMTPServer,
            startTLS: () async throws -> Void
        ) async throws -> SMTPReply {
            _ = try await expect([220], after: "connecting")
            var hello = try await command("EHLO \(server.heloName)", expect: [250])
            if server.security == .starttls {
                guard hello.keywords.contains("STARTTLS") else { throw SMTPError.noStartTLS }
                _ = try await command("STARTTLS", expect: [220])
                try await startTLS()
                hello = try await command("EHLO \(server.heloName)", expect: [250])
            }
            if let username = server.username, !username.isEmpty {
                let mechanisms = hello.authMechanisms
                if mechanisms.contains("PLAIN") {
                    let token = Data(("\0" + username + "\0" + server.password).utf8).base64EncodedString()
                    _ = try await command("AUTH PLAIN " + token, shown: "AUTH PLAIN", expect: [235])
                } else if mechanisms.contains("LOGIN") {
                    _ = try await command("AUTH LOGIN", expect: [334])
                    _ = try await command(Data(username.utf8).base64EncodedString(), shown: "AUTH LOGIN", expect: [334])
                    _ = try await command(
                        Data(server.password.utf8).base64EncodedString(),
                        shown: "AUTH LOGIN",
                        expect: [235]
                    )
                } else {
                    throw SMTPError.noAuthentication
                }
            }
            _ = try await command("MAIL FROM:<\(sender)>", expect: [250])
            for recipient in recipients { _ = try await command("RCPT TO:<\(recipient)>", expect: [250, 251]) }
            _ = try await command("DATA", expect: [354])
            try await outbound.write(ByteBuffer(string: SMTPClient.transparent(message) + ".\r\n"))
            let accepted = try await expect([250], after: "the message")
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            _ = try? await replies.next()
            return accepted
        }

        /// Sends a command line; `shown` names it in errors when the line itself is a credential.
        mutating func command(
            _ line: String,
            shown: String? = nil,
            expect codes: Set<Int>
        ) async throws
            -> SMTPReply
        {
            try await outbound.write(ByteBuffer(string: line + "\r\n"))
            return try await expect(codes, after: shown ?? String(line.prefix(60)))
        }

        mutating func expect(_ codes: Set<Int>, after step: String) async throws -> SMTPReply {
            guard let reply = try await replies.next() else { throw SMTPError.closed(during: step) }
            guard codes.contains(reply.code) else {
                throw SMTPError.reply(command: step, code: reply.code, text: reply.text)
            }
            return reply
        }
    }

    /// RFC 5321 4.5.2: CRLF line ends, and a line that starts with a dot gets another, so no line
    /// of the message can end the data early. The result ends with CRLF.
    public static func transparent(_ message: String) -> String {
        let normalized = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }
}

/// A flag set from the event loop and read from the task.
final class NIOLockedValueBoxFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
