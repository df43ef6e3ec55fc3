import Foundation

/// Prometheus's text exposition format (version 0.0.4): metric families, each with its help,
/// type and samples. Label values are escaped here, so no caller has to remember to.
public struct PrometheusText: Sendable {
    public enum Kind: String, Sendable {
        case counter
        case gauge
    }

    public struct Sample: Sendable, Equatable {
        public var labels: [(String, String)]
        public var value: Double

        public init(_ labels: [(String, String)], _ value: Double) {
            self.labels = labels
            self.value = value
        }

        public static func == (lhs: Sample, rhs: Sample) -> Bool {
            lhs.value == rhs.value && lhs.labels.map(\.0) == rhs.labels.map(\.0)
                && lhs.labels.map(\.1) == rhs.labels.map(\.1)
        }
    }

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private var text = ""

    public init() {}

    /// Adds a family. `name` must be a metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`); families with no
    /// samples are still described, so a scraper sees every metric from the first scrape.
    public mutating func add(_ name: String, _ kind: Kind, help: String, _ samples: [Sample]) {
        precondition(Self.isName(name), "\(name) is not a Prometheus metric name")
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{"
                text += sample.labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",")
                text += "}"
            }
            text += " " + Self.number(sample.value) + "\n"
        }
    }

    public var rendered: String { text }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_"
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":")
        }
    }

    /// Backslash, double quote and line feed are the three characters a label value escapes.
    static func escapeLabel(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func escapeHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction; `+Inf`, `-Inf` and `NaN` as Prometheus spells them.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
