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
        subcommands: [
            Add.self, List.self, Test.self, Set.self, Rotate.self, Refresh.self, Collect.self, Consent.self,
            Remove.self,
            App.self,
        ]
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

        /// Exactly one of a secret and a certificate; checked by the commands that need one
        /// (`add --instance-app` needs neither).
        func check() throws {
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
            String?
        @OptionGroup var credential: CredentialOptions
        @Flag(
            help:
                "Sign in with the instance-wide app (posture connection app set): no client id or credential; the tenant's administrator grants consent at the address printed."
        )
        var instanceApp = false
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
        @Option(help: ArgumentHelp("Exchange Online admin endpoint instead of the cloud's.", valueName: "url"))
        var exchangeURL: String?
        @Option(help: ArgumentHelp("Defender for Endpoint API endpoint instead of the cloud's.", valueName: "url"))
        var defenderURL: String?
        @Option(
            help: ArgumentHelp(
                "Minutes between the server's collections, 15 to 10080 (default: 360, or the replaced connection's).",
                valueName: "minutes"
            )
        )
        var every: Int?
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
                clientID: clientID ?? "",
                credentialKind: instanceApp ? .instanceApp : certificateGiven ? .certificate : .secret,
                cloud: chosenCloud,
                sources: chosen,
                loginURL: loginURL,
                graphURL: graphURL,
                exchangeURL: exchangeURL,
                defenderURL: defenderURL,
                schedule: CollectionSchedule(intervalMinutes: every ?? CollectionSchedule.defaultIntervalMinutes)
            )
        }

        var certificateGiven: Bool { credential.certificate != nil }

        func validate() throws {
            if instanceApp {
                if clientID != nil || credential.clientSecret != nil || credential.certificate != nil {
                    throw ValidationError(
                        "--instance-app signs in with the instance-wide app: leave out --client-id, --client-secret and --certificate"
                    )
                }
                if test { throw ValidationError("--test needs consent first; run posture connection test after it") }
            } else {
                if clientID == nil { throw ValidationError("give --client-id, or --instance-app") }
                try credential.check()
            }
            // The app's client id is filled in when the connection is made.
            if let problem = try settings().problems.first(where: { !instanceApp || $0.field != "clientId" }) {
                throw ValidationError(Self.option(problem))
            }
        }

        /// A problem named by the option a person typed.
        static func option(_ problem: ConnectionProblem) -> String {
            let options = [
                "tenantId": "--tenant-id", "clientId": "--client-id", "cloud": "--cloud", "sources": "--sources",
                "loginUrl": "--login-url",
                "graphUrl": "--graph-url", "exchangeUrl": "--exchange-url", "defenderUrl": "--defender-url",
                "clientSecret": "--client-secret", "certificate": "--certificate",
                "collectEveryMinutes": "--every",
            ]
            return "\(options[problem.field] ?? problem.field) \(problem.message)"
        }

        func run() async throws {
            var settings = try settings()
            if instanceApp {
                let (stored, replaced, url) = try await ConnectionCommand.run(server) { runtime in
                    let id = OrganizationID(org)
                    if every == nil, let existing = try? await runtime.service.connection(id) {
                        settings.schedule = existing.settings.schedule
                    }
                    // The command line runs on the server's host with its data: an instance administrator.
                    let (stored, replaced) = try await runtime.service.connectThroughApp(
                        id,
                        settings,
                        instanceAdministrator: true,
                        actor: "cli"
                    )
                    let url = try await runtime.service.consentURL(
                        id,
                        redirectURI: ConnectionCommand.redirectURI(runtime)
                    )
                    return (stored, replaced, url)
                }
                Console.write(
                    "\(replaced ? "replaced" : "added") the connection of \(org) through the instance-wide app "
                        + "(\(stored.settings.clientID)), tenant \(stored.settings.tenantID)\n"
                        + "Send this address to a Global administrator of the tenant, to grant the app its permissions:\n"
                        + (url ?? "")
                )
                return
            }
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
                let id = OrganizationID(org)
                if every == nil, let existing = try? await runtime.service.connection(id) {
                    settings.schedule = existing.settings.schedule
                }
                return try await runtime.service.setConnection(id, settings, credential: secret, actor: "cli")
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
            let (connections, now) = try await ConnectionCommand.run(server) { runtime in
                (try await runtime.service.connections(), runtime.service.clock.now())
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
                                ("exchangeUrl", .string(settings.effectiveExchangeURL)),
                                ("defenderUrl", settings.effectiveDefenderURL.map(JSONValue.string) ?? .null),
                                ("credentialRotatedAt", .string(stored.credentialRotatedAt.iso8601)),
                                ("collectEveryMinutes", .int(settings.schedule.intervalMinutes)),
                                ("collection", ConnectionCommand.collectionJSON(stored, at: now)),
                            ])
                        )
                    }
                )
                Console.write(array.jsonText)
                return
            }
            var table = TextTable([
                ("ORGANIZATION", .left), ("TENANT", .left), ("CLIENT", .left), ("CREDENTIAL", .left), ("CLOUD", .left),
                ("SOURCES", .left), ("EVERY", .right), ("HEALTH", .left), ("LAST SUCCESS", .left), ("NEXT RUN", .left),
            ])
            for stored in connections {
                let settings = stored.settings
                let state = stored.collection
                table.add([
                    stored.organizationID.rawValue, settings.tenantID, settings.clientID,
                    settings.credentialKind.rawValue,
                    settings.cloud.rawValue, settings.sources.map(\.rawValue).joined(separator: ","),
                    "\(settings.schedule.intervalMinutes)m", stored.health(at: now).rawValue,
                    state.lastSuccessAt?.iso8601 ?? "never", state.nextRunAt <= now ? "due" : state.nextRunAt.iso8601,
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

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a connection's settings without re-entering its credential.",
            discussion: "Give only what changes; the connection is collected again at the next pass."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @Option(help: ArgumentHelp("Minutes between the server's collections, 15 to 10080.", valueName: "minutes"))
        var every: Int?
        @Option(help: ArgumentHelp("Directory (tenant) id, a GUID, or its domain.", valueName: "id")) var tenantID:
            String?
        @Option(help: ArgumentHelp("Application (client) id of the app registration.", valueName: "id")) var clientID:
            String?
        @Option(
            help: ArgumentHelp(
                "Cloud: \(MicrosoftCloud.allCases.map(\.rawValue).joined(separator: ", ")).",
                valueName: "cloud"
            )
        )
        var cloud: String?
        @Option(
            help: ArgumentHelp(
                "What to collect, comma-separated: \(ConnectionSettings.sourceNames).",
                valueName: "list"
            )
        )
        var sources: String?
        @OptionGroup var server: ServerOptions

        func validate() throws {
            if every == nil, tenantID == nil, clientID == nil, cloud == nil, sources == nil {
                throw ValidationError("give at least one of --every, --tenant-id, --client-id, --cloud and --sources")
            }
        }

        func run() async throws {
            let chosenCloud: MicrosoftCloud?
            let chosenSources: [ConnectionSource]?
            do {
                chosenCloud = try cloud.map(MicrosoftCloud.named)
                chosenSources = try sources.map {
                    try ConnectionSource.named($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                }
            } catch let problem as ConnectionProblem {
                throw ValidationError(Add.option(problem))
            }
            let stored = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.updateConnectionSettings(
                    OrganizationID(org),
                    instanceAdministrator: true,
                    actor: "cli"
                ) { settings in
                    if let every { settings.schedule.intervalMinutes = every }
                    if let tenantID { settings.tenantID = tenantID }
                    if let clientID { settings.clientID = clientID }
                    if let chosenCloud { settings.cloud = chosenCloud }
                    if let chosenSources { settings.sources = chosenSources }
                }
            }
            let settings = stored.settings
            Console.write(
                "updated the connection of \(org): tenant \(settings.tenantID), \(settings.cloud.displayName) cloud, "
                    + "\(settings.sources.map(\.rawValue).joined(separator: ",")), collected every "
                    + "\(settings.schedule.intervalMinutes) minutes"
            )
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a connection due now: the running server collects it within seconds."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            _ = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.requestCollection(OrganizationID(org), actor: "cli")
            }
            Console.write(
                "\(org) is due now: a running server collects it within seconds (posture connection list shows when)"
            )
        }
    }

    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Collect a connection now, in this process, and store what it reads.",
            discussion: """
                The same collection the server runs on schedule: it takes the connection's lease first, \
                so it never overlaps a server collecting the same organization, and records the attempt \
                in the connection's record. Exits 1 when the collection fails.
                """
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let outcome = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.collectNow(
                    OrganizationID(org),
                    holder: "cli/\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)",
                    leaseSeconds: Double(runtime.configuration.collectionLeaseSeconds),
                    using: GraphConnectionCollector(
                        catalog: runtime.service.catalog,
                        resolver: runtime.configuration.dnsResolver
                    )
                )
            }
            for (resource, reason) in outcome.resourcesFailed.sorted(by: { $0.key < $1.key }) {
                Console.error("\(resource): \(reason)")
            }
            if let problem = outcome.problem {
                Console.error("the collection of \(org) failed: \(problem)")
                throw ExitCode(1)
            }
            Console.write(
                "collected \(org) in \(String(format: "%.1f", outcome.duration)) s: "
                    + "\(counted(outcome.resourcesCollected, "resource")) read, "
                    + "\(counted(outcome.resourcesFailed.count, "resource")) not, "
                    + "\(counted(outcome.measured, "measurement")) newer than stored"
            )
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a connection's credential (a new client secret or certificate)."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var credential: CredentialOptions
        @OptionGroup var server: ServerOptions

        func validate() throws { try credential.check() }

        func run() async throws {
            let secret = try credential.credential()
            let stored = try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.rotateConnectionCredential(OrganizationID(org), secret, actor: "cli")
            }
            Console.write("rotated the \(stored.settings.credentialKind.rawValue) credential of \(org)")
        }
    }

    struct Consent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the admin-consent address of a connection through the instance-wide app, and its state."
        )

        @Option(help: ArgumentHelp("Organization.", valueName: "org")) var org: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let (stored, url) = try await ConnectionCommand.run(server) { runtime in
                let id = OrganizationID(org)
                return (
                    try await runtime.service.connection(id),
                    try await runtime.service.consentURL(id, redirectURI: ConnectionCommand.redirectURI(runtime))
                )
            }
            guard let url else {
                Console.error("\(org) signs in with its own app registration: it needs no consent address")
                throw ExitCode(1)
            }
            Console.write(
                (stored.consentedAt.map { "consent granted, seen \($0.iso8601)" } ?? "consent not granted yet")
                    + "\n\(url)"
            )
        }
    }

    struct App: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The instance-wide multi-tenant app that tenants grant admin consent to.",
            discussion: """
                Register one multi-tenant app in your own tenant, give it the application permissions \
                of docs/connections.md and the redirect URI `app show` prints, and set it here. Each \
                organization is then connected with `connection add --instance-app`, and its tenant's \
                administrator grants consent. `app set` again rotates the credential for every tenant.
                """,
            subcommands: [AppSet.self, AppShow.self, AppRemove.self]
        )
    }

    struct AppSet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set up the instance-wide app, or replace it (a new credential for every tenant)."
        )

        @Option(help: ArgumentHelp("Application (client) id of the multi-tenant app.", valueName: "id")) var clientID:
            String
        @OptionGroup var credential: CredentialOptions
        @OptionGroup var server: ServerOptions

        func validate() throws {
            try credential.check()
            if !ConnectionSettings.isApplicationID(clientID) {
                throw ValidationError("--client-id must be the app registration's application (client) id, a GUID")
            }
        }

        func run() async throws {
            let secret = try credential.credential()
            let (app, replaced, using, redirect) = try await ConnectionCommand.run(server) { runtime in
                let (app, replaced) = try await runtime.service.setConnectionApp(
                    clientID: clientID,
                    credential: secret,
                    actor: "cli"
                )
                return (
                    app, replaced, try await runtime.service.connectionsUsingApp(),
                    ConnectionCommand.redirectURI(runtime)
                )
            }
            Console.write(
                "\(replaced ? "replaced" : "set up") the instance-wide app \(app.clientID) (\(app.credentialKind.rawValue)); "
                    + "\(counted(using, "connection")) \(using == 1 ? "signs" : "sign") in with it\nRegister this redirect URI on the app: \(redirect)"
            )
        }
    }

    struct AppShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show the instance-wide app (never its credential) and the redirect URI to register."
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let (app, using, redirect) = try await ConnectionCommand.run(server) { runtime in
                (
                    try await runtime.service.connectionApp(), try await runtime.service.connectionsUsingApp(),
                    ConnectionCommand.redirectURI(runtime)
                )
            }
            Console.write(
                """
                client id     \(app.clientID)
                credential    \(app.credentialKind.rawValue), set \(app.credentialRotatedAt.iso8601)
                connections   \(using)
                redirect URI  \(redirect)
                """
            )
        }
    }

    struct AppRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove the instance-wide app; refused while connections sign in with it."
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await ConnectionCommand.run(server) { runtime in
                try await runtime.service.removeConnectionApp(actor: "cli")
            }
            Console.write("removed the instance-wide app")
        }
    }

    /// Where a tenant's administrator returns after consent: the public URL, else the address
    /// the server listens on (with a warning: the dashboard and the API build it from the address
    /// people use, and the app registration must list that one).
    static func redirectURI(_ runtime: PostureRuntime) -> String {
        let configuration = runtime.configuration
        if configuration.publicBaseURL == nil {
            Console.error(
                "POSTURE_PUBLIC_URL is not set: the redirect URI below is the listening address; set it to the "
                    + "address people open, so the command line, the dashboard and the API agree"
            )
        }
        let base = configuration.publicBaseURL ?? "http://\(configuration.host):\(configuration.port)"
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + AdminConsent.callbackPath
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

    /// The collection record as `connection list --format json` prints it, the API's shape.
    static func collectionJSON(_ stored: StoredConnection, at now: Date) -> JSONValue {
        let state = stored.collection
        var members: [(String, JSONValue)] = [
            ("health", .string(stored.health(at: now).rawValue)), ("running", .bool(state.isRunning(at: now))),
            ("nextRunAt", .string(state.nextRunAt.iso8601)),
        ]
        for (name, date) in [
            ("lastAttemptAt", state.lastAttemptAt), ("lastSuccessAt", state.lastSuccessAt),
            ("lastFinishedAt", state.lastFinishedAt),
        ] {
            if let date { members.append((name, .string(date.iso8601))) }
        }
        if let duration = state.lastDuration {
            members.append(("lastDurationSeconds", .double((duration * 1000).rounded() / 1000)))
        }
        members.append(("consecutiveFailures", .int(state.consecutiveFailures)))
        if let problem = state.lastProblem { members.append(("lastProblem", .string(problem))) }
        if let collected = state.resourcesCollected { members.append(("resourcesCollected", .int(collected))) }
        members.append(
            (
                "resourcesFailed",
                .object(
                    JSONObject(state.resourcesFailed.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                )
            )
        )
        if let measured = state.measured { members.append(("measured", .int(measured))) }
        return .object(JSONObject(members))
    }

    static func render(_ report: ConnectionCheckReport) -> String {
        guard report.signInProblem == nil else { return report.summary }
        var table = TextTable([("SOURCE", .left), ("RESOURCE", .left), ("PERMISSION", .left), ("RESULT", .left)])
        for probe in report.probes {
            table.add([probe.sourceCode, probe.resource, probe.permission, probe.outcome.label])
        }
        return "\(table.render())\n\(report.summary)"
    }

    /// Runs `body` on the server's data; a refusal is printed, its problems named by the options
    /// a person typed (`naming`), and the command exits 1.
    static func run<T>(
        _ server: ServerOptions,
        naming option: (ConnectionProblem) -> String = Add.option,
        _ body: (PostureRuntime) async throws -> T
    ) async throws -> T {
        try await withRuntime(try server.configuration()) { runtime in
            do {
                return try await body(runtime)
            } catch let error as ServiceError {
                if case .invalidConnection(let problems) = error {
                    Console.error(problems.map(option).joined(separator: "; "))
                } else {
                    Console.error(error.description)
                }
                throw ExitCode(1)
            }
        }
    }
}
