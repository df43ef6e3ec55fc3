// bench/reports.sh's profile: where a one-year organization report's server time goes, piece by
// piece, on the demo organization with 400 days of history in a throwaway SQLite file.
//
//   posture-bench report-profile [ROUNDS]      medians in ms, one line per piece
import Foundation
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import PostureWeb

enum ReportProfile {
    static func main(_ arguments: [String]) async throws {
        let rounds = arguments.dropFirst().first.flatMap { Int($0) } ?? 20
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("posture-report-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = PostureConfiguration()
        configuration.database = .sqliteFile(folder.appendingPathComponent("posture.sqlite").path)
        configuration.dataDirectory = folder.path
        configuration.demo = false
        configuration.logLevel = "warning"
        let now = Date()
        let today = CivilDay(now)
        let runtime = try await buildApplication(configuration, clock: PostureClock { now }, migrate: true)
        let service = runtime.service
        let store = runtime.store
        _ = try await service.seedDemo(endDay: today, days: 400, peers: 6)
        let id: OrganizationID = "contoso"
        let period = DayInterval(from: today.adding(days: -364), to: today)
        func time(_ name: String, _ body: () async throws -> Void) async throws {
            var samples: [Double] = []
            for _ in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                try await body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            samples.sort()
            print("\(name): " + String(format: "%.2f ms", samples[samples.count / 2]))
        }
        let stored = try await service.organization(id)
        // The first read after a start, once the days are sealed (the daily sync does that):
        // nothing worked out yet (each day's moves, the plan, the regressions, the cohort averages).
        try await store.sealCohorts(through: today.adding(days: -1))
        let cold = DispatchTime.now().uptimeNanoseconds
        _ = try await service.organizationReport(id, period: period)
        print(
            "first organization report: "
                + String(format: "%.2f ms", Double(DispatchTime.now().uptimeNanoseconds - cold) / 1e6)
        )
        try await time("organization report") { _ = try await service.organizationReport(id, period: period) }
        let report = try await service.organizationReport(id, period: period)
        try await time("render") { _ = ReportPage().render(report, paper: "a4", inlineStyles: false) }
        try await time("current report") { _ = try await service.currentReport(id) }
        try await time("comparison trend") {
            _ = try await service.comparisonTrend(stored.organization, period, custom: .some(nil), categories: false)
        }
        try await time("period moves") { _ = try await store.periodMoves(id, from: period.from, to: period.to) }
        let moves = try await store.periodMoves(id, from: period.from, to: period.to)
        try await time("score changes") { _ = Trends.scoreChanges(moves) }
        // As the service works them out: only from the first day of those the report keeps.
        let first = OrganizationReport.firstKeptDay(moves, from: period.from) ?? period.to
        var kept = moves
        kept.days = moves.days.filter { $0.day >= first }
        let lossDays = kept.days.filter { $0.moves.contains { $0.delta < 0 } }.count
        print("kept days: \(kept.days.count), with losses: \(lossDays)")
        let end = period.to.adding(days: 1).start
        try await time("change log of the kept days") { _ = try await store.changes(id, from: first.start, to: end) }
        let changes = try await store.changes(id, from: first.start, to: end)
        print("entries: \(changes.count)")
        try await time("change log after the end") {
            _ = try await store.changes(id, from: end, to: end.addingTimeInterval(86400))
        }
        try await time("regressions of the kept days") {
            _ = Trends.regressions(kept, changes: changes, catalog: service.catalog)
        }
        let current = try await service.currentReport(id)
        try await time("what-if plan") {
            _ = WhatIfPlanner.plan(report: current, targetPercentage: 70, weights: service.weights)
        }
        try await time("organization") { _ = try await service.organization(id) }
        try await time("settings") { _ = try await service.settings(id) }
        try await time("tickets") { _ = try await service.tickets(id, openOnly: true, limit: 50) }
        try await time("connection") { _ = try await service.connectionIfAny(id) }
        let settings = try await service.settings(id)
        let comparison = try await service.comparisonTrend(
            stored.organization,
            period,
            custom: .some(settings.comparison),
            categories: false
        )
        try await time("report model") {
            _ = OrganizationReport(
                OrganizationReport.Input(
                    organizationID: "contoso",
                    organizationName: "Contoso",
                    period: period,
                    generatedAt: now,
                    report: current,
                    zones: settings.zones,
                    changes: Trends.scoreChanges(moves),
                    regressions: [],
                    cohortName: "x",
                    cohort: comparison.seatBandPoints,
                    targetPercentage: 70,
                    weights: service.weights,
                    tickets: [],
                    lastCollectedAt: nil
                )
            )
        }
        try await runtime.shutdown()
    }
}
