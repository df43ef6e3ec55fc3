import Foundation

/// An entity left out of an action's count, such as an emergency-access account.
public struct Exclusion: Sendable, Equatable, Codable {
    public var entity: String
    public var reason: String
    public var owner: String?
    /// After this instant the exclusion lapses and the entity counts again.
    public var expiresAt: Date?

    public init(entity: String, reason: String, owner: String? = nil, expiresAt: Date? = nil) {
        self.entity = entity
        self.reason = reason
        self.owner = owner
        self.expiresAt = expiresAt
    }

    public func isActive(asOf: Date) -> Bool {
        expiresAt.map { asOf < $0 } ?? true
    }
}

/// What the evidence says about one action at one moment.
public struct ActionMeasurement: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// A binary action: the setting is in place or it is not.
        case implemented(Bool)
        /// A count: `achieved` of `total` entities comply. `total == 0` means nothing is in scope.
        case counted(achieved: Int, total: Int)
    }

    public var actionID: String
    public var result: Result
    public var observedAt: Date?
    /// Ids of the complying entities, when the source reports them.
    public var achievedEntities: [String]?
    /// Ids of every entity in scope (complying or not), when the source reports them.
    public var totalEntities: [String]?
    /// Entities left out of both `achieved` and `total`.
    public var excluded: [Exclusion]

    public init(
        actionID: String,
        result: Result,
        observedAt: Date? = nil,
        achievedEntities: [String]? = nil,
        totalEntities: [String]? = nil,
        excluded: [Exclusion] = []
    ) {
        self.actionID = actionID
        self.result = result
        self.observedAt = observedAt
        self.achievedEntities = achievedEntities
        self.totalEntities = totalEntities
        self.excluded = excluded
    }

    /// The counts that score. With entity lists, active exclusions are taken out of both lists
    /// and the counts are recomputed from them; without lists, the counts are taken as already
    /// leaving the excluded entities out (the source applied them).
    public func effectiveCounts(asOf: Date) -> (achieved: Int, total: Int) {
        switch result {
        case .implemented(let done):
            return (done ? 1 : 0, 1)
        case .counted(let achieved, let total):
            guard let totalEntities else { return (achieved, total) }
            let excludedIDs = Set(excluded.filter { $0.isActive(asOf: asOf) }.map(\.entity))
            guard !excludedIDs.isEmpty else { return (achieved, total) }
            let remainingTotal = totalEntities.filter { !excludedIDs.contains($0) }.count
            let remainingAchieved = (achievedEntities ?? []).filter { !excludedIDs.contains($0) }.count
            return (remainingAchieved, remainingTotal)
        }
    }

    /// Entities in scope that do not comply, when the source listed them.
    public var missingEntities: [String]? {
        guard let totalEntities else { return nil }
        let achieved = Set(achievedEntities ?? [])
        return totalEntities.filter { !achieved.contains($0) }
    }
}
