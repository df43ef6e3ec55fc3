import Foundation
import PostureApp
import PostureCore
import PostureTestSupport
import Testing
import Vapor

@testable import PostureServices

/// `GET …/reports/organization`: the report's data equals the stored score every other view
/// shows, in JSON, CSV and HTML; bad ranges, formats and targets are refused with what to change.
@Suite struct ReportAPITests {
    static let path = "/api/v1/organizations/contoso/reports/organization"

    @Test(arguments: TestDatabase.available)
    func theReportIsTheStoredScoreInEveryFormat(database: TestDatabase) async throws {
        try await APIHarness.with(database: database) { harness in
            let reader = try await harness.token()
            let current = try await harness.runtime.service.currentReport("contoso")
            let json = try await harness.send(.GET, Self.path + "?from=2026-10-01&to=2026-11-28", token: reader)
            #expect(json.status == .ok, "\(json.body)")
            let report = try object(json.body)
            let score = try #require(report["score"] as? [String: Any])
            #expect(abs((score["points"] as? Double ?? -1) - current.currentScore) < 1e-9)
            #expect(abs((score["verifiedPoints"] as? Double ?? -1) - current.verifiedScore) < 1e-9)
            #expect(report["from"] as? String == "2026-10-01" && report["to"] as? String == "2026-11-28")
            let history = try #require(report["history"] as? [[String: Any]])
            #expect(history.count == 59, "one point a day")
            let top = try #require(report["topActions"] as? [[String: Any]])
            #expect(top.map { $0["id"] as? String } == current.rankedActions.prefix(10).map { Optional($0.action.id) })
            let plan = try #require(report["plan"] as? [String: Any])
            #expect(plan["targetPercentage"] as? Double == 70, "the good zone's start by default")

            let csv = try await harness.send(.GET, Self.path + "?format=csv&target=80", token: reader)
            #expect(csv.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            #expect(csv.headers.first(name: .contentDisposition)?.contains("posture-report-contoso-") == true)
            #expect(csv.body.contains("\nscore,points,Score,\(String(format: "%.2f", current.currentScore)),"))
            #expect(csv.body.contains("\nplan,target,Target percentage,80.00,"))

            let html = try await harness.send(.GET, Self.path + "?format=html", token: reader)
            #expect(html.status == .ok && html.headers.contentType == .html)
            #expect(html.body.contains(ScoreFormat.percentage(current.percentage)))
            #expect(html.body.contains(current.rankedActions[0].action.title))
        }
    }

    @Test func theAllOrganizationsReportIsForInstanceTokens() async throws {
        try await APIHarness.with { harness in
            let instance = try await harness.token(nil)
            let answer = try await harness.send(
                .GET,
                "/api/v1/reports/organizations?sort=percentage&order=desc",
                token: instance
            )
            #expect(answer.status == .ok, "\(answer.body)")
            let report = try object(answer.body)
            let rows = try #require(report["organizations"] as? [[String: Any]])
            #expect(Set(rows.compactMap { $0["id"] as? String }) == ["contoso", "fabrikam"])
            let percentages = rows.compactMap { $0["percentage"] as? Double }
            #expect(percentages == percentages.sorted(by: >), "highest first")
            let distribution = try #require(report["distribution"] as? [String: Any])
            let buckets = try #require(distribution["buckets"] as? [[String: Any]])
            #expect(buckets.count == 10 && buckets.compactMap { $0["organizations"] as? Int }.reduce(0, +) == 2)
            let csv = try await harness.send(.GET, "/api/v1/reports/organizations?format=csv", token: instance)
            #expect(
                csv.body.hasPrefix("id,name,points,maxPoints,percentage,zone,change30,regressions,connection\ncontoso,")
            )
            let reader = try await harness.send(.GET, "/api/v1/reports/organizations", token: try await harness.token())
            #expect(reader.status == .forbidden)
            let badSort = try await harness.send(.GET, "/api/v1/reports/organizations?sort=size", token: instance)
            #expect(badSort.status == .badRequest && badSort.body.contains(#""target":"sort""#))
        }
    }

    @Test func aPDFOrAClearRefusalWithoutAnEngine() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            let pdf = try await harness.send(.GET, Self.path + "?format=pdf&paper=letter", token: reader)
            #expect(pdf.status == .ok, "\(pdf.body.prefix(300))")
            #expect(pdf.headers.first(name: .contentType) == "application/pdf" && pdf.body.hasPrefix("%PDF-"))
            #expect(pdf.headers.first(name: .contentDisposition)?.hasSuffix(".pdf\"") == true)
        }
        let off: @Sendable (inout PostureConfiguration) -> Void = { $0.pdfEngine = .off }
        try await APIHarness.with(configure: off) { harness in
            let answer = try await harness.send(.GET, Self.path + "?format=pdf", token: try await harness.token())
            #expect(
                answer.status == .notImplemented && answer.body.contains("no PDF engine on this server"),
                "\(answer.body)"
            )
            #expect(try graphErrorCode(answer.body) == "notSupported")
        }
    }

    @Test func badRequestsSayWhatToChange() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            for (query, target, words) in [
                ("format=docx", "format", "format must be one of json, csv, html, pdf"),
                ("paper=a3", "paper", "paper must be a4 or letter"),
                ("from=2024-01-01&to=2026-11-28", "from", "at most 732 days"),
                ("to=2030-01-01", "to", "in the future"),
                ("from=2026-02-30", "from", "must be a day like"),
                ("target=101", "target", "between 0 and 100"),
                ("target=nan", "target", "between 0 and 100"),
            ] {
                let answer = try await harness.send(.GET, Self.path + "?" + query, token: reader)
                #expect(answer.status == .badRequest, "\(query)")
                #expect(answer.body.contains(words), "\(query): \(answer.body)")
                #expect(answer.body.contains(#""target":"\#(target)""#), "\(query)")
            }
            // The service holds the same rule, for every path that asks it for a report.
            let today = CivilDay(APIHarness.now)
            let service = harness.runtime.service
            await #expect(throws: ServiceError.invalidReport(.periodTooLong)) {
                _ = try await service.organizationReport(
                    "contoso",
                    period: DayInterval(from: today.adding(days: -OrganizationReport.maximumDays), to: today)
                )
            }
            await #expect(throws: ServiceError.invalidReport(.targetOutOfRange)) {
                _ = try await service.organizationReport(
                    "contoso",
                    period: DayInterval(from: today, to: today),
                    target: .nan
                )
            }
            // Another organization's report is not found, not forbidden.
            let other = try await harness.send(
                .GET,
                "/api/v1/organizations/fabrikam/reports/organization",
                token: reader
            )
            #expect(other.status == .notFound)
        }
    }
}
