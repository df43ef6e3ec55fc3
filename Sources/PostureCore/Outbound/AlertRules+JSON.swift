import Foundation

/// The rules as the API, the CLI and the audit log spell them: one object per event type, each
/// with `enabled` and its thresholds.
///
///     {"scoreDropped": {"enabled": true, "percentagePoints": 5, "points": 10},
///      "actionRegressed": {"enabled": true}, "exceptionExpiring": {"enabled": true, "days": 14},
///      "scoreBelowFloor": {"enabled": false, "percent": 50}, "connectionFailing": {"enabled": true}}
extension AlertRules {
    public var json: JSONValue {
        .object(
            JSONObject([
                (
                    "scoreDropped",
                    .object(
                        JSONObject([
                            ("enabled", .bool(scoreDropEnabled)),
                            ("percentagePoints", .double(scoreDrop.percentagePoints)),
                            ("points", .double(scoreDrop.points)),
                        ])
                    )
                ),
                ("actionRegressed", .object(JSONObject([("enabled", .bool(regressionsEnabled))]))),
                (
                    "exceptionExpiring",
                    .object(JSONObject([("enabled", .bool(exceptionsEnabled)), ("days", .int(exceptionDays))]))
                ),
                (
                    "scoreBelowFloor",
                    .object(JSONObject([("enabled", .bool(floorEnabled)), ("percent", .double(floorPercent))]))
                ),
                ("connectionFailing", .object(JSONObject([("enabled", .bool(connectionsEnabled))]))),
            ])
        )
    }

    /// These rules with the fields `node` gives changed (a merge: what it leaves out stays), or
    /// every problem found, each naming its field.
    public func merging(_ node: SourceNode, file: String = "body") throws(DiagnosticList) -> AlertRules {
        var reader = NodeReader(file: file, entry: nil, node: node)
        reader.rejectUnknownKeys(Set(Self.sections.keys))
        var rules = self
        var problems = reader.collected
        for (section, fields) in Self.sections.sorted(by: { $0.key < $1.key }) {
            guard let child = reader.raw(section) else { continue }
            var inner = NodeReader(file: file, entry: nil, node: child, fieldPrefix: section + ".")
            inner.rejectUnknownKeys(Set(["enabled"] + fields))
            if let enabled = inner.bool("enabled", required: false) { rules.setEnabled(section, enabled) }
            switch section {
            case "scoreDropped":
                if let value = inner.number("percentagePoints", required: false) {
                    rules.scoreDrop.percentagePoints = value
                }
                if let value = inner.number("points", required: false) { rules.scoreDrop.points = value }
            case "exceptionExpiring":
                if let value = inner.count("days", required: false) { rules.exceptionDays = value }
            case "scoreBelowFloor":
                if let value = inner.number("percent", required: false) { rules.floorPercent = value }
            default:
                break
            }
            problems += inner.collected
        }
        let checked = rules.problems.map {
            Diagnostic(file: file, line: node.line, entry: nil, field: $0.field, message: $0.message)
        }
        problems += checked
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        return rules
    }

    static let sections: [String: [String]] = [
        "scoreDropped": ["percentagePoints", "points"], "actionRegressed": [], "exceptionExpiring": ["days"],
        "scoreBelowFloor": ["percent"], "connectionFailing": [],
    ]

    mutating func setEnabled(_ section: String, _ enabled: Bool) {
        switch section {
        case "scoreDropped": scoreDropEnabled = enabled
        case "actionRegressed": regressionsEnabled = enabled
        case "exceptionExpiring": exceptionsEnabled = enabled
        case "scoreBelowFloor": floorEnabled = enabled
        default: connectionsEnabled = enabled
        }
    }

}
