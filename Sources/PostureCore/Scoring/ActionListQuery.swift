import Foundation

/// Which improvement actions a list shows: a search, filters by attribute or tag, the hidden ones
/// or not, and a grouping. The dashboard's list, its CSV export and the native API's action list
/// all read through it, so the same question gets the same actions everywhere.
///
/// Deprecated actions are never listed (they count for nothing). Risk-accepted actions are hidden
/// unless asked for, or unless the status filter asks for them by name.
public struct ActionListQuery: Sendable, Equatable {
    public enum Filter: String, Sendable, CaseIterable {
        case category, product, status, tier, cost, impact, threat, tag
    }

    public enum Grouping: String, Sendable, CaseIterable {
        case category, product, status
    }

    public static let searchLimit = 200

    /// Matches the id, title or description, ignoring case; empty for all.
    public private(set) var search: String
    /// One wanted value per filter, compared ignoring case (statuses by label or by wire value).
    public var selected: [Filter: String]
    public var includeHidden: Bool
    public var group: Grouping?

    public init(
        search: String = "",
        selected: [Filter: String] = [:],
        includeHidden: Bool = false,
        group: Grouping? = nil
    ) throws(ActionListQueryError) {
        let search = search.trimmingCharacters(in: .whitespaces)
        guard search.count <= Self.searchLimit else { throw .searchTooLong(limit: Self.searchLimit) }
        self.search = search
        self.selected = selected.filter { !$0.value.isEmpty }
        self.includeHidden = includeHidden
        self.group = group
    }

    /// What `score` holds for `filter`: the values a filter matches and a group is named by (the
    /// first). Statuses give their label first, then their wire value.
    public static func values(_ filter: Filter, of score: ActionScore, tags: [String]) -> [String] {
        switch filter {
        case .category: [score.action.category.rawValue]
        case .product: [score.action.product]
        case .status: [score.status.label, score.status.rawValue]
        case .tier: [score.action.tier.rawValue]
        case .cost: [score.action.implementationCost.rawValue]
        case .impact: [score.action.userImpact.rawValue]
        case .threat: score.action.threats.map(\.rawValue)
        case .tag: tags
        }
    }

    public func matches(_ score: ActionScore, tags: [String]) -> Bool {
        if score.action.deprecated { return false }
        if score.hiddenByDefault, !includeHidden, !asksForHidden { return false }
        for (filter, wanted) in selected {
            let wanted = wanted.lowercased()
            if !Self.values(filter, of: score, tags: tags).contains(where: { $0.lowercased() == wanted }) {
                return false
            }
        }
        if !search.isEmpty {
            let haystack = "\(score.action.id) \(score.action.title) \(score.action.description)".lowercased()
            if !haystack.contains(search.lowercased()) { return false }
        }
        return true
    }

    /// The status filter names the hidden status itself.
    var asksForHidden: Bool {
        guard let wanted = selected[.status]?.lowercased() else { return false }
        return wanted == ActionStatus.riskAccepted.label.lowercased()
            || wanted == ActionStatus.riskAccepted.rawValue.lowercased()
    }

    /// The listed actions, in the order given (the report's).
    public func apply(_ scores: [ActionScore], tags: [String: [String]]) -> [ActionScore] {
        scores.filter { matches($0, tags: tags[$0.action.id] ?? []) }
    }

    /// The listed actions in groups named by the grouping's first value, by name; one unnamed
    /// group without a grouping.
    public func grouped(_ listed: [ActionScore], tags: [String: [String]]) -> [(name: String, actions: [ActionScore])] {
        guard let group else { return [("", listed)] }
        let filter = Filter(rawValue: group.rawValue) ?? .category
        let groups = Dictionary(grouping: listed) {
            Self.values(filter, of: $0, tags: tags[$0.action.id] ?? []).first ?? ""
        }
        return groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }
}

public enum ActionListQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case searchTooLong(limit: Int)

    public var description: String {
        switch self {
        case .searchTooLong(let limit): "The search is longer than \(limit) characters."
        }
    }
}

/// Why an action's status cannot be changed by this person now, in the order the dashboard
/// checks them; each layer words it.
public enum EditLock: Sendable, Equatable {
    case readOnlyRole
    case externallyManaged(managedIn: String?)
    case completed

    public static func of(_ score: ActionScore, canWrite: Bool) -> EditLock? {
        if !canWrite { return .readOnlyRole }
        if score.action.externallyManaged { return .externallyManaged(managedIn: score.action.managedIn) }
        if score.status == .completed { return .completed }
        return nil
    }
}
