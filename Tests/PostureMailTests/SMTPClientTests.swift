import Foundation
import PostureCore
import PostureMail
import PostureTestSupport
import Testing

/// The SMTP client against a real SMTP server on this machine (aiosmtpd): plain, STARTTLS and
/// implicit TLS, AUTH PLAIN and LOGIN, the transparency dots, and every refusal named.
@Suite(.serialized) struct SMTPClientTests {
    /// Lines that SMTP's transparency rule is about: a lone dot would end the data early.
    static let body = "Subject: dots\r\n\r\nfirst\r\n.\r\n.leading dot\r\n..two dots\r\nlast\r\n"

    static func server(
        _ test: SMTPTestServer,
        _ security: MailSecurity,
        user: String? = nil,
        password: String = ""
    )
        -> SMTPServer
    {
        SMTPServer(
            host: "localhost",
            port: test.port,
            security: security,
            username: user,
            password: password,
            extraTrustRoots: SMTPTestServer.certificate.pem,
            timeout: 10
        )
    }

    @Test(arguments: [SMTPTestServer.Mode.plain, .starttls, .tls])
    func messagesArriveByteForByte(_ mode: SMTPTestServer.Mode) async throws {
        let test = try await SMTPTestServer.start(mode: mode, user: "posture", password: "s3cret: with spaces")
        defer { test.stop() }
        let security: MailSecurity = mode == .plain ? .none : mode == .tls ? .tls : .starttls
        let user: String? = mode == .plain ? nil : "posture"
        if mode == .plain {
            // The plain server takes no sign-in (AUTH needs TLS): it still requires one, so mail is refused.
            await #expect(throws: SMTPError.self) {
                try await SMTPClient.send(
                    Self.body,
                    from: "a@example.test",
                    to: ["b@example.test"],
                    via: Self.server(test, security)
                )
            }
            return
        }
        let reply = try await SMTPClient.send(
            Self.body,
            from: "posture@example.test",
            to: ["secops@example.test", "ciso@example.test"],
            via: Self.server(test, security, user: user, password: "s3cret: with spaces")
        )
        #expect(reply.code == 250)
        let messages = test.messages()
        #expect(messages.count == 1)
        #expect(messages.first?.raw == Self.body, "the dots come back as they were")
        #expect(messages.first?.recipients == ["secops@example.test", "ciso@example.test"])
        #expect(messages.first?.mailFrom == "posture@example.test" && messages.first?.login == "posture")
    }

    @Test func anOpenRelayTakesMailWithoutSigningIn() async throws {
        let test = try await SMTPTestServer.start(mode: .plain)
        defer { test.stop() }
        try await SMTPClient.send(
            Self.body,
            from: "a@example.test",
            to: ["b@example.test"],
            via: Self.server(test, .none)
        )
        #expect(test.messages().map(\.raw) == [Self.body])
    }

    @Test func loginIsUsedWhenPlainIsNotOffered() async throws {
        let test = try await SMTPTestServer.start(
            mode: .starttls,
            user: "posture",
            password: "pw",
            excludeAuth: ["PLAIN"]
        )
        defer { test.stop() }
        try await SMTPClient.send(
            Self.body,
            from: "a@example.test",
            to: ["b@example.test"],
            via: Self.server(test, .starttls, user: "posture", password: "pw")
        )
        #expect(test.messages().first?.login == "posture")
    }

    @Test func refusalsAreNamedAndNeverShowThePassword() async throws {
        let secure = try await SMTPTestServer.start(mode: .starttls, user: "posture", password: "right")
        defer { secure.stop() }
        do {
            try await SMTPClient.send(
                Self.body,
                from: "a@example.test",
                to: ["b@example.test"],
                via: Self.server(secure, .starttls, user: "posture", password: "wrong-password")
            )
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.code == 535, "\(error)")
            #expect(!error.description.contains("wrong-password") && !error.description.contains("d3JvbmctcGFzc3dvcmQ"))
        }

        // Without the private CA the certificate is not trusted.
        var untrusted = Self.server(secure, .starttls, user: "posture", password: "right")
        untrusted.extraTrustRoots = nil
        do {
            try await SMTPClient.send(Self.body, from: "a@example.test", to: ["b@example.test"], via: untrusted)
            Issue.record("an untrusted certificate was accepted")
        } catch {
            guard case .tls = error else {
                Issue.record("expected a TLS failure, got \(error)")
                return
            }
        }

        // STARTTLS asked for, and the server does not offer it: refused, not sent in the clear.
        let plain = try await SMTPTestServer.start(mode: .plain)
        defer { plain.stop() }
        await #expect(throws: SMTPError.noStartTLS) {
            try await SMTPClient.send(
                Self.body,
                from: "a@example.test",
                to: ["b@example.test"],
                via: Self.server(plain, .starttls)
            )
        }
        #expect(plain.messages().isEmpty)

        // A temporary refusal keeps its code, so the queue tries again.
        let busy = try await SMTPTestServer.start(mode: .plain, failFirst: 1)
        defer { busy.stop() }
        do {
            try await SMTPClient.send(
                Self.body,
                from: "a@example.test",
                to: ["b@example.test"],
                via: Self.server(busy, .none)
            )
            Issue.record("the first message should have been refused")
        } catch {
            #expect(error.code == 451)
        }
        try await SMTPClient.send(
            Self.body,
            from: "a@example.test",
            to: ["b@example.test"],
            via: Self.server(busy, .none)
        )
        #expect(busy.messages().count == 1)

        // Nobody listening.
        await #expect(throws: SMTPError.self) {
            try await SMTPClient.send(
                Self.body,
                from: "a@example.test",
                to: ["b@example.test"],
                via: SMTPServer(host: "127.0.0.1", port: 1, security: .none, timeout: 3)
            )
        }
    }

    @Test(
        arguments: [
            ("a\nb", "a\r\nb\r\n"), (".\n", "..\r\n"), ("x\r\n.y\r\n", "x\r\n..y\r\n"), ("", "\r\n"),
            ("..\n", "...\r\n"), ("a.\n", "a.\r\n"),
        ]
    )
    func transparencyDots(_ message: String, _ sent: String) {
        #expect(SMTPClient.transparent(message) == sent)
    }
}
