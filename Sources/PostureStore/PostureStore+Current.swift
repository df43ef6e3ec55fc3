import FluentKit
import Foundation
import PostureCore
import SQLKit

/// A stored current score as read back: its revision, and the document unless the caller already
/// holds that revision.
public struct StoredCurrentScore: Sendable {
    public var revision: Int64
    public var document: CurrentScore?
}

extension PostureStore {
    /// The organization's stored current score. When `known` is the stored revision the document
    /// is not read or decoded: the caller already has it.
    public func currentScore(_ organizationID: OrganizationID, known: Int64? = nil) async throws -> StoredCurrentScore?
    {
        let row = try await sql.raw(
            """
            SELECT revision, CASE WHEN revision = \(bind: known ?? 0) THEN NULL ELSE document END AS document
            FROM current_scores WHERE organization_id = \(bind: organizationID.rawValue)
            """
        ).first()
        guard let row else { return nil }
        let revision = try row.decode(column: "revision", as: Int64.self)
        guard let text = try row.decodeIfPresent(column: "document", as: String.self) else {
            return StoredCurrentScore(revision: revision, document: nil)
        }
        return StoredCurrentScore(revision: revision, document: try CurrentScoreCoding.decode(text))
    }

    /// Stores `document` as the organization's current score under a new revision, which it
    /// returns, with the document's `rendering` for reads.
    @discardableResult
    public func saveCurrentScore(
        _ organizationID: OrganizationID,
        _ document: CurrentScore,
        rendering: ScoreRendering? = nil
    ) async throws -> Int64 {
        var revision: Int64 = 0
        while revision == 0 { revision = Int64.random(in: Int64.min...Int64.max) }
        let columns = [
            "organization_id", "revision", "valid_until", "rules_key", "score", "max_score", "verified_score",
            "regressions", "document", "rendered_day", "rendered", "graph_controls",
        ]
        try await sql.insert(into: "current_scores").columns(columns)
            .values(
                SQLBind(organizationID.rawValue),
                SQLBind(revision),
                SQLBind(document.validUntil?.timeIntervalSince1970),
                SQLBind(document.rulesKey),
                SQLBind(document.score),
                SQLBind(document.maxScore),
                SQLBind(document.verifiedScore),
                SQLBind(document.actions.filter { $0.regressed == true }.count),
                SQLBind(CurrentScoreCoding.encode(document)),
                SQLBind(rendering?.day.description),
                SQLBind(rendering.map { Data($0.document.tail) }),
                SQLBind(rendering?.controlScores)
            )
            .onConflict(with: ["organization_id"]) { update in
                var update = update
                for column in columns.dropFirst() { update = update.set(excludedValueOf: column) }
                return update
            }
            .run()
        return revision
    }

    /// Replaces the rendering of the stored revision `revision`; nothing when another revision
    /// has been stored meanwhile (its own rendering came with it).
    public func saveRendering(
        _ organizationID: OrganizationID,
        revision: Int64,
        _ rendering: ScoreRendering
    )
        async throws
    {
        try await sql.raw(
            """
            UPDATE current_scores SET rendered_day = \(bind: rendering.day.description), rendered = \(bind: Data(rendering.document.tail)),
                graph_controls = \(bind: rendering.controlScores)
            WHERE organization_id = \(bind: organizationID.rawValue) AND revision = \(bind: revision)
            """
        ).run()
    }

    /// What a read of the score needs, in one query: the organization, and its stored current
    /// score's revision, validity and rendering when there is one. Nil when there is no such
    /// organization. The rendering is not read again when it is the `known` one (the caller
    /// holds its bytes from an earlier read).
    public func scoreView(
        _ organizationID: OrganizationID,
        known: (key: RenderedKey, tail: [UInt8])? = nil
    ) async throws -> StoredScoreView? {
        let held = HeldRendering(held: known.map { ($0.key, $0.tail) })
        let row = try await preparedRows(ScoreViewRead(binds: held.binds + [.text(organizationID.rawValue)])).first
        guard let row else { return nil }
        var view = StoredScoreView(organization: try Organization(row))
        if let revision = try row.int("revision") {
            view.revision = Int64(revision)
            view.validUntil = try row.double("valid_until").map(Date.init(timeIntervalSince1970:))
            view.rulesKey = try row.required("rules_key", ValueRow.string)
            // Bytes, not text: served as they are, never checked as UTF-8 on the way.
            if let day = try row.string("rendered_day").flatMap(CivilDay.init) {
                let key = RenderedKey(revision: Int64(revision), day: day)
                if let tail = held.value(read: try row.bytes("rendered"), key: key) {
                    view.rendering = RenderedScoreDocument(day: day, tail: tail)
                }
            }
        }
        return view
    }

    /// The stored current score's revision and the day its rendering serves (nil when it has
    /// none): whether it needs rendering again, without reading the rendering.
    public func renderedDay(_ organizationID: OrganizationID) async throws -> (revision: Int64, day: CivilDay?)? {
        let row = try await valueRows(
            """
            SELECT revision, rendered_day FROM current_scores WHERE organization_id = \(bind: organizationID.rawValue)
            """
        ).first
        guard let row else { return nil }
        let revision = Int64(try row.required("revision", ValueRow.int))
        return (revision, try row.string("rendered_day").flatMap(CivilDay.init))
    }

    func deleteCurrentScore(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM current_scores WHERE organization_id = \(bind: organizationID.rawValue)").run()
    }

    /// Organizations whose current score is due at `now`: a time-driven change has come, it was
    /// computed under other rules, its rendering is for another day or missing, or there is none
    /// yet (data from before migration 011). At most `limit`.
    public func dueCurrentScores(at now: Date, rulesKey: String, limit: Int) async throws -> [OrganizationID] {
        try await sql.raw(
            """
            SELECT organization_id FROM current_scores
            WHERE valid_until <= \(bind: now.timeIntervalSince1970) OR rules_key <> \(bind: rulesKey)
                OR rendered_day IS NULL OR rendered_day <> \(bind: CivilDay(now).description)
            UNION
            SELECT id AS organization_id FROM organizations
            WHERE id NOT IN (SELECT organization_id FROM current_scores)
            LIMIT \(bind: limit)
            """
        ).all().map { OrganizationID(try $0.decode(column: "organization_id", as: String.self)) }
    }
}

/// What identifies a stored rendering: the current score's revision and the day it was rendered
/// for (the same revision is rendered again when the day turns).
public struct RenderedKey: Sendable, Hashable {
    public var revision: Int64
    public var day: CivilDay

    public init(revision: Int64, day: CivilDay) {
        self.revision = revision
        self.day = day
    }
}

/// ``PostureStore/scoreView(_:known:)``'s query.
struct ScoreViewRead: PreparedRead {
    static let sql = """
        SELECT o.id, o.display_name, o.licensed_user_count, o.active_user_count, o.industry, o.region,
            c.revision, c.valid_until, c.rules_key, c.rendered_day, \(HeldColumn.select("rendered")) AS rendered
        FROM organizations o LEFT JOIN current_scores c ON c.organization_id = o.id
        WHERE o.id = $3
        """
    var binds: [PreparedBind]
}

/// A read of the score from ``PostureStore/scoreView(_:known:)``.
public struct StoredScoreView: Sendable {
    public var organization: Organization
    /// The stored current score's revision; nil when there is none yet.
    public var revision: Int64?
    public var validUntil: Date?
    public var rulesKey: String?
    /// The score document as rendered when it was stored (``ScoreRendering/document``).
    public var rendering: RenderedScoreDocument?

    /// The key of ``rendering``.
    public var renderedKey: RenderedKey? {
        guard let revision, let rendering else { return nil }
        return RenderedKey(revision: revision, day: rendering.day)
    }
}

/// The stored form of ``CurrentScore``: JSON with dates as seconds, which decodes fastest. It is
/// written on every change, by the one-pass encoder, exactly as Foundation's encoder would write
/// it but for the order of keys.
enum CurrentScoreCoding {
    static func encode(_ document: CurrentScore) -> String {
        // Encoding our own plain value type cannot fail.
        String(decoding: try! CompactJSONEncoder.encode(document, dates: .secondsSinceReferenceDate), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> CurrentScore {
        try JSONDecoder().decode(CurrentScore.self, from: Data(text.utf8))
    }
}
