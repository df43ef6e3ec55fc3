import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The dashboard's report of an organization: the page built for print, and its data as CSV and
/// JSON, for `from`/`to` (default the last 30 days), `paper` (a4 or letter) and `target` (%).
struct ReportRoutes: Sendable {
    let dependencies: WebDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("report", use: page)
        organization.get("report.csv", use: csv)
        organization.get("report.json", use: json)
        organization.get("report.pdf", use: pdf)
    }

    /// The all-organizations report, for instance administrators.
    func registerInstance(on signedIn: any RoutesBuilder) {
        signedIn.get("reports", "organizations", use: instancePage)
        signedIn.get("reports", "organizations.csv", use: instanceCSV)
        signedIn.get("reports", "organizations.json", use: instanceJSON)
        signedIn.get("reports", "organizations.pdf", use: instancePDF)
    }

    func instanceReport(_ request: Request) async throws -> (WebUser, InstanceReport) {
        let web = try request.webUser
        guard web.user.instanceAdministrator else {
            throw WebError.forbidden("Only instance administrators read the report of all organizations.")
        }
        let sort = OrganizationListQuery.Sort(rawValue: request.query[String.self, at: "sort"] ?? "") ?? .name
        let descending = request.query[String.self, at: "order"] == "desc"
        return (web, try await service.instanceReport(sort: sort, descending: descending))
    }

    @Sendable func instancePage(_ request: Request) async throws -> Response {
        let (_, report) = try await instanceReport(request)
        let order = "?sort=\(report.sort.rawValue)&order=\(report.descending ? "desc" : "asc")"
        let page = InstanceReportPage(
            sortBase: "/reports/organizations",
            screenLinks: [
                ("All organizations", "/"), ("PDF", "/reports/organizations.pdf" + order),
                ("CSV", "/reports/organizations.csv" + order), ("JSON", "/reports/organizations.json" + order),
            ]
        )
        return WebPages.html(page.html(report))
    }

    @Sendable func instanceCSV(_ request: Request) async throws -> Response {
        let (_, report) = try await instanceReport(request)
        return Self.csv(report.csv, name: "posture-organizations-\(CivilDay(report.generatedAt))")
    }

    @Sendable func instanceJSON(_ request: Request) async throws -> Response {
        let (_, report) = try await instanceReport(request)
        return try Self.json(report, name: "posture-organizations-\(CivilDay(report.generatedAt))")
    }

    @Sendable func instancePDF(_ request: Request) async throws -> Response {
        let (web, report) = try await instanceReport(request)
        let paper = ReportPaper(rawValue: request.query[String.self, at: "paper"]?.lowercased() ?? "") ?? .a4
        return try await pdfResponse(
            InstanceReportPage(paper: paper, inlineStyles: true).html(report),
            filename: "posture-organizations-\(CivilDay(report.generatedAt)).pdf",
            signedIn: web.signedIn
        )
    }

    /// The page as PDF, or a page saying why there is none.
    func pdfResponse(_ page: String, filename: String, signedIn: Layout.SignedIn) async throws -> Response {
        guard let converter = dependencies.pdfConverter else {
            throw WebError.badRequest("This server makes no PDFs. Open the report and print it from the browser.")
        }
        let data: Data
        do {
            data = try await converter.pdf(fromHTML: page)
        } catch {
            let status: HTTPStatus = if case .unavailable = error { .notImplemented } else { .serviceUnavailable }
            return WebPages.error(
                status,
                "No PDF",
                Notices.sentence(error.description) + " Open the report and print it from the browser instead.",
                signedIn: signedIn
            )
        }
        return Self.download(data, type: HTTPMediaType(type: "application", subType: "pdf"), filename: filename)
    }

    static func stylesheets(on web: any RoutesBuilder) {
        for paper in ReportPaper.allCases {
            web.get("assets", "report-\(paper.rawValue).css") { _ in
                var headers = HTTPHeaders()
                headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
                headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
                return Response(status: .ok, headers: headers, body: .init(string: ReportStylesheet.css(paper: paper)))
            }
        }
    }

    /// The report the request asks for; a range or target the report cannot take is refused with
    /// what to change.
    func report(_ request: Request) async throws -> (OrganizationContext, OrganizationReport) {
        let context = try await OrganizationContext.resolve(request, .overview, service: service)
        let today = CivilDay(dependencies.clock.now())
        let period: DayInterval
        do {
            period = try DayInterval.resolve(
                from: request.query[String.self, at: "from"],
                to: request.query[String.self, at: "to"],
                today: today,
                defaultDays: 30
            )
        } catch {
            throw WebError.badRequest(
                "Choose days like 2026-11-28, from before to, to not after today (\(today.description))."
            )
        }
        let target = request.query[String.self, at: "target"].map { Double($0) ?? .nan }
        if let problem = OrganizationReport.problem(period: period, target: target) {
            throw WebError.badRequest(
                Notices.sentence(problem.description)
            )
        }
        return (context, try await service.organizationReport(context.id, period: period, target: target))
    }

    @Sendable func page(_ request: Request) async throws -> Response {
        let (context, report) = try await report(request)
        let paper = ReportPaper(rawValue: request.query[String.self, at: "paper"]?.lowercased() ?? "") ?? .a4
        let base = "/orgs/\(WebPath.segment(context.id.rawValue))"
        let query = "?from=\(report.from.description)&to=\(report.to.description)"
        let other: ReportPaper = paper == .a4 ? .letter : .a4
        let renderer = ReportPage(
            paper: paper,
            screenLinks: [
                ("Back to the overview", base), ("CSV", base + "/report.csv" + query),
                ("PDF", base + "/report.pdf" + query + "&paper=\(paper.rawValue)"),
                ("JSON", base + "/report.json" + query),
                (
                    "Lay out for \(other == .a4 ? "A4" : "US Letter")",
                    base + "/report" + query + "&paper=\(other.rawValue)"
                ),
            ]
        )
        return WebPages.html(renderer.html(report))
    }

    @Sendable func csv(_ request: Request) async throws -> Response {
        let (context, report) = try await report(request)
        return Self.csv(report.csv, name: "posture-report-\(context.id.rawValue)-\(report.from)-\(report.to)")
    }

    @Sendable func json(_ request: Request) async throws -> Response {
        let (context, report) = try await report(request)
        return try Self.json(report, name: "posture-report-\(context.id.rawValue)-\(report.from)-\(report.to)")
    }

    static func csv(_ text: String, name: String) -> Response {
        download(
            Data(text.utf8),
            type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]),
            filename: name + ".csv"
        )
    }

    static func json(_ value: some Encodable, name: String) throws -> Response {
        download(try ReportJSON.encode(value), type: .json, filename: name + ".json")
    }

    @Sendable func pdf(_ request: Request) async throws -> Response {
        let (context, report) = try await report(request)
        let paper = request.query[String.self, at: "paper"]?.lowercased() ?? "a4"
        return try await pdfResponse(
            ReportPage().render(report, paper: paper, inlineStyles: true),
            filename: "posture-report-\(context.id.rawValue)-\(report.from)-\(report.to).pdf",
            signedIn: context.web.signedIn
        )
    }

    static func download(_ data: Data, type: HTTPMediaType, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
