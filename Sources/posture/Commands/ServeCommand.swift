import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Posture server: the Graph-compatible API and the native API.",
        discussion: """
            Uses embedded SQLite in the data directory unless a PostgreSQL URL is given. Migrates the \
            database on start. On first start with an empty database it creates a demo organization \
            with 120 days of history (skip with --no-demo). Environment: \
            \(PostureConfiguration.environmentVariables.joined(separator: ", ")).
            """
    )

    @Option(help: "Address to listen on (also POSTURE_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (also POSTURE_PORT; default 8080).")
    var port: Int?

    @Flag(name: .customLong("no-demo"), help: "Do not create the demo organization on an empty database.")
    var noDemo = false

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let configuration = try server.configuration(host: host, port: port, noDemo: noDemo)
        bootstrapLogging(level: configuration.logLevel, quiet: false)
        let clock = PostureClock { Date() }
        let runtime: PostureRuntime
        do {
            runtime = try await buildApplication(configuration, clock: clock)
        } catch let error as StartupError {
            Console.error(error.description)
            throw ExitCode(1)
        } catch {
            Console.error("cannot open the database (\(configuration.database.redacted)): \(error)")
            throw ExitCode(1)
        }
        do {
            for note in try await runtime.prepareServer(clock: clock) { Console.note(note) }
            Console.note(
                "Posture is listening on http://\(configuration.host):\(configuration.port) (\(configuration.database.redacted))"
            )
            if !configuration.secureCookies {
                Console.note(
                    "warning: plain HTTP on a non-loopback address: sign-in cookies go without the Secure attribute. Serve through HTTPS and set POSTURE_PUBLIC_URL=https://…"
                )
            }
            Console.note("Graph API: http://\(configuration.host):\(configuration.port)/v1.0/security/secureScores")
            let providers = configuration.externalIssuers.compactMap { $0.signIn?.name }
            let how =
                providers.isEmpty
                ? "sign in as an administrator or a user from `posture user add`"
                : "sign in with "
                    + (providers + (configuration.passwordSignIn ? ["a Posture password"] : []))
                    .joined(separator: ", ")
            Console.note("Dashboard: http://\(configuration.host):\(configuration.port)/ (\(how))")
            if !providers.isEmpty {
                Console.note(
                    "Sign-in providers send people back to \(configuration.linkBaseDescription)/signin/callback: register that redirect URI with each"
                )
            }
            Console.note("API clients: posture client add --org ORG --name NAME, then POST /oauth2/v2.0/token")
        } catch {
            try? await runtime.shutdown()
            throw error
        }
        try await runtime.serve()
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations and exit."
    )

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let configuration = try server.configuration()
        try await withRuntime(configuration) { _ in }
        Console.write("database is up to date (\(configuration.database.redacted))")
    }
}

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Snapshot every organization now (idempotent per day).",
        discussion: "Also fills the days missed since each organization's last snapshot, marked as filled."
    )

    @Option(help: ArgumentHelp("The UTC day to snapshot (default: today), e.g. 2026-11-28.", valueName: "date"))
    var date: String?

    @OptionGroup var server: ServerOptions

    func validate() throws {
        if let date, CivilDay(date) == nil {
            throw ValidationError("--date must be a day like 2026-11-28, got \"\(date)\"")
        }
    }

    func run() async throws {
        let configuration = try server.configuration()
        let today = CivilDay(Date())
        let day = date.flatMap { CivilDay($0) } ?? today
        if day > today {
            Console.error("--date \(day) is in the future; the latest day is \(today)")
            throw ExitCode(1)
        }
        let summary = try await withRuntime(configuration) { runtime in try await runtime.service.sync(day: day) }
        guard summary.ran else {
            Console.write("another node is running the sync; nothing was done")
            return
        }
        Console.write(
            "synced \(summary.day): \(summary.organizations) organization(s), \(summary.snapshotsWritten) snapshot(s) written, "
                + "\(summary.alreadyTaken) already taken, \(summary.daysFilled) missed day(s) filled"
        )
    }
}
