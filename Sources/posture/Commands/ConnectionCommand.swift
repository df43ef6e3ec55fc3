import ArgumentParser
import Foundation
import PostureApp
import PostureCollector
import PostureCore
import PostureServices
import PostureStore

struct ConnectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection",
        abstract: "Connect an organization to its Microsoft 365 tenant.",
        discussion: """
            A connection names the tenant, the app registration that signs in to it and the \
            credential (a certificate, preferred, or a client secret). The credential is sealed \
            with the key in the keys directory (connections.key) before it is stored, and is never \
            shown again: rotate it to change it.
            """,
        subcommands: [Add.self, List.self, Test.self, Rotate.self, Remove.self]
    )

    /// The credential options shared by `add` and `rotate`.
    struct CredentialOptions: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "Client secret (better: POSTURE_GRAPH_CLIENT_SECRET, or - to read it from standard input).",
                valueName: "secret"
            )
        )
        var clientSecret: String?
        @Option(help: ArgumentHelp("PEM file with the certificate and its private key.", valueName: "file"))
        var certificate: String?

        func validate() throws {
            let secret = clientSecret ?? ProcessInfo.processInfo.environment["POSTURE_GRAPH_CLIENT_SECRET"]
            if (secret == nil) == (certificate == nil) {
                throw ValidationError(
                    "give either --client-secret (or POSTURE_GRAPH_CLIENT_SECRET) or --certificate, not both or neither"
                )
            }
        }

        func credential() throws -> ConnectionCredential {
            if let certificate {
                guard let pem = try? String(contentsOfFile: certificate, encoding: .utf8) else {
                    throw ValidationError("\(certificate): cannot read the certificate file")
                }
                return .certificate(pem: pem)
            }
            var secret = clientSecret ?? ProcessInfo.processInfo.environment["POSTURE_GRAPH_CLIENT_SECRET"] ?? ""
            if secret == "-" {
                secret = (readLine(strippingNewline: true) ?? "")
            }
            return .secret(secret)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect an organization (or replace its connection)."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("Directory (tenant) id, a GUID, or its domain.", valueName: "id")) var tenantID:
            String
        @Option(help: ArgumentHelp("Application (client) id of the app registration.", valueName: "id")) var clientID:
            String
        @OptionGroup var credential: CredentialOptions
        @Option(
            help: ArgumentHelp(
                "Cloud: \(MicrosoftCloud.allCases.map(\.rawValue).joined(separator: ", ")).",
                valueName: "cloud"
            )
        )
        var cloud = MicrosoftCloud.commercial.rawValue
        @Option(
            help: ArgumentHelp(
                "What to collect, comma-separated: \(ConnectionSettings.sourceNames) (default: all).",
                valueName: "list"
            )
        )
        var sources: String?
        @Option(help: ArgumentHelp("Sign-in endpoint instead of the cloud's.", valueName: "url")) var loginURL: String?
        @Option(help: ArgumentHelp("Microsoft Graph endpoint instead of the cloud's.", valueName: "url")) var graphURL:
            String?
        @Flag(help: "Sign in and check every permission first; store nothing unless all is well.") var test = false
        @OptionGroup var server: ServerOptions

        func settings() throws -> ConnectionSettings {
            let chosenCloud: MicrosoftCloud
            var chosen = ConnectionSource.allCases
            do {
                chosenCloud = try MicrosoftCloud.named(cloud)
                if let sources {
                    chosen = try ConnectionSource.named(
                        sources.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    )
                }
            } catch {
                throw ValidationError(Self.option(error))
            }
            return ConnectionSettings(
                tenantID: tenantID,
                clientID: clientID,
                credentialKind: certificateGiven ? .certificate : .secret,
                cloud: chosenCloud,
                sources: chosen,
                loginURL: loginURL,
                graphURL: graphURL
            )
        }

        var certificateGiven: Bool { credential.certificate != nil }

        func validate() throws {
            if let problem = try settings().problems.first { throw ValidationError(Self.option(problem)) }
        }

        /// A problem named by the option a person typed.
        static func option(_ problem: ConnectionProblem) -> String {
            let options = [
                "tenantId": "--tenant-id", "clientId": "--client-id", "cloud": "--cloud", "sources": "--sources",
                "loginUrl": "--login-url",
                "graphUrl": "--graph-url", "clientSecret": "--client-secret", "certificate": "--certificate",
            ]
            return "\(options[problem.field] ?? problem.field) \(problem.message)"
        }

        func run() async throws {
            let settings = try settings()
            let secret = try credential.credential()
            if test {
                let report = await ConnectionCommand.check(settings, secret)
                Console.write(ConnectionCommand.render(report))
                guard report.isReady else {
                    Console.error(
                        "nothing was stored: fix the sign-in or grant the missing permissions, then try again"
                    )
                    throw ExitCode(1)
                }
            }
            let (stored, replaced) = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.setConnection(OrganizationID(org), settings, credential: secret, actor: "cli")
            }
            Console.write(
                "\(replaced ? "replaced" : "added") the connection of \(org): tenant \(stored.settings.tenantID), "
                    + "\(stored.settings.cloud.displayName) cloud, \(stored.settings.credentialKind.rawValue) credential"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the connections (never their credentials).")

        @Option(help: ArgumentHelp("Output: table or json.", valueName: "format")) var format = "table"
        @OptionGroup var server: ServerOptions

        func validate() throws {
            guard ["table", "json"].contains(format) else {
                throw ValidationError("--format must be table or json, got \"\(format)\"")
            }
        }

        func run() async throws {
            let connections = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.connections()
            }
            if format == "json" {
                let array = JSONValue.array(
                    connections.map { stored in
                        let settings = stored.settings
                        return .object(
                            JSONObject([
                                ("organizationId", .string(stored.organizationID.rawValue)),
                                ("tenantId", .string(settings.tenantID)), ("clientId", .string(settings.clientID)),
                                ("credential", .string(settings.credentialKind.rawValue)),
                                ("cloud", .string(settings.cloud.rawValue)),
                                ("sources", .array(settings.sources.map { .string($0.rawValue) })),
                                ("loginUrl", .string(settings.effectiveLoginURL)),
                                ("graphUrl", .string(settings.effectiveGraphURL)),
                                ("credentialRotatedAt", .string(stored.credentialRotatedAt.iso8601)),
                            ])
                        )
                    }
                )
                Console.write(array.jsonText)
                return
            }
            var table = TextTable([
                ("ORGANIZATION", .left), ("TENANT", .left), ("CLIENT", .left), ("CREDENTIAL", .left), ("CLOUD", .left),
                ("SOURCES", .left), ("ROTATED", .left),
            ])
            for stored in connections {
                let settings = stored.settings
                table.add([
                    stored.organizationID.rawValue, settings.tenantID, settings.clientID,
                    settings.credentialKind.rawValue,
                    settings.cloud.rawValue, settings.sources.map(\.rawValue).joined(separator: ","),
                    stored.credentialRotatedAt.iso8601,
                ])
            }
            Console.write(connections.isEmpty ? "no connections" : table.render())
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign in with a stored connection and check every permission its sources need.",
            discussion: "Reads one item of each Graph resource; stores nothing. Exits 1 unless all is well."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let report = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.testConnection(OrganizationID(org))
            }
            Console.write(ConnectionCommand.render(report))
            if !report.isReady { throw ExitCode(1) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a connection's credential (a new client secret or certificate)."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var credential: CredentialOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let secret = try credential.credential()
            let stored = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.rotateConnectionCredential(OrganizationID(org), secret, actor: "cli")
            }
            Console.write("rotated the \(stored.settings.credentialKind.rawValue) credential of \(org)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disconnect an organization: its connection and sealed credential are deleted."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.removeConnection(OrganizationID(org), actor: "cli")
            }
            Console.write("removed the connection of \(org)")
        }
    }

    /// Signs in with `settings` and `credential` and reads one item of each resource.
    static func check(
        _ settings: ConnectionSettings,
        _ credential: ConnectionCredential
    ) async
        -> ConnectionCheckReport
    {
        await GraphConnectionTester().check(settings, credential)
    }

    static func render(_ report: ConnectionCheckReport) -> String {
        guard report.signInProblem == nil else { return report.summary }
        var table = TextTable([("SOURCE", .left), ("RESOURCE", .left), ("PERMISSION", .left), ("RESULT", .left)])
        for probe in report.probes {
            table.add([probe.source.rawValue, probe.resource, probe.permission, probe.outcome.label])
        }
        return "\(table.render())\n\(report.summary)"
    }

    static func run<T>(_ server: ServerOptions, _ body: (PostureRuntime) async throws -> T) async throws -> T {
        try await withRuntime(try server.configuration()) { runtime in
            do {
                return try await body(runtime)
            } catch let error as ServiceError {
                if case .invalidConnection(let problems) = error {
                    Console.error(problems.map(Add.option).joined(separator: "; "))
                } else {
                    Console.error(error.description)
                }
                throw ExitCode(1)
            }
        }
    }
}
