import Foundation

/// One page of a collection after the query options were applied.
public struct ODataPage: Sendable, Equatable {
    public var items: [JSONObject]
    /// Items that passed `$filter`, before `$skip` and `$top`: the value of `@odata.count`.
    public var totalCount: Int
    /// Set when items the client asked for remain after this page; the next link's `$skip`.
    public var nextSkip: Int?
    /// The next link's `$top`: what is left of the client's `$top`, `nil` when it gave none.
    public var nextTop: Int?

    public init(items: [JSONObject], totalCount: Int, nextSkip: Int? = nil, nextTop: Int? = nil) {
        self.items = items
        self.totalCount = totalCount
        self.nextSkip = nextSkip
        self.nextTop = nextTop
    }
}

extension ODataQuery {
    /// Filter, then a stable sort by `$orderby`, then `$skip`, then at most `min($top, pageSize)`
    /// items, then `$select` (which always keeps `id`). A page size below 1 is treated as 1 so
    /// paging always makes progress.
    public func apply(to items: [JSONObject], pageSize: Int) -> ODataPage {
        var matching = items
        if let filter {
            matching = items.filter { filter.matches($0) }
        }
        if !orderBy.isEmpty {
            matching = sorted(matching)
        }
        let total = matching.count
        let start = min(max(skip, 0), total)
        let limit = min(top ?? Int.max, max(pageSize, 1))
        let end = start + min(max(limit, 0), total - start)
        var pageItems = Array(matching[start..<end])
        if let select {
            let keys = select + ["id"]
            pageItems = pageItems.map { $0.selecting(keys) }
        }
        var page = ODataPage(items: pageItems, totalCount: total)
        let remaining = end < total
        let served = end - start
        if remaining {
            if let top {
                if top > served {
                    page.nextSkip = end
                    page.nextTop = top - served
                }
            } else {
                page.nextSkip = end
            }
        }
        return page
    }

    /// The query options of the next page, for an absolute `@odata.nextLink`: `$filter`, `$select`,
    /// `$orderby` and `$count` as this query has them (in canonical form), plus the new `$top` and
    /// `$skip`. Values are not percent-encoded. `nil` when `page` is the last one.
    public func nextLinkParameters(for page: ODataPage) -> [(String, String)]? {
        guard let nextSkip = page.nextSkip else { return nil }
        var parameters: [(String, String)] = []
        if let filter {
            parameters.append(("$filter", filter.description))
        }
        if let select {
            parameters.append(("$select", select.joined(separator: ",")))
        }
        if !orderBy.isEmpty {
            let keys = orderBy.map { $0.descending ? "\($0.property) desc" : $0.property }
            parameters.append(("$orderby", keys.joined(separator: ",")))
        }
        if count {
            parameters.append(("$count", "true"))
        }
        if let nextTop = page.nextTop {
            parameters.append(("$top", String(nextTop)))
        }
        parameters.append(("$skip", String(nextSkip)))
        return parameters
    }

    /// Sort keys are extracted once per item; ties keep the input order.
    private func sorted(_ items: [JSONObject]) -> [JSONObject] {
        let keyed = items.enumerated().map { entry in
            (offset: entry.offset, item: entry.element, keys: orderBy.map { ODataSortKey($0, in: entry.element) })
        }
        let ordered = keyed.sorted { lhs, rhs in
            for (position, order) in orderBy.enumerated() {
                let comparison = ODataSortKey.compare(lhs.keys[position], rhs.keys[position])
                if comparison == 0 { continue }
                return order.descending ? comparison > 0 : comparison < 0
            }
            return lhs.offset < rhs.offset
        }
        return ordered.map { $0.item }
    }
}

/// A property value reduced to what `$orderby` compares. Nulls (and missing properties) sort
/// first ascending and last descending; values of different JSON types sort by type.
private enum ODataSortKey {
    case null
    case bool(Bool)
    case number(Double)
    case date(Date)
    case text(String)
    case other

    init(_ order: ODataOrderItem, in object: JSONObject) {
        let value: JSONValue = object[order.property] ?? .null
        switch value {
        case .null:
            self = .null
        case .bool(let value):
            self = .bool(value)
        case .int(let value):
            self = .number(Double(value))
        case .double(let value):
            self = .number(value)
        case .string(let value):
            if order.propertyType == .dateTime, let date = Date(iso8601: value) {
                self = .date(date)
            } else {
                self = .text(value.lowercased())
            }
        case .array, .object, .rendered:
            self = .other
        }
    }

    private var rank: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .number: 2
        case .date: 3
        case .text: 4
        case .other: 5
        }
    }

    /// -1, 0 or 1.
    static func compare(_ lhs: ODataSortKey, _ rhs: ODataSortKey) -> Int {
        switch (lhs, rhs) {
        case (.bool(let left), .bool(let right)):
            return left == right ? 0 : (left ? 1 : -1)
        case (.number(let left), .number(let right)):
            return left < right ? -1 : (left > right ? 1 : 0)
        case (.date(let left), .date(let right)):
            return left < right ? -1 : (left > right ? 1 : 0)
        case (.text(let left), .text(let right)):
            return left < right ? -1 : (left > right ? 1 : 0)
        default:
            return lhs.rank < rhs.rank ? -1 : (lhs.rank > rhs.rank ? 1 : 0)
        }
    }
}
