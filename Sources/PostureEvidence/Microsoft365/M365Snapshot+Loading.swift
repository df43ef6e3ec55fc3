import Foundation
import PostureCore

extension M365Snapshot {
    /// The manifest's file name inside a snapshot directory.
    public static let manifestFile = "manifest.json"

    /// Reads a snapshot directory: `manifest.json` plus one file per resource. A missing or broken
    /// manifest stops here (without it nothing can be dated); a missing or broken resource file is
    /// recorded and the rest is still read.
    public static func load(directory: URL) throws(DiagnosticList) -> M365Snapshot {
        let manifestURL = directory.appendingPathComponent(manifestFile)
        let manifestName = displayPath(manifestURL)
        guard let bytes = FileManager.default.contents(atPath: manifestURL.path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
            let message =
                exists && isDirectory.boolValue
                ? "missing: a Microsoft 365 evidence snapshot starts with its manifest (see `posture collect microsoft365`)"
                : "cannot read the snapshot: \(directory.path) is not a directory"
            throw DiagnosticList([Diagnostic(file: manifestName, line: nil, message: message)])
        }
        let manifest: EvidenceManifest
        do {
            manifest = try JSONDecoder().decode(EvidenceManifest.self, from: bytes)
        } catch {
            throw DiagnosticList([EvidenceDecodingError.diagnostic(error, file: manifestName, bytes: Array(bytes))])
        }
        return M365Snapshot(manifest: manifest, source: DirectorySource(directory: directory))
    }

    /// Request bodies up to this size get line numbers in their errors.
    public static let lineNumberLimit = 16 << 20

    /// Decodes an evidence bundle, the request body of `POST …/evidence/microsoft365`:
    /// `{"manifest": {...}, "resources": {"users": <users.json>, ...}}`. Problems name the body
    /// member, e.g. `resources.users: value[3].accountEnabled`.
    public static func decode(bundle bytes: Data) throws(DiagnosticList) -> M365Snapshot {
        do {
            return try JSONDecoder().decode(EvidenceBundle.self, from: bytes).snapshot
        } catch {
            // Line numbers need a parse tree of the whole body: only for bodies small enough that
            // building one costs little, so a large malformed upload cannot make the node allocate
            // a tree of it.
            let small = bytes.count <= Self.lineNumberLimit
            throw DiagnosticList([
                EvidenceDecodingError.diagnostic(error, file: "request body", bytes: small ? Array(bytes) : nil)
            ])
        }
    }

    static func displayPath(_ url: URL) -> String {
        url.path.hasPrefix(FileManager.default.currentDirectoryPath + "/")
            ? String(url.path.dropFirst(FileManager.default.currentDirectoryPath.count + 1)) : url.path
    }
}

/// Resource files in a snapshot directory.
private struct DirectorySource: M365ResourceSource {
    var directory: URL

    func decode<Value: Decodable>(_ type: Value.Type, _ resource: M365Resource) throws(Diagnostic) -> Value? {
        let url = directory.appendingPathComponent(resource.fileName)
        guard let bytes = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: bytes)
        } catch {
            throw EvidenceDecodingError.diagnostic(error, file: M365Snapshot.displayPath(url), bytes: Array(bytes))
        }
    }
}

/// The request body form: the manifest and each resource file's JSON as a member.
private struct EvidenceBundle: Decodable {
    var snapshot: M365Snapshot

    private enum Keys: String, CodingKey { case manifest, resources }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let manifest = try container.decode(EvidenceManifest.self, forKey: .manifest)
        let resources = try container.nestedContainer(keyedBy: ResourceKey.self, forKey: .resources)
        if let unknown = resources.allKeys.first(where: { M365Resource(rawValue: $0.stringValue) == nil }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown,
                in: resources,
                debugDescription: "unknown resource; known resources are "
                    + M365Resource.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        snapshot = M365Snapshot(manifest: manifest, source: BundleSource(container: resources))
    }
}

private struct ResourceKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct BundleSource: M365ResourceSource {
    var container: KeyedDecodingContainer<ResourceKey>

    func decode<Value: Decodable>(_ type: Value.Type, _ resource: M365Resource) throws(Diagnostic) -> Value? {
        let key = ResourceKey(stringValue: resource.rawValue)
        guard container.contains(key) else { return nil }
        do {
            return try container.decode(type, forKey: key)
        } catch {
            throw EvidenceDecodingError.diagnostic(error, file: "request body", bytes: nil, dropping: 2)
        }
    }
}

/// Turns Foundation's decoding errors into diagnostics that name the file, the line (when the
/// bytes are at hand) and the path inside the resource.
enum EvidenceDecodingError {
    static func diagnostic(_ error: any Error, file: String, bytes: [UInt8]?, dropping: Int = 0) -> Diagnostic {
        guard let decoding = error as? DecodingError else {
            return Diagnostic(file: file, line: nil, message: "unreadable: \(error)")
        }
        var path: [any CodingKey]
        var message: String
        switch decoding {
        case .typeMismatch(let type, let context):
            path = context.codingPath
            message = "expected \(describe(type))"
        case .valueNotFound(let type, let context):
            path = context.codingPath
            message = "expected \(describe(type)), found null"
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            message = "missing required property"
        case .dataCorrupted(let context):
            path = context.codingPath
            message = context.debugDescription
        @unknown default:
            return Diagnostic(file: file, line: nil, message: "unreadable: \(error)")
        }
        var line: Int?
        if let bytes {
            do throws(Diagnostic) {
                let root = try JSONSourceParser.parse(bytes, file: file)
                let node = walk(root, path)
                line = node?.line
                if case .typeMismatch = decoding, let node { message += ", found \(node.kindDescription)" }
            } catch {
                // The bytes are not JSON at all (truncated, say): the parser's line is the useful one.
                return error
            }
        } else if case .dataCorrupted = decoding, path.count <= dropping {
            return Diagnostic(file: file, line: nil, message: "malformed JSON: \(message)")
        }
        let prefix = Array(path.prefix(dropping))
        path.removeFirst(prefix.count)
        let entry = prefix.isEmpty ? nil : render(prefix)
        return Diagnostic(
            file: file,
            line: line,
            entry: entry,
            field: path.isEmpty ? nil : render(path),
            message: message
        )
    }

    static func render(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    private static func walk(_ root: SourceNode, _ path: [any CodingKey]) -> SourceNode? {
        var node = root
        for key in path {
            if let index = key.intValue, case .array(let items) = node.value {
                guard index < items.count else { return node }
                node = items[index]
            } else if let member = node.member(key.stringValue) {
                node = member
            } else {
                return node
            }
        }
        return node
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        case is Int.Type, is Double.Type: "a number"
        case is [Any].Type: "a list"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
