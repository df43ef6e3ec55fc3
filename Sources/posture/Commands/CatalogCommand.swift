import ArgumentParser
import Foundation
import PostureCatalog
import PostureCore

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, show and validate improvement actions.",
        subcommands: [List.self, Show.self, Coverage.self, Validate.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the catalog's improvement actions.")

        @OptionGroup var catalogOptions: CatalogOptions

        @Option(
            help: ArgumentHelp("Only this category: \(NodeReader.choices(ActionCategory.self)).", valueName: "category")
        )
        var category: String?

        @Option(help: "Output format.")
        var format: OutputFormat = .table

        func validate() throws {
            if let category, ActionCategory.matching(category) == nil {
                throw ValidationError(
                    "unknown category \"\(category)\"; expected one of \(NodeReader.choices(ActionCategory.self))"
                )
            }
        }

        func run() throws {
            let catalog = try catalogOptions.load()
            let wanted = category.flatMap(ActionCategory.matching)
            let actions = catalog.actions.filter { wanted == nil || $0.category == wanted }
            switch format {
            case .table: Console.write(CatalogOutput.table(actions, version: catalog.version))
            case .json: Console.write(try JSONOutput.encode(actions.map(CatalogEntry.init)))
            case .csv: Console.write(CatalogOutput.csv(actions))
            }
        }
    }

    struct Coverage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the actions each connection source scores from collected configuration.",
            discussion: "`catalog list --format json` names the sources, resources and permissions of each action."
        )

        @OptionGroup var catalogOptions: CatalogOptions

        func run() throws {
            Console.write(CatalogOutput.coverage(try catalogOptions.load().actions))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one improvement action in full.")

        @OptionGroup var catalogOptions: CatalogOptions

        @Argument(help: ArgumentHelp("Action id, e.g. AdminMFAV2.", valueName: "id"))
        var id: String

        @Option(help: "Output format (table or json).")
        var format: OutputFormat = .table

        func validate() throws {
            if format == .csv {
                throw ValidationError("catalog show prints table or json; use `catalog list --format csv` for CSV")
            }
        }

        func run() throws {
            let catalog = try catalogOptions.load()
            guard let action = catalog[id] ?? catalog.actions.first(where: { $0.id.lowercased() == id.lowercased() })
            else {
                let suggestions = catalog.actions.map(\.id).filter { $0.lowercased().contains(id.lowercased()) }.prefix(
                    5
                )
                Console.error(
                    "unknown action id \"\(id)\""
                        + (suggestions.isEmpty
                            ? "; see `posture catalog list`" : "; did you mean \(suggestions.joined(separator: ", "))?")
                )
                throw ExitCode(1)
            }
            switch format {
            case .json: Console.write(try JSONOutput.encode(CatalogEntry(action)))
            default: Console.write(CatalogOutput.detail(action))
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a catalog directory (default: the built-in catalog).",
            discussion: "Lists every error with its file, line, action id and field; exits 1 when there is any."
        )

        @Argument(help: ArgumentHelp("Catalog directory.", valueName: "dir"))
        var directory: String?

        func run() throws {
            do {
                let catalog =
                    if let directory { try CatalogLoader.load(directory: URL(fileURLWithPath: directory)) } else {
                        try CatalogLoader.builtIn()
                    }
                let categories = ActionCategory.allCases.map { category in
                    "\(category.rawValue) \(catalog.actions.filter { $0.category == category }.count)"
                }
                Console.write(
                    "valid: catalog \(catalog.version), \(counted(catalog.actions.count, "action")) (\(categories.joined(separator: ", ")))"
                )
            } catch {
                let count = error.diagnostics.count
                Console.write(error.description)
                Console.error("invalid catalog: \(count) error\(count == 1 ? "" : "s")")
                throw ExitCode(1)
            }
        }
    }
}

extension ActionCategory {
    /// Case-insensitive lookup for command-line arguments.
    static func matching(_ text: String) -> ActionCategory? {
        allCases.first { $0.rawValue.lowercased() == text.lowercased() }
    }
}
