import Foundation
import PostureCore
import SQLKit

/// One row of a stored organization list: the organization, its list columns, and whether its
/// stored score stands for now (when it does not, the services refresh it and read the page again).
public struct StoredOrganizationListRow: Sendable {
    public var organization: StoredOrganization
    public var row: OrganizationListRow
    public var current: Bool
}

/// A page of organizations: its rows, how many match the search in all (not only those after a
/// cursor), where the page starts among them (numbered pages) and where the next page starts (nil
/// on the last).
public struct OrganizationPage: Sendable {
    public var rows: [StoredOrganizationListRow]
    public var total: Int
    public var offset: Int
    public var next: OrganizationListCursor?

    public init(rows: [StoredOrganizationListRow], total: Int, offset: Int, next: OrganizationListCursor?) {
        self.rows = rows
        self.total = total
        self.offset = offset
        self.next = next
    }
}

extension PostureStore {
    /// A page of organizations in the query's order, read in SQL from the stored current scores,
    /// zone bounds and the snapshots of `monthAgo`: one query for the page and one count. `total`
    /// counts every match (not only those after a cursor); `more` says whether rows follow.
    ///
    /// - Parameters:
    ///   - visible: the organizations the reader may see; nil for all of them.
    ///   - rulesKey: the scoring rules in force; a stored score computed under others is not current.
    public func organizationPage(
        _ query: OrganizationListQuery,
        visible: [String]?,
        monthAgo: CivilDay,
        now: Date,
        rulesKey: String
    ) async throws -> (rows: [StoredOrganizationListRow], total: Int, offset: Int, more: Bool) {
        if let visible, visible.isEmpty { return ([], 0, 0, false) }
        let filter = Self.listFilter(query, visible: visible, now: now)
        let total =
            try await sql.raw("SELECT COUNT(*) AS n FROM organizations o WHERE \(filter)").first()
            .map { try $0.decode(column: "n", as: Int.self) } ?? 0
        // Numbered pages stay inside the list (past the end: the last page).
        let offset = query.after == nil ? ListPage(offset: query.offset, size: query.limit, total: total).offset : 0
        let expressions = Self.listExpressions
        var conditions: SQLQueryString = "\(filter)"
        if let after = query.after { conditions = "\(conditions) AND \(Self.keyset(after, query: query))" }
        let scores: SQLQueryString = "LEFT JOIN current_scores c ON c.organization_id = o.id"
        let snapshots: SQLQueryString =
            "LEFT JOIN snapshots s ON s.organization_id = o.id AND s.day = \(bind: monthAgo.description)"
        let settings: SQLQueryString = "LEFT JOIN organization_settings st ON st.organization_id = o.id"
        // The page's ids first, with only the joins its order needs (none for the name order,
        // which an index on the lowercased name answers without sorting); the rest of each row is
        // joined for those rows alone.
        let keyJoins: SQLQueryString =
            switch query.sort {
            case .name: ""
            case .score, .percentage, .regressions: scores
            case .zone: "\(scores) \(settings)"
            case .change: "\(scores) \(snapshots)"
            }
        let order = Self.order(query)
        let rows = try await sql.raw(
            """
            SELECT o.id, o.display_name, o.licensed_user_count, o.active_user_count, o.industry, o.region,
            o.enabled_services, o.created_at, o.updated_at, COALESCE(c.score, 0) AS score, COALESCE(c.max_score, 0) AS max_score,
            COALESCE(c.verified_score, 0) AS verified_score, COALESCE(c.regressions, 0) AS regressions,
            \(unsafeRaw: expressions.zone) AS zone_rank, \(unsafeRaw: expressions.change) AS change30,
            CASE WHEN c.organization_id IS NOT NULL AND c.rules_key = \(bind: rulesKey)
            AND (c.valid_until IS NULL OR c.valid_until > \(bind: now.timeIntervalSince1970)) THEN 1 ELSE 0 END AS is_current,
            k.organization_id AS k_id, k.consecutive_failures AS k_failures, k.last_success_at AS k_success,
            k.connected_at AS k_since, k.collect_every_minutes AS k_every
            FROM (SELECT o.id FROM organizations o \(keyJoins) WHERE \(conditions)
            ORDER BY \(unsafeRaw: order) LIMIT \(bind: query.limit + 1) OFFSET \(bind: offset)) page
            JOIN organizations o ON o.id = page.id \(scores) \(snapshots) \(settings)
            LEFT JOIN connections k ON k.organization_id = o.id
            ORDER BY \(unsafeRaw: order)
            """
        ).all()
        let zones = ScoreZones.Zone.allCases
        // One row past the page says whether another page follows.
        let stored = try rows.prefix(query.limit).map { row in
            let change = try row.decode(column: "change30", as: Double.self)
            let rank = try row.decode(column: "zone_rank", as: Int.self)
            let organization = try StoredOrganization(row: row)
            return StoredOrganizationListRow(
                organization: organization,
                row: OrganizationListRow(
                    id: organization.organization.id,
                    displayName: organization.organization.displayName,
                    score: try row.decode(column: "score", as: Double.self),
                    maxScore: try row.decode(column: "max_score", as: Double.self),
                    verifiedScore: try row.decode(column: "verified_score", as: Double.self),
                    regressions: try row.decode(column: "regressions", as: Int.self),
                    zone: zones[min(max(rank, 0), zones.count - 1)],
                    change30: change == OrganizationListRow.noChange ? nil : change,
                    connection: try Self.connectionHealth(row, at: now)
                ),
                current: try row.decode(column: "is_current", as: Int.self) == 1
            )
        }
        return (stored, total, offset, rows.count > query.limit)
    }

    /// The health of the row's connection from its joined columns; nil without one.
    static func connectionHealth(_ row: any SQLRow, at now: Date) throws -> CollectionState.Health? {
        guard try row.decodeIfPresent(column: "k_id", as: String.self) != nil else { return nil }
        let state = CollectionState(
            nextRunAt: now,
            lastSuccessAt: try row.decodeIfPresent(column: "k_success", as: Double.self).map(
                Date.init(timeIntervalSince1970:)
            ),
            consecutiveFailures: try row.decode(column: "k_failures", as: Int.self),
            connectedAt: Date(timeIntervalSince1970: try row.decode(column: "k_since", as: Double.self))
        )
        return state.health(
            CollectionSchedule(intervalMinutes: try row.decode(column: "k_every", as: Int.self)),
            at: now
        )
    }

    /// Service names are plain: their stored list is not worth a JSON decoder.
    static func services(_ text: String) throws -> [String] {
        try PlainJSONStrings.parse(text) ?? StoredJSON.decode([String].self, text)
    }

    /// The search, visibility and connection conditions, on `organizations o` alone (the count
    /// needs no join).
    static func listFilter(_ query: OrganizationListQuery, visible: [String]?, now: Date) -> SQLQueryString {
        var filter: SQLQueryString = "1 = 1"
        if let visible { filter = "\(filter) AND o.id IN (\(binds: visible))" }
        let connections: SQLQueryString = "SELECT 1 FROM connections k WHERE k.organization_id = o.id"
        // ``CollectionSchedule/isStale(lastSuccess:since:at:)``: the last success (or the
        // connection, before one) older than two intervals.
        let stale: SQLQueryString =
            "COALESCE(k.last_success_at, k.connected_at) < \(bind: now.timeIntervalSince1970) - 120 * k.collect_every_minutes"
        switch query.connection {
        case nil: break
        case .failing:
            // Failing and not stale, as ``CollectionState/health(_:at:)`` ranks them.
            filter = "\(filter) AND EXISTS (\(connections) AND k.consecutive_failures > 0 AND NOT (\(stale)))"
        case .stale:
            filter = "\(filter) AND EXISTS (\(connections) AND \(stale))"
        }
        if !query.search.isEmpty {
            let pattern = "%" + likeEscaped(query.search.lowercased()) + "%"
            filter =
                "\(filter) AND (LOWER(o.display_name) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(o.id) LIKE \(bind: pattern) ESCAPE '\\')"
        }
        return filter
    }

    /// `%`, `_` and the escape character itself match only themselves.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// The computed columns, written once so the select, the order and the cursor agree. The
    /// percentage is the formula of ``OrganizationListRow/percentage``; the zone follows
    /// ``ScoreZones/zone(for:)`` with the default bounds where none are stored.
    static let listExpressions: (percentage: String, zone: String, change: String) = {
        let percentage =
            "(CASE WHEN COALESCE(c.max_score, 0) > 0 THEN c.score / c.max_score * 100 ELSE 0 END)"
        let zones = ScoreZones.default
        let zone =
            "(CASE WHEN \(percentage) >= COALESCE(st.zone_good_from, \(zones.goodFrom)) THEN 2"
            + " WHEN \(percentage) >= COALESCE(st.zone_okay_from, \(zones.okayFrom)) THEN 1 ELSE 0 END)"
        let change =
            "(CASE WHEN s.percentage IS NULL THEN \(OrganizationListRow.noChange) ELSE \(percentage) - s.percentage END)"
        return (percentage, zone, change)
    }()

    static func keyExpression(_ sort: OrganizationListQuery.Sort) -> String? {
        switch sort {
        case .name: nil
        case .score: "COALESCE(c.score, 0)"
        case .percentage: listExpressions.percentage
        case .zone: listExpressions.zone
        case .change: listExpressions.change
        case .regressions: "COALESCE(c.regressions, 0)"
        }
    }

    /// By the key, then the name and id ascending; the name order runs both the name and the id
    /// in its direction.
    static func order(_ query: OrganizationListQuery) -> String {
        let direction = query.descending ? "DESC" : "ASC"
        guard let key = keyExpression(query.sort) else {
            return "LOWER(o.display_name) \(direction), o.id \(direction)"
        }
        return "\(key) \(direction), LOWER(o.display_name) ASC, o.id ASC"
    }

    /// Rows strictly after the cursor in the query's order.
    static func keyset(_ cursor: OrganizationListCursor, query: OrganizationListQuery) -> SQLQueryString {
        let name: SQLQueryString = "LOWER(o.display_name)"
        let after = query.descending ? "<" : ">"
        guard let key = keyExpression(query.sort) else {
            // A row value, which the name index can seek to.
            return "(\(name), o.id) \(unsafeRaw: after) (LOWER(\(bind: cursor.name)), \(bind: cursor.id))"
        }
        let value = cursor.key ?? 0
        return """
            (\(unsafeRaw: key) \(unsafeRaw: after) \(bind: value) OR (\(unsafeRaw: key) = \(bind: value) AND \
            (\(name) > LOWER(\(bind: cursor.name)) OR (\(name) = LOWER(\(bind: cursor.name)) AND o.id > \(bind: cursor.id)))))
            """
    }
}
