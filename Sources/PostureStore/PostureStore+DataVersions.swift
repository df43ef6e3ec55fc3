import Foundation
import PostureCore
import SQLKit
import SQLiteKit

extension PostureStore {
    /// Moves the versions of the organizations written to (nil: a write that belongs to none) and
    /// the version of any write (migration 032). SQLite only: every process writing to the file
    /// moves them, so a server learns which organizations another process changed. PostgreSQL's
    /// nodes hear of writes through `NOTIFY` instead.
    func moveDataVersions(_ written: Set<OrganizationID?>) async throws {
        guard !written.isEmpty, dialectName == "sqlite" else { return }
        var query: SQLQueryString = "INSERT INTO data_versions (scope, version) VALUES (\(bind: "*"), 1)"
        for scope in written.map({ $0?.rawValue ?? "" }) {
            query.appendInterpolation(unsafeRaw: ", (")
            query.appendInterpolation(bind: scope)
            query.appendInterpolation(unsafeRaw: ", 1)")
        }
        query.appendInterpolation(unsafeRaw: " ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1")
        try await sql.raw(query).run()
    }

    /// What the cached responses of `organizationID` depend on: its version and that of writes
    /// to no organization in particular (nil: the version of any write). Read on the calling
    /// thread; nil when there is no reader to ask (PostgreSQL, inside a transaction) or all its
    /// connections are busy, and the caller then does without the cache.
    public func dataVersion(of organizationID: OrganizationID?) -> UInt64? {
        guard let reader else { return nil }
        let first = organizationID?.rawValue ?? "*"
        let second = organizationID == nil ? "*" : ""
        guard
            let rows = try? reader.rows(
                "SELECT scope, version FROM data_versions WHERE scope = $1 OR scope = $2",
                [.text(first), .text(second)]
            )
        else { return nil }
        var versions: [String: UInt64] = [:]
        for row in rows {
            guard case .text(let scope) = row.column("scope"), case .integer(let version) = row.column("version")
            else { return nil }
            versions[scope] = UInt64(truncatingIfNeeded: version)
        }
        // Both parts only grow, so the pair never repeats.
        return (versions[second] ?? 0) << 32 &+ (versions[first] ?? 0)
    }
}
