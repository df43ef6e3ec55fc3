import ArgumentParser
import Foundation
import PostureAPI
import PostureApp

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the token signing keys.",
        subcommands: [Rotate.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new signing key current; older keys keep verifying their tokens.",
            discussion: "Restart the server (every node) to sign with the new key."
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let configuration = try server.configuration()
            let directory = configuration.resolvedKeysDirectory
            do {
                let previous = try SigningKeyStore.load(from: directory)
                let key = try SigningKeyStore.create(in: directory, now: Date())
                Console.write(
                    "new signing key \(key.kid) in \(directory); \(previous.all.count) older key(s) still verify"
                )
            } catch let error as StartupError {
                Console.error(error.description)
                throw ExitCode(1)
            }
        }
    }
}
