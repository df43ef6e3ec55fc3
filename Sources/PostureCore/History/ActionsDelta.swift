/// A closed day's actions stored as what changed since an earlier day's (its base), so history
/// grows with change, not with days. Chains are bounded: a day more than ``chainDays`` after its
/// chain's first, full day (its key) is stored in full again, so reading any day reads at most that
/// many rows.
public struct ActionsDelta: Sendable, Equatable, Codable {
    /// The day whose actions this delta applies to.
    public var base: CivilDay
    /// The chain's first day, stored in full: every day between it and this one may be needed.
    public var key: CivilDay
    /// Actions new or different since the base: a new one whole, a changed one by the fields
    /// that differ (a sensor's move changes two or three numbers of a dozen fields).
    public var changed: [ActionChange]
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
        changed = new.compactMap { action in
            before[action.id] == action ? nil : ActionChange(from: before[action.id], to: action)
        }
        removed = old.map(\.id).filter { !newIDs.contains($0) }
        order = nil
        if apply(to: old).map(\.id) != new.map(\.id) { order = new.map(\.id) }
    }

    /// The actions of the day this delta was made for, from its base's.
    public func apply(to old: [DailySnapshot.Action]) -> [DailySnapshot.Action] {
        var byID = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for change in changed { byID[change.id] = change.apply(to: byID[change.id]) }
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

/// One action's change in an ``ActionsDelta``: every field for an action new since the base, else
/// only those that differ; optional fields that became empty are named in `cleared`.
public struct ActionChange: Sendable, Equatable, Codable {
    public var id: String
    public var category: ActionCategory?
    public var points: Double?
    public var verifiedPoints: Double?
    public var maxScore: Double?
    public var status: ActionStatus?
    public var applicable: Bool?
    public var hasData: Bool?
    public var counted: Bool?
    public var achieved: Int?
    public var total: Int?
    public var implemented: Bool?
    public var cleared: [String]?

    public init(from old: DailySnapshot.Action?, to new: DailySnapshot.Action) {
        func differing<T: Equatable>(_ field: KeyPath<DailySnapshot.Action, T>) -> T? {
            old.map { $0[keyPath: field] == new[keyPath: field] } == true ? nil : new[keyPath: field]
        }
        id = new.id
        category = differing(\.category)
        points = differing(\.points)
        verifiedPoints = differing(\.verifiedPoints)
        maxScore = differing(\.maxScore)
        status = differing(\.status)
        applicable = differing(\.applicable)
        hasData = differing(\.hasData)
        counted = differing(\.counted)
        achieved = old?.achieved == new.achieved ? nil : new.achieved
        total = old?.total == new.total ? nil : new.total
        implemented = old?.implemented == new.implemented ? nil : new.implemented
        var cleared: [String] = []
        if new.achieved == nil && old?.achieved != nil { cleared.append("achieved") }
        if new.total == nil && old?.total != nil { cleared.append("total") }
        if new.implemented == nil && old?.implemented != nil { cleared.append("implemented") }
        self.cleared = cleared.isEmpty ? nil : cleared
    }

    /// The action after this change; nil when a new action lacks a field (never written so).
    public func apply(to old: DailySnapshot.Action?) -> DailySnapshot.Action? {
        guard let category = category ?? old?.category, let points = points ?? old?.points,
            let verifiedPoints = verifiedPoints ?? old?.verifiedPoints, let maxScore = maxScore ?? old?.maxScore,
            let status = status ?? old?.status, let applicable = applicable ?? old?.applicable,
            let hasData = hasData ?? old?.hasData, let counted = counted ?? old?.counted
        else { return nil }
        let emptied = Set(cleared ?? [])
        return DailySnapshot.Action(
            id: id,
            category: category,
            points: points,
            verifiedPoints: verifiedPoints,
            maxScore: maxScore,
            status: status,
            applicable: applicable,
            hasData: hasData,
            counted: counted,
            achieved: emptied.contains("achieved") ? nil : achieved ?? old?.achieved,
            total: emptied.contains("total") ? nil : total ?? old?.total,
            implemented: emptied.contains("implemented") ? nil : implemented ?? old?.implemented
        )
    }
}
