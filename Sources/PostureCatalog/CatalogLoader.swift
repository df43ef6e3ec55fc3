import Foundation
import PostureCore

/// Loads a catalog from YAML text: the built-in one compiled into the binary, or a directory.
public enum CatalogLoader {
    public static let manifestName = "catalog.yaml"

    /// The built-in catalog. It is validated by the test suite, so failing here means the binary
    /// itself is broken; the error still lists every problem.
    public static func builtIn() throws(DiagnosticList) -> Catalog {
        try load(files: BuiltInCatalog.files.map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) })
    }

    /// Loads `catalog.yaml` and every other `*.yaml`/`*.yml` file of `directory`.
    public static func load(directory: URL) throws(DiagnosticList) -> Catalog {
        let path = directory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DiagnosticList([Diagnostic(file: path, line: nil, message: "no such catalog directory")])
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw DiagnosticList([
                Diagnostic(file: path, line: nil, message: "cannot list the directory: \(error.localizedDescription)")
            ])
        }
        var files: [(String, String)] = []
        var diagnostics: [Diagnostic] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                diagnostics.append(Diagnostic(file: name, line: nil, message: "cannot read the file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(file: name, line: nil, message: "the file is not valid UTF-8"))
                continue
            }
            files.append((name, text))
        }
        do {
            let catalog = try load(files: files)
            if diagnostics.isEmpty { return catalog }
        } catch {
            diagnostics += error.diagnostics
        }
        throw DiagnosticList(diagnostics)
    }

    /// Loads a catalog from (file name, YAML text) pairs; one of them must be `catalog.yaml`.
    public static func load(files: [(name: String, text: String)]) throws(DiagnosticList) -> Catalog {
        var diagnostics: [Diagnostic] = []
        var manifest: CatalogDecoder.Document?
        var actionFiles: [CatalogDecoder.Document] = []
        for file in files.sorted(by: { $0.name < $1.name }) {
            do {
                let root = try YAMLSource.parse(file.text, file: file.name)
                let document = CatalogDecoder.Document(file: file.name, root: root)
                if file.name == manifestName { manifest = document } else { actionFiles.append(document) }
            } catch {
                diagnostics.append(error)
            }
        }
        guard let manifest else {
            if !files.contains(where: { $0.name == manifestName }) {
                diagnostics.insert(
                    Diagnostic(
                        file: manifestName,
                        line: nil,
                        message: "missing: the catalog manifest holds the catalog version"
                    ),
                    at: 0
                )
            }
            throw DiagnosticList(diagnostics)
        }
        do {
            let catalog = try CatalogDecoder.decode(manifest: manifest, actionFiles: actionFiles)
            if diagnostics.isEmpty { return catalog }
        } catch {
            diagnostics += error.diagnostics
        }
        throw DiagnosticList(diagnostics)
    }
}
