extension ActionMeasurement {
    /// The measurement as an entry of a measurements file, the form ``AssessmentDecoder`` reads
    /// back: what `posture assess --measurements-out` writes and `posture push` sends.
    public var jsonValue: JSONValue {
        var object = JSONObject([("actionId", .string(actionID))])
        switch result {
        case .implemented(let done):
            object["implemented"] = .bool(done)
        case .counted(let achieved, let total):
            object["achieved"] = .int(achieved)
            object["total"] = .int(total)
        }
        if let observedAt { object["observedAt"] = .string(observedAt.iso8601) }
        if let achievedEntities { object["achievedEntities"] = .array(achievedEntities.map(JSONValue.string)) }
        if let totalEntities { object["totalEntities"] = .array(totalEntities.map(JSONValue.string)) }
        if !excluded.isEmpty {
            object["excluded"] = .array(
                excluded.map { exclusion in
                    var entry = JSONObject([
                        ("entity", .string(exclusion.entity)), ("reason", .string(exclusion.reason)),
                    ])
                    if let owner = exclusion.owner { entry["owner"] = .string(owner) }
                    if let expiresAt = exclusion.expiresAt { entry["expiresAt"] = .string(expiresAt.iso8601) }
                    return .object(entry)
                }
            )
        }
        return .object(object)
    }
}
