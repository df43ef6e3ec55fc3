import FluentKit
import Foundation
import PostureCore
import SQLKit

extension PostureStore {
    /// The cohort's average on each day of `[from, to]`: one SQL aggregate over the snapshots of
    /// every organization matching `filter` (seats of that day; industry and region as they are now),
    /// counting only cells of at least ``Comparisons/minimumCell`` organizations.
    public func cohortDays(_ filter: CustomComparison, from: CivilDay, to: CivilDay) async throws -> [CohortDay] {
        // Two levels: cells (band, industry, region) per day, those under the minimum dropped,
        // then the cohort as a union of the remaining cells. See ``Comparisons``.
        var band = "CASE"
        for (index, seatBand) in SeatBand.allCases.enumerated() {
            if let upper = seatBand.upper { band += " WHEN s.seats <= \(upper) THEN \(index)" }
        }
        band += " ELSE \(SeatBand.allCases.count - 1) END"
        var cellColumns = "s.day AS day, \(band) AS band, LOWER(COALESCE(o.industry, '')) AS industry, "
        cellColumns += "LOWER(COALESCE(o.region, '')) AS region, COUNT(*) AS members, SUM(s.percentage) AS percentage"
        // PostgreSQL sums counts as numeric: cast so both databases hand back the same types.
        let members = "CAST(SUM(members) AS DOUBLE PRECISION)"
        var columns = "day, CAST(SUM(members) AS INTEGER) AS organizations, SUM(percentage) / \(members) AS average"
        for category in ActionCategory.allCases {
            let score = M006AddTrendColumns.categoryColumn(category, "score")
            let max = M006AddTrendColumns.categoryColumn(category, "max")
            cellColumns += ", SUM(s.\(score)) AS \(score), SUM(s.\(max)) AS \(max)"
            columns += ", SUM(\(score)) / \(members) AS \(score), SUM(\(max)) / \(members) AS \(max)"
        }
        var query = SQLQueryString("SELECT \(unsafeRaw: columns) FROM (SELECT \(unsafeRaw: cellColumns)")
        query.appendInterpolation(unsafeRaw: " FROM snapshots s JOIN organizations o ON o.id = s.organization_id")
        query.appendInterpolation(unsafeRaw: " WHERE s.day >= ")
        query.appendInterpolation(bind: from.description)
        query.appendInterpolation(unsafeRaw: " AND s.day <= ")
        query.appendInterpolation(bind: to.description)
        query.appendInterpolation(
            unsafeRaw: " GROUP BY s.day, band, industry, region HAVING COUNT(*) >= \(Comparisons.minimumCell)) cells"
        )
        let bands = SeatBand.allCases.enumerated().filter { filter.includes($0.element) }.map(\.offset)
        query.appendInterpolation(
            unsafeRaw: " WHERE band IN (\(bands.isEmpty ? "-1" : bands.map(String.init).joined(separator: ", ")))"
        )
        if let industry = filter.industry {
            query.appendInterpolation(unsafeRaw: " AND industry = ")
            query.appendInterpolation(bind: industry.lowercased())
        }
        if let region = filter.region {
            query.appendInterpolation(unsafeRaw: " AND region = ")
            query.appendInterpolation(bind: region.lowercased())
        }
        query.appendInterpolation(unsafeRaw: " GROUP BY day ORDER BY day")
        let rows: [any SQLRow] = try await sql.raw(query).all()
        return try rows.compactMap { row -> CohortDay? in
            guard let day = CivilDay(try row.decode(column: "day", as: String.self)) else { return nil }
            return CohortDay(
                day: day,
                organizations: try row.decode(column: "organizations", as: Int.self),
                averagePercentage: try row.decode(column: "average", as: Double.self),
                categories: try ActionCategory.allCases.map { category in
                    CohortDay.CategoryAverage(
                        category: category,
                        averageScore: try row.decode(
                            column: M006AddTrendColumns.categoryColumn(category, "score"),
                            as: Double.self
                        ),
                        averageMaxScore: try row.decode(
                            column: M006AddTrendColumns.categoryColumn(category, "max"),
                            as: Double.self
                        )
                    )
                }
            )
        }
    }

    // MARK: settings

    /// Both settings in one read.
    public func settings(_ organizationID: String) async throws -> (zones: ScoreZones, comparison: CustomComparison?) {
        let record = try await SettingsRecord.find(organizationID, on: database)
        let ranges = record?.zones.flatMap { try? StoredJSON.decode([ScoreZones.Range].self, $0) }
        let zones = ranges.flatMap { try? ScoreZones(ranges: $0) } ?? .default
        return (zones, record?.comparison.flatMap { try? StoredJSON.decode(CustomComparison.self, $0) })
    }

    public func zones(_ organizationID: String) async throws -> ScoreZones {
        try await settings(organizationID).zones
    }

    public func customComparison(_ organizationID: String) async throws -> CustomComparison? {
        try await settings(organizationID).comparison
    }

    /// Stores the zones (nil: back to the defaults).
    public func setZones(
        _ organizationID: String,
        _ zones: ScoreZones?,
        by actor: String,
        at instant: Date
    )
        async throws
    {
        try await updateSettings(organizationID, by: actor, at: instant) { record in
            record.zones = zones.map { StoredJSON.encode($0.ranges) }
        }
    }

    /// Stores the custom comparison (nil: none).
    public func setCustomComparison(
        _ organizationID: String,
        _ comparison: CustomComparison?,
        by actor: String,
        at instant: Date
    ) async throws {
        try await updateSettings(organizationID, by: actor, at: instant) { record in
            record.comparison = comparison.map(StoredJSON.encode)
        }
    }

    private func updateSettings(
        _ organizationID: String,
        by actor: String,
        at instant: Date,
        _ change: (SettingsRecord) -> Void
    ) async throws {
        let record = try await SettingsRecord.find(organizationID, on: database) ?? SettingsRecord()
        record.id = organizationID
        change(record)
        record.updatedAt = instant
        record.updatedBy = actor
        try await record.save(on: database)
        try await announceChange()
    }

    /// Overwrites a stored snapshot with a recomputed one (`posture history recompute --apply`).
    public func replaceSnapshot(_ snapshot: DailySnapshot, at instant: Date) async throws {
        try await SnapshotRecord.query(on: database).filter(\.$organizationID == snapshot.organizationID)
            .filter(\.$day == snapshot.day.description).delete()
        try await insertSnapshot(snapshot, at: instant)
    }
}

extension PostureStore {
    /// Inserts many snapshots at once (imports, generated histories): 500 rows per statement, in
    /// one transaction. Unlike ``insertSnapshot(_:at:)`` it does not skip existing days; the
    /// unique index refuses duplicates and nothing is written.
    public func insertSnapshots(_ snapshots: [DailySnapshot], at instant: Date) async throws {
        try await transaction { store in
            for batch in stride(from: 0, to: snapshots.count, by: 500) {
                let rows = snapshots[batch..<min(batch + 500, snapshots.count)].map { snapshot -> SnapshotRecord in
                    let record = SnapshotRecord()
                    record.id = UUID()
                    record.fill(from: snapshot, at: instant)
                    return record
                }
                try await rows.create(on: store.database)
            }
            try await store.announceChange()
        }
    }
}
