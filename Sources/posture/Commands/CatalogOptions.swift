import ArgumentParser
import Foundation
import PostureCatalog
import PostureCore

/// Where commands take their catalog from: `--catalog DIR`, then `POSTURE_CATALOG_DIR`, then the
/// catalog built into the binary.
struct CatalogOptions: ParsableArguments {
    @Option(
        name: .customLong("catalog"),
        help: ArgumentHelp(
            "Catalog directory to use instead of the built-in catalog (also POSTURE_CATALOG_DIR).",
            valueName: "dir"
        )
    )
    var directory: String?

    func load() throws -> Catalog {
        let chosen =
            directory ?? ProcessInfo.processInfo.environment["POSTURE_CATALOG_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            if let chosen { return try CatalogLoader.load(directory: URL(fileURLWithPath: chosen)) }
            return try CatalogLoader.builtIn()
        } catch {
            Console.error("the catalog is invalid:\n" + error.description)
            throw ExitCode(1)
        }
    }
}

/// Output formats shared by every command that prints data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// For reports that have no tabular form beyond the table: `--help` offers only what works.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("posture: " + message + "\n").utf8))
    }

    /// A line of information for the person at the terminal.
    static func note(_ message: String) {
        FileHandle.standardOutput.write(Data((message + "\n").utf8))
    }

    /// Progress of long work, on standard error so piped output stays clean.
    static func progress(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Writes the whole output at once, so a failure never leaves half a report behind.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes a piece of longer output as it is.
    static func write(_ text: String, terminator: String) {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }
}
