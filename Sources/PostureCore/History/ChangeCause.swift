/// Why an action's points or status moved: what the change log and the regression trend show.
public struct ChangeCause: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A setting changed (binary actions): implemented → not implemented or back.
        case configurationChange
        /// Users, devices or other entities moved (partial actions).
        case userOrDeviceChange
        /// A new catalog or scoring model changed the action's points with the same data.
        case catalogOrModelChange
        /// A person changed the status.
        case statusChange
        /// An exception (risk acceptance or a resolved claim) reached its expiry.
        case exceptionExpired
    }

    public var kind: Kind
    /// Entities that met the action before and no longer do.
    public var entitiesLost: [String]
    /// Entities that came into scope without meeting it.
    public var entitiesAdded: [String]
    /// Entities that met it now and did not before.
    public var entitiesGained: [String]
    /// One line for people: "2 admins lost it: a@contoso.example, b@contoso.example".
    public var summary: String

    public init(
        kind: Kind,
        entitiesLost: [String] = [],
        entitiesAdded: [String] = [],
        entitiesGained: [String] = [],
        summary: String
    ) {
        self.kind = kind
        self.entitiesLost = entitiesLost
        self.entitiesAdded = entitiesAdded
        self.entitiesGained = entitiesGained
        self.summary = summary
    }

    /// At most this many entity names go into a summary; the lists keep them all.
    static let namedInSummary = 5

    /// The cause of a points change on `action` from one state to the next.
    public static func explain(
        action: ImprovementAction,
        fromStatus: ActionStatus,
        toStatus: ActionStatus,
        exceptionExpired: Bool,
        previous: ActionMeasurement?,
        current: ActionMeasurement?
    ) -> ChangeCause {
        if exceptionExpired {
            return ChangeCause(
                kind: .exceptionExpired,
                summary: "the \(fromStatus.label.lowercased()) exception expired"
            )
        }
        if fromStatus != toStatus, fromStatus.isException || toStatus.isException {
            return ChangeCause(kind: .statusChange, summary: "status \(fromStatus.label) → \(toStatus.label)")
        }
        switch (previous?.result, current?.result) {
        case (.implemented(let before)?, .implemented(let after)?) where before != after:
            return ChangeCause(
                kind: .configurationChange,
                summary: after ? "configuration change: now implemented" : "configuration change: no longer implemented"
            )
        case (_, .implemented(let after)?):
            return ChangeCause(
                kind: .configurationChange,
                summary: after ? "configuration change: implemented" : "configuration change: not implemented"
            )
        default:
            break
        }
        let noun = { (count: Int) in (action.entityType ?? .user).noun(count: count) }
        let beforeAchieved = Set(previous?.achievedEntities ?? [])
        let afterAchieved = Set(current?.achievedEntities ?? [])
        let beforeTotal = Set(previous?.totalEntities ?? [])
        let afterTotal = Set(current?.totalEntities ?? [])
        let lost = beforeAchieved.subtracting(afterAchieved).intersection(afterTotal).sorted()
        let added = afterTotal.subtracting(beforeTotal).subtracting(afterAchieved).sorted()
        let gained = afterAchieved.subtracting(beforeAchieved).sorted()
        var parts: [String] = []
        func named(_ entities: [String]) -> String {
            let shown = entities.prefix(namedInSummary).joined(separator: ", ")
            return entities.count > namedInSummary ? shown + " and \(entities.count - namedInSummary) more" : shown
        }
        if !lost.isEmpty { parts.append("\(lost.count) \(noun(lost.count)) lost it: \(named(lost))") }
        if !added.isEmpty { parts.append("\(added.count) new \(noun(added.count)) without it: \(named(added))") }
        if !gained.isEmpty { parts.append("\(gained.count) \(noun(gained.count)) gained it: \(named(gained))") }
        if parts.isEmpty {
            switch (previous?.result, current?.result) {
            case (.counted(let a, let t)?, .counted(let b, let u)?):
                parts.append("\(a)/\(t) → \(b)/\(u) \(noun(u))")
            default:
                parts.append("the measured \(noun(2)) changed")
            }
        }
        return ChangeCause(
            kind: .userOrDeviceChange,
            entitiesLost: lost,
            entitiesAdded: added,
            entitiesGained: gained,
            summary: parts.joined(separator: "; ")
        )
    }
}
