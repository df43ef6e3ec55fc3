import ArgumentParser
import Foundation
import PostureApp
import PostureCore
import PostureServices
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
            let configuration = try server.configuration()
            let (verdict, keyedFrom) = try await withRuntime(configuration) { runtime in
                try await runtime.service.verifyAudit()
            }
            switch verdict {
            case .intact(let count, let head):
                let keyed = keyedFrom.map { from in
                    from <= 1
                        ? "; every entry is sealed with the audit key"
                        : "; entries from \(from) on are sealed with the audit key, earlier ones with SHA-256 only"
                }
                Console.write("audit log intact: \(count) entr\(count == 1 ? "y" : "ies"), head \(head)\(keyed ?? "")")
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

        /// Entries are read and written a page at a time, so a log of millions of entries does not
        /// have to fit in memory.
        static let pageSize = 1_000

        func run() async throws {
            let header = [
                "sequence", "occurredAt", "actor", "organizationId", "action", "target", "before", "after",
                "requestId", "previousHash", "hash",
            ]
            let format = format
            let org = org
            try await withRuntime(try server.configuration()) { runtime in
                var after = 0
                var first = true
                if format == .csv { Console.write(CSVWriter.render(header: header, rows: []), terminator: "") }
                while true {
                    let page = try await runtime.service.auditEntries(
                        organizationID: org.map(OrganizationID.init(rawValue:)),
                        after: after,
                        limit: Self.pageSize
                    )
                    if format == .csv {
                        let rows = page.map { entry in
                            [
                                String(entry.sequence), entry.occurredAt.iso8601, entry.actor,
                                entry.organizationID ?? "",
                                entry.action, entry.target ?? "", entry.before ?? "", entry.after ?? "",
                                entry.requestID ?? "", entry.previousHash, entry.hash,
                            ]
                        }
                        if !rows.isEmpty { Console.write(CSVWriter.rows(rows), terminator: "") }
                    } else {
                        for entry in page {
                            let text = try JSONOutput.encode(entry).split(separator: "\n").map { "  " + $0 }
                                .joined(separator: "\n")
                            Console.write((first ? "[\n" : ",\n") + text, terminator: "")
                            first = false
                        }
                    }
                    guard page.count == Self.pageSize, let last = page.last else { break }
                    after = last.sequence
                }
                if format != .csv { Console.write(first ? "[]" : "\n]") }
            }
        }
    }
}
