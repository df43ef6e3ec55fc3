import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real SMTP server for the tests: `tests/mail/smtp_server.py` (aiosmtpd) on 127.0.0.1, plain,
/// with STARTTLS or with implicit TLS, requiring AUTH when given a user. It writes each accepted
/// message to a folder, which ``messages()`` reads back.
///
/// Its Python comes from `POSTURE_TEST_SMTP_PYTHON` (set by `scripts/test`) or the repository's
/// `.venv/mail` (`source scripts/lib/python-venv.sh; mail_venv` makes it).
public final class SMTPTestServer: Sendable {
    public enum Mode: String, Sendable {
        case plain, starttls, tls
    }

    public struct Message: Sendable {
        /// The message as received: headers and body, CRLF lines, transparency dots removed.
        public var raw: String
        public var mailFrom: String
        public var recipients: [String]
        /// The user that signed in; nil without AUTH.
        public var login: String?
    }

    public let port: Int
    public let directory: URL
    let process: Process

    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A throwaway certificate for `localhost` and 127.0.0.1, made once per test process.
    public static let certificate: (certificate: String, key: String, pem: String) = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-smtp-tls-\(UUID().uuidString)"
        )
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try? openssl.run()
        openssl.waitUntilExit()
        return (certificate, key, (try? String(contentsOfFile: certificate, encoding: .utf8)) ?? "")
    }()

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts a server. Starting waits for the child on a thread of its own, so no thread of the
    /// tests' cooperative pool blocks while it comes up.
    public static func start(
        mode: Mode,
        user: String? = nil,
        password: String? = nil,
        failFirst: Int = 0,
        excludeAuth: [String] = []
    ) async throws -> SMTPTestServer {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(
                        returning: try SMTPTestServer(
                            mode: mode,
                            user: user,
                            password: password,
                            failFirst: failFirst,
                            excludeAuth: excludeAuth
                        )
                    )
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    init(
        mode: Mode,
        user: String? = nil,
        password: String? = nil,
        failFirst: Int = 0,
        excludeAuth: [String] = []
    ) throws {
        let python =
            ProcessInfo.processInfo.environment["POSTURE_TEST_SMTP_PYTHON"]
            ?? Self.repositoryRoot.appendingPathComponent(".venv/mail/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Unavailable(
                description:
                    "no Python with aiosmtpd at \(python): run ./scripts/test, or `source scripts/lib/python-venv.sh; mail_venv`"
            )
        }
        // Made here, off the cooperative pool: making it waits for openssl.
        let tls = Self.certificate
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("posture-smtp-\(UUID().uuidString)")
        var arguments = [
            Self.repositoryRoot.appendingPathComponent("tests/mail/smtp_server.py").path, "--dir", directory.path,
            "--mode", mode.rawValue, "--fail-first", String(failFirst),
        ]
        if mode != .plain { arguments += ["--cert", tls.certificate, "--key", tls.key] }
        if let user, let password { arguments += ["--user", user, "--password", password] }
        for mechanism in excludeAuth { arguments += ["--exclude-auth", mechanism] }
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT <n>" once the server listens.
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            process.terminate()
            throw Unavailable(description: "the SMTP test server did not start: \(text)")
        }
        self.port = port
    }

    /// The messages accepted so far, in order.
    public func messages() -> [Message] {
        var messages: [Message] = []
        var number = 1
        while let raw = try? String(contentsOf: directory.appendingPathComponent("\(number).eml"), encoding: .utf8) {
            let meta =
                (try? JSONSerialization.jsonObject(
                    with: Data(contentsOf: directory.appendingPathComponent("\(number).json"))
                ) as? [String: Any]) ?? [:]
            messages.append(
                Message(
                    raw: raw,
                    mailFrom: meta["mailFrom"] as? String ?? "",
                    recipients: meta["rcptTos"] as? [String] ?? [],
                    login: meta["login"] as? String
                )
            )
            number += 1
        }
        return messages
    }

    /// Waits up to `seconds` for `count` messages.
    public func waitForMessages(_ count: Int, seconds: Double = 10) async -> [Message] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let found = messages()
            if found.count >= count { return found }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return messages()
    }

    /// Stops the server. (Foundation's `waitUntilExit` spins on a thread of the cooperative pool;
    /// the child is reaped directly instead.)
    public func stop() {
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: directory)
    }
}
