import Foundation
import PostureCore
import SQLKit

/// Graph's newest `secureScore` entry as stored: today's snapshot row, the organization, and
/// today's `controlScores` rendered with the current score (``PostureStore/newestSecureScore``).
public struct NewestSecureScore: Sendable {
    public var organization: Organization
    public var enabledServices: [String]
    public var day: CivilDay
    public var score: Double
    public var maxScore: Double
    public var verifiedScore: Double
    public var catalogVersion: String
    public var scoringModelVersion: String
    public var filled: Bool
    public var licensedUserCount: Int?
    public var activeUserCount: Int?
    /// The JSON array, as a response writes it.
    public var controlScores: String
    /// What ``controlScores`` were stored under.
    public var renderedKey: RenderedKey
}

/// What one read of the newest entry found.
public enum StoredNewest: Sendable {
    case noOrganization
    /// The stored state cannot answer alone (no snapshot today yet, a score due or computed under
    /// other rules, a rendering of another day or revision): build the entry the general way.
    case notStored
    case stored(NewestSecureScore)
}

extension PostureStore {
    /// Graph's newest entry of `today` in one query: the organization, its stored current score
    /// and rendering, and today's snapshot row. `.stored` only when
    /// the current score stands at `now` under `rulesKey`, its rendering is of `today`, today's row
    /// is the newest and holds the same score (the rendering and the row come from one write).
    /// The `controlScores` are not read again when they are the `known` ones (the caller holds
    /// them from an earlier read).
    public func newestSecureScore(
        _ organizationID: OrganizationID,
        today: CivilDay,
        rulesKey: String,
        now: Date,
        known: (key: RenderedKey, controlScores: String)? = nil
    ) async throws -> StoredNewest {
        let held = HeldRendering(held: known.map { ($0.key, $0.controlScores) })
        let rows = try await preparedRows(
            NewestSecureScoreRead(binds: held.binds + [.text(today.description), .text(organizationID.rawValue)])
        )
        guard let row = rows.first else { return .noOrganization }
        // Today's row alone: a day after today (a clock set back) is the newest entry, and the
        // general path gives it.
        guard rows.count == 1, try row.string("day") == today.description,
            let revision = try row.int("revision").map(Int64.init), try row.string("rules_key") == rulesKey,
            try row.double("valid_until").map({ now.timeIntervalSince1970 < $0 }) ?? true,
            try row.string("rendered_day") == today.description,
            let controls = held.value(
                read: try row.string("graph_controls"),
                key: RenderedKey(revision: revision, day: today)
            ),
            let score = try row.double("score"),
            let current = try row.double("current_score"), abs(current - score) < 1e-9
        else { return .notStored }
        return .stored(
            NewestSecureScore(
                organization: try Organization(row),
                enabledServices: try Self.services(try row.required("enabled_services", ValueRow.string)),
                day: today,
                score: score,
                maxScore: try row.required("max_score", ValueRow.double),
                verifiedScore: try row.required("verified_score", ValueRow.double),
                catalogVersion: try row.required("catalog_version", ValueRow.string),
                scoringModelVersion: try row.required("model_version", ValueRow.string),
                filled: try row.required("filled", ValueRow.bool),
                licensedUserCount: try row.int("day_licensed"),
                activeUserCount: try row.int("day_active"),
                controlScores: controls,
                renderedKey: RenderedKey(revision: revision, day: today)
            )
        )
    }
}

/// ``PostureStore/newestSecureScore(_:today:rulesKey:now:known:)``'s query: today's snapshot row
/// and any later one (`$3` is today).
struct NewestSecureScoreRead: PreparedRead {
    static let sql = """
        SELECT o.id, o.display_name, o.licensed_user_count, o.active_user_count, o.industry, o.region,
            o.enabled_services, c.revision, c.valid_until, c.rules_key, c.score AS current_score,
            c.rendered_day, \(HeldColumn.select("graph_controls")) AS graph_controls,
            s.score, s.max_score, s.verified_score, s.catalog_version,
            s.model_version, s.filled, s.licensed_user_count AS day_licensed, s.active_user_count AS day_active,
            s.day
        FROM organizations o
        LEFT JOIN current_scores c ON c.organization_id = o.id
        LEFT JOIN snapshots s ON s.organization_id = o.id AND s.day >= $3
        WHERE o.id = $4
        """
    var binds: [PreparedBind]
}
