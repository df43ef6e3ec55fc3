import FluentKit
import Foundation
import PostureCore
import SQLKit

/// Sealed comparison cells (see ``Comparisons/seal(day:members:observed:)``): a closed day's
/// cell totals are written once and every comparison reads them, so a later change (an
/// organization deleted, history imported or recomputed) can never be read as a difference.
extension PostureStore {
    /// The last sealed day, nil before the first seal.
    public func cohortSealedThrough() async throws -> CivilDay? {
        let row = try await sql.raw("SELECT sealed_through FROM cohort_seals WHERE name = 'cells'").first()
        return try row.flatMap { CivilDay(try $0.decode(column: "sealed_through", as: String.self)) }
    }

    /// Seals every day after the last sealed one up to and including `last`, starting at the first
    /// snapshot on a fresh database. One node at a time; a node that finds the lock taken returns
    /// at once (the other is sealing the same days).
    public func sealCohorts(through last: CivilDay) async throws {
        // One connection: PostgreSQL takes a lock that ends with the transaction; SQLite has one
        // node, where the in-process lock does the same.
        if dialectName == "postgresql" {
            try await transaction { store in
                let key = Self.lockKey("posture.cohorts")
                let row = try await store.sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: key)) AS locked").first()
                guard try row?.decode(column: "locked", as: Bool.self) == true else { return }
                try await store.sealCohortsHoldingLock(through: last)
            }
        } else {
            _ = try await locks.run("posture.cohorts") {
                try await self.transaction { store in try await store.sealCohortsHoldingLock(through: last) }
            }
        }
    }

    private func sealCohortsHoldingLock(through last: CivilDay) async throws {
        let sealed = try await cohortSealedThrough()
        let first: CivilDay?
        if let sealed { first = sealed.adding(days: 1) } else { first = try await earliestSnapshotDay() }
        guard let first, first <= last else { return }
        var members = try await cohortMembers()
        var start = first
        // A month of snapshots at a time bounds memory on a first seal of a long history.
        while start <= last {
            let end = min(start.adding(days: 30), last)
            let observed = try await cohortObservations(from: start, to: end)
            var cells: [SealedCell] = []
            var day = start
            while day <= end {
                let sealedDay = Comparisons.seal(day: day, members: members, observed: observed[day] ?? [])
                members = sealedDay.members
                cells += sealedDay.cells
                day = day.adding(days: 1)
            }
            try await insert(cells)
            start = end.adding(days: 1)
        }
        try await sql.raw("DELETE FROM cohort_members").run()
        try await insertRows(
            into: "cohort_members",
            columns: ["organization_id", "band", "industry", "region", "percentage"],
            rows: members.map { member in
                [SQLBind(member.organizationID)] + Self.cellBinds(member.cell) + Self.binds(member.contribution)
            }
        )
        try await sql.raw("DELETE FROM cohort_seals WHERE name = 'cells'").run()
        try await sql.raw(
            "INSERT INTO cohort_seals (name, sealed_through) VALUES ('cells', \(bind: last.description))"
        ).run()
    }

    /// The cohort's average on each sealed day of `[from, to]` that has matching cells of at least
    /// ``Comparisons/minimumCell`` members: one aggregate over the sealed cells.
    public func sealedCohortDays(
        _ filter: CustomComparison,
        from: CivilDay,
        to: CivilDay,
        categories withCategories: Bool = true
    ) async throws -> [CohortDay] {
        // PostgreSQL sums integers as bigint: cast so both databases hand back the same types.
        let members = "CAST(SUM(members) AS DOUBLE PRECISION)"
        var columns = "day, CAST(SUM(members) AS INTEGER) AS organizations, SUM(percentage) / \(members) AS average"
        // A chart of percentages only (the overview) skips the category averages: ten fewer
        // aggregates and decoded columns per day.
        for column in M010CreateCohortCells.categoryColumns where withCategories {
            columns += ", SUM(\(column)) / \(members) AS \(column)"
        }
        var query = SQLQueryString("SELECT \(unsafeRaw: columns) FROM cohort_cells WHERE members >= ")
        query.appendInterpolation(bind: Comparisons.minimumCell)
        query.appendInterpolation(unsafeRaw: " AND day >= ")
        query.appendInterpolation(bind: from.description)
        query.appendInterpolation(unsafeRaw: " AND day <= ")
        query.appendInterpolation(bind: to.description)
        let bands = SeatBand.allCases.enumerated().filter { filter.includes($0.element) }.map(\.offset)
        query.appendInterpolation(
            unsafeRaw: " AND band IN (\(bands.isEmpty ? "-1" : bands.map(String.init).joined(separator: ", ")))"
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
        return try await valueRows(query).compactMap { row -> CohortDay? in
            guard let day = CivilDay(try row.required("day", ValueRow.string)) else { return nil }
            return CohortDay(
                day: day,
                organizations: try row.required("organizations", ValueRow.int),
                averagePercentage: try row.required("average", ValueRow.double),
                categories: !withCategories
                    ? []
                    : try ActionCategory.allCases.map { category in
                        CohortDay.CategoryAverage(
                            category: category,
                            averageScore: try row.required(
                                M006AddTrendColumns.categoryColumn(category, "score"),
                                ValueRow.double
                            ),
                            averageMaxScore: try row.required(
                                M006AddTrendColumns.categoryColumn(category, "max"),
                                ValueRow.double
                            )
                        )
                    }
            )
        }
    }

    /// A deleted organization keeps counting in its cell until enough others leave, but under an
    /// anonymous name, so an organization created later under the same id starts afresh.
    func anonymizeCohortMember(_ organizationID: OrganizationID) async throws {
        try await sql.raw(
            "UPDATE cohort_members SET organization_id = \(bind: "deleted:" + UUID().uuidString) WHERE organization_id = \(bind: organizationID.rawValue)"
        ).run()
    }

    // MARK: rows

    private func earliestSnapshotDay() async throws -> CivilDay? {
        let row = try await sql.raw("SELECT MIN(day) AS day FROM snapshots").first()
        return try row.flatMap { try $0.decodeIfPresent(column: "day", as: String.self) }.flatMap(CivilDay.init)
    }

    private func cohortMembers() async throws -> [CohortCellMember] {
        let columns =
            (["organization_id", "band", "industry", "region", "percentage"] + M010CreateCohortCells.categoryColumns)
            .joined(separator: ", ")
        let rows = try await sql.raw("SELECT \(unsafeRaw: columns) FROM cohort_members ORDER BY organization_id").all()
        return try rows.map { row in
            CohortCellMember(
                organizationID: try row.decode(column: "organization_id", as: String.self),
                cell: try Self.cell(row),
                contribution: try Self.contribution(row)
            )
        }
    }

    /// Every snapshot of `[from, to]` as the cell it falls in (seats of that day, industry and
    /// region as they are at sealing), by day.
    private func cohortObservations(from: CivilDay, to: CivilDay) async throws -> [CivilDay: [CohortCellMember]] {
        var columns = "s.organization_id AS organization_id, s.day AS day, s.seats AS seats, o.industry AS industry, "
        columns += "o.region AS region, s.percentage AS percentage"
        for column in M010CreateCohortCells.categoryColumns { columns += ", s.\(column) AS \(column)" }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: columns) FROM snapshots s JOIN organizations o ON o.id = s.organization_id \
            WHERE s.day >= \(bind: from.description) AND s.day <= \(bind: to.description) \
            ORDER BY s.day, s.organization_id
            """
        ).all()
        var byDay: [CivilDay: [CohortCellMember]] = [:]
        for row in rows {
            guard let day = CivilDay(try row.decode(column: "day", as: String.self)) else { continue }
            let cell = Comparisons.Cell(
                seats: try row.decode(column: "seats", as: Int.self),
                industry: try row.decodeIfPresent(column: "industry", as: String.self),
                region: try row.decodeIfPresent(column: "region", as: String.self)
            )
            byDay[day, default: []].append(
                CohortCellMember(
                    organizationID: try row.decode(column: "organization_id", as: String.self),
                    cell: cell,
                    contribution: try Self.contribution(row)
                )
            )
        }
        return byDay
    }

    private func insert(_ cells: [SealedCell]) async throws {
        try await insertRows(
            into: "cohort_cells",
            columns: ["day", "band", "industry", "region", "members", "percentage"],
            rows: cells.map { cell in
                [SQLBind(cell.day.description)] + Self.cellBinds(cell.cell) + [SQLBind(cell.members)]
                    + Self.binds(cell.sums)
            }
        )
    }

    /// Rows in statements of 40: under SQLite's oldest limit of 999 bound values.
    private func insertRows(into table: String, columns: [String], rows: [[SQLBind]]) async throws {
        let all = columns + M010CreateCohortCells.categoryColumns
        for start in stride(from: 0, to: rows.count, by: 40) {
            let insert = sql.insert(into: table).columns(all)
            for row in rows[start..<min(start + 40, rows.count)] { insert.values(row) }
            try await insert.run()
        }
    }

    private static func cellBinds(_ cell: Comparisons.Cell) -> [SQLBind] {
        [SQLBind(SeatBand.allCases.firstIndex(of: cell.band) ?? 0), SQLBind(cell.industry), SQLBind(cell.region)]
    }

    /// The percentage, then points and max per category in column order.
    private static func binds(_ contribution: CohortContribution) -> [SQLBind] {
        var binds = [SQLBind(contribution.percentage)]
        for index in ActionCategory.allCases.indices {
            binds += [SQLBind(contribution.scores[index]), SQLBind(contribution.maxScores[index])]
        }
        return binds
    }

    private static func cell(_ row: any SQLRow) throws -> Comparisons.Cell {
        let index = try row.decode(column: "band", as: Int.self)
        return Comparisons.Cell(
            band: SeatBand.allCases.indices.contains(index) ? SeatBand.allCases[index] : .upTo100,
            industry: try row.decode(column: "industry", as: String.self),
            region: try row.decode(column: "region", as: String.self)
        )
    }

    private static func contribution(_ row: any SQLRow) throws -> CohortContribution {
        CohortContribution(
            percentage: try row.decode(column: "percentage", as: Double.self),
            scores: try ActionCategory.allCases.map {
                try row.decode(column: M006AddTrendColumns.categoryColumn($0, "score"), as: Double.self)
            },
            maxScores: try ActionCategory.allCases.map {
                try row.decode(column: M006AddTrendColumns.categoryColumn($0, "max"), as: Double.self)
            }
        )
    }
}
