import Foundation

/// The `controlScores` of a Graph `secureScore` entity: one per counted action of a day's
/// snapshot, with the OpenType extras real clients read (`scoreInPercentage`,
/// `implementationStatus`, `count`, `total`). Here rather than beside the other entities so a
/// write can render today's once, when the state is stored.
public enum GraphControlScores {
    public static func values(_ snapshot: DailySnapshot, catalog: Catalog) -> [JSONValue] {
        snapshot.actions.filter(\.counted).map { controlScore($0, snapshot: snapshot, catalog: catalog) }
    }

    /// ``values(_:catalog:)`` as JSON text, as a response writes it.
    public static func rendered(_ snapshot: DailySnapshot, catalog: Catalog) -> String {
        JSONValue.array(values(snapshot, catalog: catalog)).jsonText
    }

    static func controlScore(_ action: DailySnapshot.Action, snapshot: DailySnapshot, catalog: Catalog) -> JSONValue {
        var object = JSONObject([
            ("controlCategory", .string(action.category.rawValue)),
            ("controlName", .string(action.id)),
            ("description", .string(catalog[action.id]?.title ?? action.id)),
            ("score", .double(action.points)),
            ("scoreInPercentage", .double(action.maxScore > 0 ? rounded(action.points / action.maxScore * 100) : 0)),
            ("implementationStatus", .string(implementationStatus(action, entity: catalog[action.id]?.entityType))),
            ("lastSynced", .string(snapshot.day.start.iso8601)),
            ("maxScore", .double(action.maxScore)),
            ("status", .string(action.status.rawValue)),
        ])
        if let achieved = action.achieved, let total = action.total, action.implemented == nil {
            object["count"] = .string(String(achieved))
            object["total"] = .string(String(total))
        }
        return .object(object)
    }

    static func implementationStatus(_ action: DailySnapshot.Action, entity: EntityType?) -> String {
        if !action.hasData { return "No data yet" }
        if let implemented = action.implemented { return implemented ? "Implemented" : "Not implemented" }
        let total = action.total ?? 0
        return "\(action.achieved ?? 0) of \(total) \(entity?.noun(count: total) ?? "items") compliant"
    }

    /// Two decimals, as Graph writes percentages.
    public static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
