import ArgumentParser
import Foundation
import Logging
import PostureApp
import PostureCore

/// Database and data-directory flags shared by every command that touches stored data.
struct ServerOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "postgres://user:password@host:port/db for PostgreSQL (also DATABASE_URL); default: embedded SQLite in the data directory.",
            valueName: "url"
        )
    )
    var databaseURL: String?

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Data directory for the SQLite file and the token secret (also POSTURE_DATA_DIR; default ./.posture).",
            valueName: "dir"
        )
    )
    var dataDirectory: String?

    func configuration(
        host: String? = nil,
        port: Int? = nil,
        noDemo: Bool = false
    ) throws -> PostureConfiguration {
        do {
            return try PostureConfiguration.load(
                flags: .init(
                    host: host,
                    port: port,
                    databaseURL: databaseURL,
                    dataDirectory: dataDirectory,
                    noDemo: noDemo
                ),
                environment: ProcessInfo.processInfo.environment
            )
        } catch {
            Console.error(error.description)
            throw ExitCode(1)
        }
    }
}

/// Builds the runtime, runs `body`, and always shuts the application down.
func withRuntime<T>(
    _ configuration: PostureConfiguration,
    _ body: (PostureRuntime) async throws -> T
) async throws -> T {
    bootstrapLogging(level: configuration.logLevel, quiet: true)
    let runtime: PostureRuntime
    do {
        runtime = try await buildApplication(configuration, clock: PostureClock { Date() })
    } catch let error as StartupError {
        Console.error(error.description)
        throw ExitCode(1)
    } catch {
        Console.error("cannot open the database (\(configuration.database.redacted)): \(error)")
        throw ExitCode(1)
    }
    do {
        let result = try await body(runtime)
        try await runtime.shutdown()
        return result
    } catch {
        try? await runtime.shutdown()
        throw error
    }
}

/// Logs go to standard error; commands other than `serve` only show warnings and worse.
func bootstrapLogging(level: String, quiet: Bool) {
    let chosen = Logger.Level(rawValue: level) ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = quiet ? max(chosen, .warning) : chosen
        return handler
    }
}
