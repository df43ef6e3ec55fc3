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
    /// returns.
    @discardableResult
    public func saveCurrentScore(_ organizationID: OrganizationID, _ document: CurrentScore) async throws -> Int64 {
        var revision: Int64 = 0
        while revision == 0 { revision = Int64.random(in: Int64.min...Int64.max) }
        let columns = [
            "organization_id", "revision", "valid_until", "rules_key", "score", "max_score", "verified_score",
            "regressions", "document",
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
                SQLBind(CurrentScoreCoding.encode(document))
            )
            .onConflict(with: ["organization_id"]) { update in
                var update = update
                for column in columns.dropFirst() { update = update.set(excludedValueOf: column) }
                return update
            }
            .run()
        return revision
    }

    func deleteCurrentScore(_ organizationID: OrganizationID) async throws {
        try await sql.raw("DELETE FROM current_scores WHERE organization_id = \(bind: organizationID.rawValue)").run()
    }

    /// Organizations whose current score is due at `now`: a time-driven change has come, it was
    /// computed under other rules, or there is none yet (data from before migration 011). At most
    /// `limit`.
    public func dueCurrentScores(at now: Date, rulesKey: String, limit: Int) async throws -> [OrganizationID] {
        try await sql.raw(
            """
            SELECT organization_id FROM current_scores
            WHERE valid_until <= \(bind: now.timeIntervalSince1970) OR rules_key <> \(bind: rulesKey)
            UNION
            SELECT id AS organization_id FROM organizations
            WHERE id NOT IN (SELECT organization_id FROM current_scores)
            LIMIT \(bind: limit)
            """
        ).all().map { OrganizationID(try $0.decode(column: "organization_id", as: String.self)) }
    }
}

/// The stored form of ``CurrentScore``: JSON with dates as seconds, which decodes fastest.
enum CurrentScoreCoding {
    static func encode(_ document: CurrentScore) -> String {
        // Encoding our own plain value type cannot fail.
        String(decoding: try! JSONEncoder().encode(document), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> CurrentScore {
        try JSONDecoder().decode(CurrentScore.self, from: Data(text.utf8))
    }
}
