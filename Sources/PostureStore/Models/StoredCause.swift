import PostureCore

/// A change's cause as stored: the entity lists only when they hold something, which most
/// sensor moves do not, so the change log does not repeat three empty lists on every row. Rows
/// written with the lists in full read back the same.
struct StoredCause: Codable {
    var kind: ChangeCause.Kind
    var summary: String
    var entitiesLost: [String]?
    var entitiesAdded: [String]?
    var entitiesGained: [String]?

    init(_ cause: ChangeCause) {
        kind = cause.kind
        summary = cause.summary
        entitiesLost = cause.entitiesLost.isEmpty ? nil : cause.entitiesLost
        entitiesAdded = cause.entitiesAdded.isEmpty ? nil : cause.entitiesAdded
        entitiesGained = cause.entitiesGained.isEmpty ? nil : cause.entitiesGained
    }

    var cause: ChangeCause {
        ChangeCause(
            kind: kind,
            entitiesLost: entitiesLost ?? [],
            entitiesAdded: entitiesAdded ?? [],
            entitiesGained: entitiesGained ?? [],
            summary: summary
        )
    }
}
