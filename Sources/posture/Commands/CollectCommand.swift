import ArgumentParser
import Foundation
import PostureCollector
import PostureCore
import PostureEvidence

/// `posture collect microsoft365`: reads a tenant's configuration from Microsoft Graph into an
/// evidence snapshot, written to a directory and/or sent to a Posture server.
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect evidence from a cloud tenant.",
        subcommands: [CollectMicrosoft365Command.self]
    )
}

struct CollectMicrosoft365Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "microsoft365",
        abstract: "Collect a Microsoft 365 evidence snapshot from Microsoft Graph.",
        discussion: """
            Signs in as an app registration with the client-credentials grant (a client secret, or a \
            certificate PEM holding the certificate and its private key) and reads what the assessors \
            need from Microsoft Graph, Exchange Online's admin API and Defender for Endpoint's API, \
            following every page. Throttled requests wait as Graph asks \
            (Retry-After) and back off; a resource that fails is recorded in the manifest with Graph's \
            reason and the rest is still collected. docs/evidence.md lists the application \
            permissions to grant.

            Give --out DIR to write the snapshot (assess it with `posture assess --evidence \
            microsoft365 DIR`), --push URL --org ORG to send it to a Posture server, or both.
            """
    )

    @OptionGroup var signIn: GraphSignInOptions
    @Option(help: ArgumentHelp("Write the snapshot into this directory.", valueName: "dir"))
    var out: String?
    @Option(help: ArgumentHelp("Send the snapshot to this Posture server.", valueName: "url"))
    var push: String?
    @Option(help: ArgumentHelp("Organization to send the snapshot to (with --push).", valueName: "org"))
    var org: String?
    @Option(help: ArgumentHelp("Posture API token for --push (also POSTURE_TOKEN).", valueName: "token"))
    var token: String?
    @Option(
        help: ArgumentHelp(
            "DNS server for the accepted domains' SPF records, an IP address[:port] (default: /etc/resolv.conf's).",
            valueName: "address"
        )
    )
    var dnsServer: String?
    @Flag(help: "No progress on standard error.") var quiet = false

    var pushToken: String? { token ?? ProcessInfo.processInfo.environment["POSTURE_TOKEN"] }

    func validate() throws {
        try signIn.check()
        if let dnsServer {
            do {
                _ = try DNSResolver(parsing: dnsServer)
            } catch {
                throw ValidationError("--dns-server \(error.description)")
            }
        }
        if out == nil && push == nil { throw ValidationError("give --out DIR, --push URL --org ORG, or both") }
        if push != nil, org == nil { throw ValidationError("--push needs --org, the organization to send to") }
        if push != nil, pushToken == nil { throw ValidationError("--push needs --token (or POSTURE_TOKEN)") }
        if let push {
            guard let url = URL(string: push), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--push must be an http(s) URL, got \"\(push)\"")
            }
        }
        if let out {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw ValidationError("--out \(out) is a file, not a directory") }
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
                if !entries.isEmpty, !entries.contains(M365Snapshot.manifestFile) {
                    throw ValidationError("--out \(out) is not empty and holds no snapshot; choose an empty directory")
                }
            }
        }
    }

    func run() async throws {
        let collector = M365Collector(
            tenantID: signIn.tenantID ?? "",
            clientID: signIn.clientID ?? "",
            credential: try signIn.credential(),
            loginURL: signIn.endpoints.effectiveLoginURL,
            graphURL: signIn.endpoints.effectiveGraphURL,
            exchangeURL: signIn.endpoints.effectiveExchangeURL,
            defenderURL: signIn.endpoints.effectiveDefenderURL,
            resolver: try dnsServer.map { try DNSResolver(parsing: $0) } ?? DNSResolver.system()
        )
        let bar = ProgressLine(enabled: !quiet)
        let result: M365Collector.Result
        do {
            result = try await collector.collect { bar.show($0) }
        } catch {
            Console.error(error.description)
            throw ExitCode(1)
        }
        let failed = result.manifest.failures.count
        Console.progress(
            "collected \(result.resources.count) of \(M365Resource.allCases.count) resources"
                + (failed > 0 ? "; \(failed) failed (their actions will have no data)" : "")
        )
        if let out {
            do {
                try result.write(to: URL(fileURLWithPath: out, isDirectory: true))
            } catch {
                Console.error("\(out): cannot write the snapshot (\(error.localizedDescription))")
                throw ExitCode(1)
            }
            Console.write("wrote \(out) (assess it with: posture assess --evidence microsoft365 \(out))")
        }
        if let push, let org, let pushToken {
            let base = push.hasSuffix("/") ? String(push.dropLast()) : push
            let answer = try await PushCommand.sendEvidence(result.bundle, base: base, org: org, bearer: pushToken)
            Console.write(PushCommand.summary(answer, org: org))
            PushCommand.reportIgnored(answer["ignored"] as? [[String: Any]] ?? [])
        }
    }
}

/// One line of progress on standard error: redrawn in place on a terminal, one line per resource
/// otherwise (logs stay readable).
final class ProgressLine: Sendable {
    let enabled: Bool
    let terminal = isatty(STDERR_FILENO) != 0

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: M365Collector.Progress) {
        guard enabled else { return }
        switch progress {
        case .page(let resource, let index, let total, let items, let pages):
            guard terminal else { return }
            write("\r\(Self.bar(index - 1, total)) \(resource.rawValue): \(items) items, \(pages) pages\u{1B}[K")
        case .collected(let resource, let index, let total, let items):
            write("\(terminal ? "\r" : "")\(Self.bar(index, total)) \(resource.rawValue): \(items) items\u{1B}[K\n")
        case .failed(let resource, let index, let total, let reason):
            write("\(terminal ? "\r" : "")\(Self.bar(index, total)) \(resource.rawValue): FAILED, \(reason)\u{1B}[K\n")
        }
    }

    private func write(_ text: String) {
        let output = terminal ? text : text.replacingOccurrences(of: "\u{1B}[K", with: "")
        FileHandle.standardError.write(Data(output.utf8))
    }

    /// `[########------------] 8/18`
    static func bar(_ done: Int, _ total: Int) -> String {
        let width = 20
        let filled = total == 0 ? 0 : done * width / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "] \(done)/\(total)"
    }
}
