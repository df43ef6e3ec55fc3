import Foundation

/// What a list of organizations asks for: a search over names and ids, an order and a page. The
/// dashboard, the native API and the CLI read the one list through it, and the store answers it
/// in SQL from the stored current scores, so a page costs the same with 500 organizations or
/// 5,000.
///
/// The order is the sort key, then the name (case-insensitive), then the id, so every row has one
/// place and a cursor can resume after any of them. Ascending puts organizations without a
/// 30-day change (no snapshot then) first, descending last.
public struct OrganizationListQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable, Codable {
        case name, score, percentage, zone, change, regressions
    }

    /// Narrows to organizations whose connection is in trouble.
    public enum ConnectionFilter: String, Sendable, CaseIterable, Codable {
        /// The last collection attempt failed.
        case failing
        /// No successful collection for more than two intervals.
        case stale
    }

    public static let searchLimit = 200

    /// Narrows to organizations whose name or id contains it, ignoring case; empty for all.
    public private(set) var search: String
    public var sort: Sort
    public var descending: Bool
    /// How many rows a page holds, 1 to ``ListPage/maximumSize``.
    public private(set) var limit: Int
    /// Rows to skip (the dashboard's numbered pages) when there is no cursor.
    public var offset: Int
    /// Resume after this row (the API's `nextLink`); it must come from the same order.
    public private(set) var after: OrganizationListCursor?
    /// Only organizations whose connection is failing or stale; nil for all.
    public var connection: ConnectionFilter?

    public init(
        search: String = "",
        sort: Sort = .name,
        descending: Bool = false,
        limit: Int = ListPage.defaultSize,
        offset: Int = 0,
        after: OrganizationListCursor? = nil,
        connection: ConnectionFilter? = nil
    ) throws(OrganizationListQueryError) {
        let search = search.trimmingCharacters(in: .whitespacesAndNewlines)
        guard search.count <= Self.searchLimit else { throw .searchTooLong(limit: Self.searchLimit) }
        guard search.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw .searchHasControlCharacters
        }
        guard (1...ListPage.maximumSize).contains(limit) else {
            throw .limitOutOfRange(minimum: 1, maximum: ListPage.maximumSize)
        }
        if let after, after.sort != sort || after.descending != descending { throw .cursorForAnotherOrder }
        self.search = search
        self.sort = sort
        self.descending = descending
        self.limit = limit
        self.offset = max(0, offset)
        self.after = after
        self.connection = connection
    }
}

/// Where a page of organizations ended, in the order it was read: the sort key, name and id of
/// its last row. Encoded as an opaque, URL-safe token.
public struct OrganizationListCursor: Sendable, Equatable, Codable {
    public var sort: OrganizationListQuery.Sort
    public var descending: Bool
    /// The last row's sort key (nil for the name order, where the name is the key).
    public var key: Double?
    public var name: String
    public var id: String

    public init(sort: OrganizationListQuery.Sort, descending: Bool, key: Double?, name: String, id: String) {
        self.sort = sort
        self.descending = descending
        self.key = key
        self.name = name
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case sort = "s"
        case descending = "d"
        case key = "k"
        case name = "n"
        case id = "i"
    }

    /// Base64url of the compact JSON; keys carried as bit patterns would be no safer, since a
    /// double's shortest decimal form reads back to the same value.
    public var token: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(self)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Nil when the token was not made by ``token`` (altered, truncated or too long).
    public init?(token: String) {
        guard token.utf8.count <= 2_048 else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(Self.self, from: data),
            cursor.key.map(\.isFinite) ?? true
        else { return nil }
        self = cursor
    }
}

public enum OrganizationListQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case searchTooLong(limit: Int)
    case searchHasControlCharacters
    case limitOutOfRange(minimum: Int, maximum: Int)
    case cursorForAnotherOrder

    public var description: String {
        switch self {
        case .searchTooLong(let limit): "The search is longer than \(limit) characters."
        case .searchHasControlCharacters: "The search contains control characters."
        case .limitOutOfRange(let minimum, let maximum): "The page size must be from \(minimum) to \(maximum)."
        case .cursorForAnotherOrder: "The cursor belongs to another order; start again without it."
        }
    }
}

/// One organization in a list: its stored current score, zone and 30-day change.
public struct OrganizationListRow: Sendable, Equatable {
    public var id: String
    public var displayName: String
    public var score: Double
    public var maxScore: Double
    public var verifiedScore: Double
    public var regressions: Int
    public var zone: ScoreZones.Zone
    /// Percentage points since 30 days ago; nil without a snapshot then.
    public var change30: Double?
    /// The health of its connection's collections; nil without a connection.
    public var connection: CollectionState.Health?

    public init(
        id: String,
        displayName: String,
        score: Double,
        maxScore: Double,
        verifiedScore: Double,
        regressions: Int,
        zone: ScoreZones.Zone,
        change30: Double?,
        connection: CollectionState.Health? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.score = score
        self.maxScore = maxScore
        self.verifiedScore = verifiedScore
        self.regressions = regressions
        self.zone = zone
        self.change30 = change30
        self.connection = connection
    }

    /// Same formula as the snapshots' percentage column, so the zone and the change agree with it.
    public var percentage: Double { maxScore > 0 ? score / maxScore * 100 : 0 }

    /// The value this row is ordered by under `sort` (nil for the name order).
    public func key(_ sort: OrganizationListQuery.Sort) -> Double? {
        switch sort {
        case .name: nil
        case .score: score
        case .percentage: percentage
        case .zone: Double(ScoreZones.Zone.allCases.firstIndex(of: zone) ?? 0)
        case .change: change30 ?? OrganizationListRow.noChange
        case .regressions: Double(regressions)
        }
    }

    /// Where rows without a 30-day change sort: below every possible change (−100 points).
    public static let noChange = -1_000.0

    public func cursor(_ query: OrganizationListQuery) -> OrganizationListCursor {
        OrganizationListCursor(
            sort: query.sort,
            descending: query.descending,
            key: key(query.sort),
            name: displayName,
            id: id
        )
    }
}
