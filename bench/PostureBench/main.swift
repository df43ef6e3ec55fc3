// The comparison-trend benchmark: one organization's one-year comparison trend among N
// organizations on PostgreSQL, against the equivalent single SQL aggregate run directly on the
// same data through the same connection pool. Prints the medians and their ratio.
//
//   POSTURE_BENCH_DATABASE_URL=postgres://… posture-bench [organizations] [days] [rounds]
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import SQLKit

if CommandLine.arguments.dropFirst().first == "report-profile" {
    try await ReportProfile.main(Array(CommandLine.arguments.dropFirst()))
    exit(0)
}

// bench/organizations.sh's modes (see ListBench.swift).
if let mode = CommandLine.arguments.dropFirst().first, mode.hasPrefix("list-") {
    try await ListBench.main(Array(CommandLine.arguments.dropFirst()))
    exit(0)
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let organizations = arguments.count > 0 ? arguments[0] : 10_000
let days = arguments.count > 1 ? arguments[1] : 365
let rounds = arguments.count > 2 ? arguments[2] : 30
guard let url = ProcessInfo.processInfo.environment["POSTURE_BENCH_DATABASE_URL"] else {
    FileHandle.standardError.write(Data("set POSTURE_BENCH_DATABASE_URL to a PostgreSQL URL\n".utf8))
    exit(2)
}

let lastDay = CivilDay("2026-11-27")!
let firstDay = lastDay.adding(days: -(days - 1))
var configuration = PostureConfiguration()
configuration.database = .postgres(url)
configuration.demo = false
configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("posture-bench").path
configuration.logLevel = "warning"
let runtime = try await buildApplication(configuration, clock: .fixed(lastDay.adding(days: 1).start), migrate: true)
let service = runtime.service
guard let sql = runtime.store.database as? any SQLDatabase else { fatalError("not an SQL database") }

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

// Data: generated inside PostgreSQL, so loading takes seconds, not hours. Seats spread over every
// band; percentages and category points drift per organization and day.
let existing = try await runtime.store.organizations().count
if existing != organizations {
    print("generating \(organizations) organizations × \(days) days …")
    let load = try await seconds {
        try await sql.raw("TRUNCATE snapshots, organizations, cohort_cells, cohort_members, cohort_seals CASCADE").run()
        try await sql.raw(
            """
            INSERT INTO organizations (id, display_name, licensed_user_count, industry, region, enabled_services, created_at, updated_at)
            SELECT 'org-' || lpad(n::text, 5, '0'), 'Organization ' || n,
                   (ARRAY[50, 300, 800, 3000, 8000, 20000])[1 + n % 6] + n % 37,
                   (ARRAY['Finance', 'Healthcare', 'Manufacturing'])[1 + n % 3], (ARRAY['EU', 'US'])[1 + n % 2],
                   '[]', now(), now()
            FROM generate_series(0, \(unsafeRaw: String(organizations - 1))) AS n
            """
        ).run()
        var columns = ""
        var values = ""
        for category in ActionCategory.allCases {
            let name = category.rawValue.lowercased()
            columns += ", cat_\(name)_score, cat_\(name)_max"
            values += ", 20 * p.r, 20"
        }
        try await sql.raw(
            """
            INSERT INTO snapshots (id, organization_id, day, score, max_score, verified_score, categories, actions,
                                   catalog_version, model_version, filled, licensed_user_count, created_at,
                                   percentage, seats\(unsafeRaw: columns))
            SELECT gen_random_uuid(), o.id, to_char(DATE '\(unsafeRaw: firstDay.description)' + d, 'YYYY-MM-DD'),
                   100 * p.r, 100, 100 * p.r, '[]', '[]', 'bench', 'posture-1', false, o.licensed_user_count, now(),
                   100 * p.r, o.licensed_user_count\(unsafeRaw: values)
            FROM organizations o CROSS JOIN generate_series(0, \(unsafeRaw: String(days - 1))) AS d
            CROSS JOIN LATERAL (SELECT (0.3 + 0.4 * abs(sin(hashtext(o.id) + d / 30.0))) AS r) AS p
            """
        ).run()
        try await sql.raw("ANALYZE snapshots").run()
    }
    print(String(format: "loaded in %.1f s", load))
}

// Closed days are sealed once (the daily sync does it for one day at a time); every comparison
// then reads the sealed cells. Timed here for the whole year at once, as after an upgrade.
let seal = try await seconds { try await runtime.store.sealCohorts(through: lastDay) }
print(String(format: "sealed %d days of %d organizations in %.1f s (once)", days, organizations, seal))

// One organization in the 101–500 band; the baseline is the same cohort aggregate, written by hand.
let target = "org-00001"
let interval = DayInterval(from: firstDay, to: lastDay)
var aggregate = "SELECT day, COUNT(*) AS organizations, AVG(percentage) AS average"
for category in ActionCategory.allCases {
    let name = category.rawValue.lowercased()
    aggregate += ", AVG(cat_\(name)_score) AS cat_\(name)_score, AVG(cat_\(name)_max) AS cat_\(name)_max"
}
aggregate +=
    " FROM snapshots WHERE day >= '\(firstDay)' AND day <= '\(lastDay)' AND seats >= 101 AND seats <= 500 GROUP BY day ORDER BY day"

// The same cohort under the comparison-privacy rule (docs/security.md): cells of seat band,
// industry and region, those under six dropped, then averaged, written by hand.
var cellColumns = "s.day AS day, COUNT(*) AS members, SUM(s.percentage) AS percentage"
var cellAverages = "day, SUM(members) AS organizations, SUM(percentage) / SUM(members) AS average"
for category in ActionCategory.allCases {
    let name = category.rawValue.lowercased()
    cellColumns += ", SUM(s.cat_\(name)_score) AS score_\(name), SUM(s.cat_\(name)_max) AS max_\(name)"
    cellAverages +=
        ", SUM(score_\(name)) / SUM(members) AS score_\(name), SUM(max_\(name)) / SUM(members) AS max_\(name)"
}
let cellAggregate =
    "SELECT \(cellAverages) FROM (SELECT \(cellColumns) FROM snapshots s JOIN organizations o ON o.id = s.organization_id"
    + " WHERE s.day >= '\(firstDay)' AND s.day <= '\(lastDay)' AND s.seats >= 101 AND s.seats <= 500"
    + " GROUP BY s.day, LOWER(COALESCE(o.industry, '')), LOWER(COALESCE(o.region, '')) HAVING COUNT(*) >= 6) cells"
    + " GROUP BY day ORDER BY day"

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var trendTimes: [Double] = []
var sqlTimes: [Double] = []
var cellTimes: [Double] = []
var checked = false
for round in 0..<(rounds + 3) {
    // Alternate the order so neither side always runs on a warmer cache.
    var trend: ComparisonTrend?
    var rows: [any SQLRow] = []
    let pair: (Double, Double)
    if round % 2 == 0 {
        let a = try await seconds { trend = try await service.comparisonTrend(OrganizationID(target), interval) }
        let b = try await seconds { rows = try await sql.raw(SQLQueryString(stringLiteral: aggregate)).all() }
        pair = (a, b)
    } else {
        let b = try await seconds { rows = try await sql.raw(SQLQueryString(stringLiteral: aggregate)).all() }
        let a = try await seconds { trend = try await service.comparisonTrend(OrganizationID(target), interval) }
        pair = (a, b)
    }
    if !checked, let trend {
        // Both sides computed the same thing.
        precondition(trend.seatBand == .upTo500 && rows.count == days && trend.seatBandPoints.count == days)
        precondition(trend.seatBandPoints.allSatisfy(\.enoughOrganizations))
        checked = true
    }
    let cells = try await seconds { _ = try await sql.raw(SQLQueryString(stringLiteral: cellAggregate)).all() }
    if round >= 3 {  // the first rounds warm caches and connections
        trendTimes.append(pair.0)
        sqlTimes.append(pair.1)
        cellTimes.append(cells)
    }
}
let trendMedian = median(trendTimes)
let sqlMedian = median(sqlTimes)
let cellMedian = median(cellTimes)
print(
    String(
        format:
            "organizations %d, days %d, rounds %d: comparison trend %.1f ms, SQL aggregate %.1f ms (ratio %.2f), "
            + "cell aggregate %.1f ms (ratio %.2f)",
        organizations,
        days,
        rounds,
        trendMedian * 1000,
        sqlMedian * 1000,
        trendMedian / sqlMedian,
        cellMedian * 1000,
        trendMedian / cellMedian
    )
)
try await runtime.shutdown()
