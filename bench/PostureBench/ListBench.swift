// bench/organizations.sh's helpers: seeding thousands of organizations with a year of history
// each, and timing the plain SQL select of one page of the organizations list (the baseline).
//
//   posture-bench list-seed COUNT       organizations in all, cloned from a seeded demo organization
//   posture-bench list-sql ROUNDS SORT DIR OFFSET   median of the plain select of 50 rows, in ms
//
// The database is POSTURE_BENCH_DATABASE_URL (PostgreSQL) or else the SQLite file
// POSTURE_BENCH_SQLITE.
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import SQLKit

enum ListBench {
    static func main(_ arguments: [String]) async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = PostureConfiguration()
        if let url = environment["POSTURE_BENCH_DATABASE_URL"] {
            configuration.database = .postgres(url)
        } else if let path = environment["POSTURE_BENCH_SQLITE"] {
            configuration.database = .sqliteFile(path)
        } else {
            FileHandle.standardError.write(Data("set POSTURE_BENCH_DATABASE_URL or POSTURE_BENCH_SQLITE\n".utf8))
            exit(2)
        }
        configuration.demo = false
        configuration.dataDirectory =
            environment["POSTURE_DATA_DIR"]
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("posture-bench").path
        configuration.logLevel = "warning"
        // The real clock: the server started on this data afterwards finds no day missing.
        let today = CivilDay(Date())
        let runtime = try await buildApplication(configuration, clock: PostureClock { Date() }, migrate: true)
        guard let sql = runtime.store.database as? any SQLDatabase else { fatalError("not an SQL database") }
        switch arguments.first {
        case "list-seed":
            let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 5_000
            try await seed(runtime.service, sql, count: count, today: today)
        case "list-sql":
            let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 200 : 200
            let sort = arguments.count > 2 ? arguments[2] : "name"
            let descending = arguments.count > 3 && arguments[3] == "desc"
            let offset = arguments.count > 4 ? Int(arguments[4]) ?? 0 : 0
            let median = try await plainSelect(sql, rounds: rounds, sort: sort, descending: descending, offset: offset)
            print(String(format: "%.4f", median * 1000))
        default:
            FileHandle.standardError.write(
                Data("usage: posture-bench list-seed COUNT | list-sql ROUNDS SORT DIR OFFSET\n".utf8)
            )
            exit(2)
        }
        try await runtime.shutdown()
    }

    /// A demo organization with a year of history, then clones of it (its snapshots, change log
    /// and stored score, the score scaled per clone so every order has something to sort) up to
    /// `count` organizations, one SQL statement per table.
    static func seed(_ service: PostureService, _ sql: any SQLDatabase, count: Int, today: CivilDay) async throws {
        let start = Date()
        _ = try await service.seedDemo(endDay: today, days: 365, peers: 0)
        let template = DemoHistory.organization.id
        // Its stored current score, which the clones copy (the server would store it at start).
        try await service.refreshCurrentScore(OrganizationID(template))
        let postgres = sql.dialect.name == "postgresql"
        let uuid =
            postgres
            ? "gen_random_uuid()"
            : "upper(hex(randomblob(4)))||'-'||upper(hex(randomblob(2)))||'-'||upper(hex(randomblob(2)))||'-'"
                + "||upper(hex(randomblob(2)))||'-'||upper(hex(randomblob(6)))"
        let clones = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < \(count - 1))"
        let id = "('org-' || x)"
        // Spread over 30–100 % of the template's score; a quarter in each regression count.
        let scale = "(0.3 + (x % 71) / 100.0)"
        func columns(_ table: String) async throws -> [String] {
            guard
                let row = try await sql.raw("SELECT * FROM \(ident: table) WHERE organization_id = \(bind: template)")
                    .first()
            else { return [] }
            return row.allColumns
        }
        func clone(_ table: String, _ replace: [String: String]) async throws {
            let names = try await columns(table)
            guard !names.isEmpty else { return }
            let values = names.map { replace[$0] ?? "t.\($0)" }
            try await sql.raw(
                """
                \(unsafeRaw: clones) INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: names.joined(separator: ", ")))
                SELECT \(unsafeRaw: values.joined(separator: ", ")) FROM n, \(unsafeRaw: table) t
                WHERE t.organization_id = \(bind: template)
                """
            ).run()
        }
        try await sql.raw(
            """
            \(unsafeRaw: clones) INSERT INTO organizations (id, display_name, licensed_user_count, active_user_count,
            industry, region, enabled_services, created_at, updated_at)
            SELECT \(unsafeRaw: id), 'Organization ' || x, t.licensed_user_count, t.active_user_count, t.industry,
            t.region, t.enabled_services, t.created_at, t.updated_at FROM n, organizations t WHERE t.id = \(bind: template)
            """
        ).run()
        try await clone(
            "snapshots",
            ["id": uuid, "organization_id": id, "score": "t.score * \(scale)", "percentage": "t.percentage * \(scale)"]
        )
        try await clone("change_batches", ["organization_id": id])
        try await clone(
            "current_scores",
            [
                "organization_id": id, "score": "t.score * \(scale)", "verified_score": "t.verified_score * \(scale)",
                "regressions": "x % 4", "revision": "x",
            ]
        )
        // Every tenth organization with its own zones.
        let zones = try ScoreZones(ranges: [
            .init(zone: .bad, from: 0, to: 30), .init(zone: .okay, from: 30, to: 60),
            .init(zone: .good, from: 60, to: 100),
        ])
        let json = String(decoding: try JSONEncoder().encode(zones.ranges), as: UTF8.self)
        try await sql.raw(
            """
            \(unsafeRaw: clones) INSERT INTO organization_settings (organization_id, zones, zone_okay_from, zone_good_from,
            updated_at, updated_by)
            SELECT \(unsafeRaw: id), \(bind: json), 30, 60, t.created_at, 'bench' FROM n, organizations t
            WHERE t.id = \(bind: template) AND x % 10 = 0
            """
        ).run()
        if postgres { try await sql.raw("ANALYZE").run() }
        let rows =
            try await sql.raw("SELECT COUNT(*) AS n FROM snapshots").first()?.decode(column: "n", as: Int.self) ?? 0
        print(
            String(
                format: "seeded %d organizations, %d snapshots, in %.1f s",
                try await service.organizationCount(),
                rows,
                Date().timeIntervalSince(start)
            )
        )
    }

    /// The baseline: the page's rows selected by hand, in the list's order, without the zone, the
    /// 30-day change, the count or anything around it.
    static func plainSelect(
        _ sql: any SQLDatabase,
        rounds: Int,
        sort: String,
        descending: Bool,
        offset: Int
    ) async throws -> Double {
        let direction = descending ? "DESC" : "ASC"
        let order =
            switch sort {
            case "percentage": "c.score / c.max_score \(direction), LOWER(o.display_name), o.id"
            case "score": "c.score \(direction), LOWER(o.display_name), o.id"
            default: "LOWER(o.display_name) \(direction), o.id \(direction)"
            }
        let query = SQLQueryString(
            stringLiteral: """
                SELECT o.id, o.display_name, c.score, c.max_score, c.verified_score, c.regressions
                FROM organizations o JOIN current_scores c ON c.organization_id = o.id
                ORDER BY \(order) LIMIT 50 OFFSET \(offset)
                """
        )
        var times: [Double] = []
        for round in 0..<(rounds + 5) {
            let start = DispatchTime.now().uptimeNanoseconds
            let rows = try await sql.raw(query).all()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            precondition(!rows.isEmpty, "no rows: seed first")
            if round >= 5 { times.append(elapsed) }
        }
        return times.sorted()[times.count / 2]
    }
}
