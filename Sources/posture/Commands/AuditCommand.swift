import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and export the hash-chained audit log.",
        subcommands: [Verify.self, Export.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no audit entry was edited, deleted, inserted or reordered.",
            discussion: """
                Exits 1 and names the first broken entry when the chain is broken. On success it prints \
                the head hash: keep it somewhere else, and a later run that reports a different head \
                for the same count shows the tail was cut.
                """
        )

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let verdict = try await withRuntime(try server.configuration()) { runtime in
                try await runtime.service.store.verifyAudit()
            }
            switch verdict {
            case .intact(let count, let head):
                Console.write("audit log intact: \(count) entr\(count == 1 ? "y" : "ies"), head \(head)")
            case .broken(let sequence, let reason):
                Console.error("audit log broken at entry \(sequence): \(reason)")
                throw ExitCode(1)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the audit entries of one organization, or all of them (people, clients, every organization)."
        )

        @Option(help: ArgumentHelp("Only this organization's entries (default: every entry).", valueName: "org"))
        var org: String?
        @Option(help: "Output format (json or csv).") var format: OutputFormat = .json
        @OptionGroup var server: ServerOptions

        func validate() throws {
            if format == .table { throw ValidationError("audit export prints json or csv") }
        }

        func run() async throws {
            let entries = try await withRuntime(try server.configuration()) { runtime in
                try await runtime.service.store.auditEntries(organizationID: org)
            }
            if format == .csv {
                Console.write(
                    CSVWriter.render(
                        header: [
                            "sequence", "occurredAt", "actor", "organizationId", "action", "target", "before", "after",
                            "requestId", "previousHash", "hash",
                        ],
                        rows: entries.map { entry in
                            [
                                String(entry.sequence), entry.occurredAt.iso8601, entry.actor,
                                entry.organizationID ?? "",
                                entry.action, entry.target ?? "", entry.before ?? "", entry.after ?? "",
                                entry.requestID ?? "", entry.previousHash, entry.hash,
                            ]
                        }
                    )
                )
            } else {
                Console.write(try JSONOutput.encode(entries))
            }
        }
    }
}
