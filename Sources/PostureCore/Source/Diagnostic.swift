/// One problem found in an input document: where it is and what is wrong with it.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible, Error {
    public var file: String
    public var line: Int?
    /// The entry the problem belongs to: an action id, `measurements[3] (AdminMFAV2)`, …
    public var entry: String?
    /// The field path inside the entry, e.g. `achieved` or `prerequisites.actions[1]`.
    public var field: String?
    public var message: String

    public init(file: String, line: Int?, entry: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.entry = entry
        self.field = field
        self.message = message
    }

    /// `file:line: entry: field: message`, the shape compilers use, so editors can jump to it.
    public var description: String {
        var parts = [line.map { "\(file):\($0)" } ?? file]
        if let entry { parts.append(entry) }
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// A batch of diagnostics thrown together, so callers can show all of them at once.
public struct DiagnosticList: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
