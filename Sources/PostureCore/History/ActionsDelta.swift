/// A closed day's actions stored as what changed since an earlier day's (its base), so history
/// grows with change, not with days. Chains are bounded: a day more than ``chainDays`` after its
/// chain's first, full day (its key) is stored in full again, so reading any day reads at most that
/// many rows.
public struct ActionsDelta: Sendable, Equatable, Codable {
    /// The day whose actions this delta applies to.
    public var base: CivilDay
    /// The chain's first day, stored in full: every day between it and this one may be needed.
    public var key: CivilDay
    /// Actions new or different since the base, whole.
    public var changed: [DailySnapshot.Action]
    /// Ids of the base's actions that are gone.
    public var removed: [String]
    /// The order of every id, only when applying the change would not give it.
    public var order: [String]?

    /// Days a chain may span from its key.
    public static let chainDays = 30

    /// The delta that turns `old` (the base's actions) into `new`.
    public init(base: CivilDay, key: CivilDay, from old: [DailySnapshot.Action], to new: [DailySnapshot.Action]) {
        self.base = base
        self.key = key
        let before = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newIDs = Set(new.map(\.id))
        changed = new.filter { before[$0.id] != $0 }
        removed = old.map(\.id).filter { !newIDs.contains($0) }
        order = nil
        if apply(to: old).map(\.id) != new.map(\.id) { order = new.map(\.id) }
    }

    /// The actions of the day this delta was made for, from its base's.
    public func apply(to old: [DailySnapshot.Action]) -> [DailySnapshot.Action] {
        var byID = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for action in changed { byID[action.id] = action }
        for id in removed { byID[id] = nil }
        let ids: [String]
        if let order {
            ids = order
        } else {
            let known = Set(old.map(\.id))
            ids = old.map(\.id).filter { byID[$0] != nil } + changed.map(\.id).filter { !known.contains($0) }
        }
        return ids.compactMap { byID[$0] }
    }

    /// Whether a day may extend a chain whose key is `key`, or must start a new one in full.
    public static func extends(key: CivilDay, to day: CivilDay) -> Bool {
        day.daysSinceEpoch - key.daysSinceEpoch < chainDays
    }
}
