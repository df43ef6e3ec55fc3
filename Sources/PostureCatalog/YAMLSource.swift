import PostureCore
import Yams

/// Parses YAML into the core's ``SourceNode`` tree, keeping line numbers for diagnostics.
public enum YAMLSource {
    public static func parse(_ text: String, file: String) throws(Diagnostic) -> SourceNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw describe(error, file: file)
        } catch {
            throw Diagnostic(file: file, line: nil, message: "malformed YAML: \(error)")
        }
        guard let node else { return SourceNode(.null, line: 1) }
        return try convert(node, file: file)
    }

    private static func describe(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return Diagnostic(file: file, line: mark.line, message: "malformed YAML: \(detail)")
        default:
            return Diagnostic(file: file, line: nil, message: "malformed YAML: \(error)")
        }
    }

    private static func convert(_ node: Node, file: String) throws(Diagnostic) -> SourceNode {
        let line = node.mark?.line ?? 1
        switch node {
        case .scalar(let scalar):
            // Quoted scalars are always text; plain ones follow YAML's core schema.
            if scalar.style == .plain || scalar.style == .any {
                switch node.tag.rawValue {
                case Tag.Name.null.rawValue: return SourceNode(.null, line: line)
                case Tag.Name.bool.rawValue: if let value = node.bool { return SourceNode(.bool(value), line: line) }
                case Tag.Name.int.rawValue:
                    if let value = node.int { return SourceNode(.number(Double(value)), line: line) }
                case Tag.Name.float.rawValue:
                    if let value = node.float { return SourceNode(.number(value), line: line) }
                default: break
                }
            }
            return SourceNode(.string(scalar.string), line: line)
        case .sequence(let sequence):
            var elements: [SourceNode] = []
            for element in sequence { elements.append(try convert(element, file: file)) }
            return SourceNode(.array(elements), line: line)
        case .mapping(let mapping):
            var members: [(key: String, node: SourceNode)] = []
            var seen = Set<String>()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw Diagnostic(
                        file: file,
                        line: key.mark?.line,
                        message: "malformed YAML: keys must be plain text"
                    )
                }
                guard seen.insert(keyScalar.string).inserted else {
                    throw Diagnostic(
                        file: file,
                        line: key.mark?.line,
                        field: keyScalar.string,
                        message: "malformed YAML: the key appears twice in one mapping"
                    )
                }
                // Report problems with a value on its key's line: for a block list or mapping
                // that is where the reader looks, not the line of its first entry.
                var child = try convert(value, file: file)
                child.line = key.mark?.line ?? child.line
                members.append((keyScalar.string, child))
            }
            return SourceNode(.object(members), line: line)
        case .alias:
            throw Diagnostic(file: file, line: line, message: "YAML aliases are not supported in catalog files")
        }
    }
}
