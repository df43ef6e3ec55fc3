/// How a property of a Graph resource may be queried. The API passes a schema of these, keyed by
/// the property name as it appears in the JSON (`currentScore`, `createdDateTime`, …).
public enum ODataPropertyType: Sendable, Hashable, CaseIterable {
    case string
    /// A JSON number, integer or not (Edm.Double).
    case number
    /// A JSON integer (Edm.Int32); compares like ``number``.
    case integer
    case boolean
    /// An ISO-8601 string in the JSON (Edm.DateTimeOffset); compares as an instant.
    case dateTime
    /// A JSON array: selectable, but neither filterable nor sortable.
    case collection
    /// A JSON object: selectable, but neither filterable nor sortable.
    case object

    /// Whether `$filter` and `$orderby` may use the property.
    var isScalar: Bool {
        switch self {
        case .string, .number, .integer, .boolean, .dateTime: true
        case .collection, .object: false
        }
    }

    /// "is …" in error messages.
    var kindDescription: String {
        switch self {
        case .string: "text"
        case .number, .integer: "a number"
        case .boolean: "true or false"
        case .dateTime: "a date and time"
        case .collection: "a collection"
        case .object: "an object"
        }
    }

    /// "compare it with …" in error messages.
    var literalHint: String {
        switch self {
        case .string: "a quoted string like 'value'"
        case .number, .integer: "a number"
        case .boolean: "true or false"
        case .dateTime: "a date and time like 2026-11-28T00:00:00Z"
        case .collection, .object: "nothing"
        }
    }

    /// The schema's own spelling of `name`, matched case-insensitively. An exact match wins; among
    /// several case-insensitive matches the alphabetically first one is taken, so the choice does
    /// not depend on dictionary order.
    static func resolve(
        _ name: String,
        in schema: [String: ODataPropertyType]
    ) -> (name: String, type: ODataPropertyType)? {
        if let type = schema[name] {
            return (name: name, type: type)
        }
        let wanted = name.lowercased()
        var best: String?
        for key in schema.keys where key.lowercased() == wanted {
            if let current = best, current <= key { continue }
            best = key
        }
        guard let best, let type = schema[best] else { return nil }
        return (name: best, type: type)
    }
}
