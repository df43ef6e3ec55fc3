import ArgumentParser
import Foundation
import PostureAPI
import PostureApp

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the token signing keys.",
        subcommands: [Rotate.self, List.self, Retire.self]
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

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the signing keys; the current one signs.")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let directory = try server.configuration().resolvedKeysDirectory
            do {
                let keys = try SigningKeyStore.load(from: directory, createIfEmpty: false)
                for key in keys.all {
                    Console.write(key.kid == keys.current.kid ? "\(key.kid)  current (signs new tokens)" : key.kid)
                }
            } catch let error as StartupError {
                Console.error(error.description)
                throw ExitCode(1)
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an old signing key: every token it signed stops verifying.",
            discussion: "The current key cannot be retired; rotate first. Restart the server (every node) afterwards."
        )

        @Argument(help: "The key id (see `posture keys list`).") var kid: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let directory = try server.configuration().resolvedKeysDirectory
            do {
                try SigningKeyStore.retire(kid, in: directory)
                Console.write("retired signing key \(kid); restart the server for its tokens to be refused")
            } catch let error as StartupError {
                Console.error(error.description)
                throw ExitCode(1)
            }
        }
    }
}
