import Foundation
import PostureCore
import PostureServices
import Vapor

/// Reports: an organization's report for a period, as its data (JSON, CSV), the page built for
/// print (HTML) or that page as PDF. Any role that reads the organization reads its report.
struct ReportRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.get("reports", "organization", use: organizationReport)
    }

    /// The all-organizations report, for instance-wide tokens.
    func registerInstance(on routes: any RoutesBuilder) {
        routes.get("reports", "organizations", use: instanceReport)
    }

    @Sendable func instanceReport(_ request: Request) async throws -> Response {
        let principal = try request.principal
        guard principal.access.instanceAdministrator else {
            throw APIError.forbidden("only instance administrators read the report of all organizations")
        }
        if principal.scopes.isEmpty { throw APIError.forbidden("this needs the SecurityEvents.Read.All scope") }
        let (format, paper) = try Self.format(request)
        let sortText = request.queryValue("sort") ?? "name"
        guard let sort = OrganizationListQuery.Sort(rawValue: sortText) else {
            throw APIError.badRequest(
                "sort must be one of \(NodeReader.choices(OrganizationListQuery.Sort.self)), not \"\(sortText.prefix(32))\"",
                target: "sort"
            )
        }
        let order = request.queryValue("order") ?? "asc"
        guard ["asc", "desc"].contains(order) else {
            throw APIError.badRequest("order must be asc or desc", target: "order")
        }
        let now = dependencies.clock.now()
        let printing = format == .pdf ? Int(dependencies.workBudget.refillPerSecond) : 0
        let report = try await service.instanceReport(sort: sort, descending: order == "desc")
        try request.spendWork(report.organizations.count + printing, budget: dependencies.workBudget, now: now)
        return try await respond(
            format,
            name: "posture-organizations-\(CivilDay(report.generatedAt))",
            data: report,
            csv: report.csv
        ) { renderer, inline in renderer.render(report, paper: paper, inlineStyles: inline) }
    }

    /// A report in the format asked for: its data, its page, or that page as PDF.
    func respond(
        _ format: Format,
        name: String,
        data: some Encodable,
        csv: String,
        page: (any ReportRendering, Bool) -> String
    ) async throws -> Response {
        switch format {
        case .json:
            return try JSONResponse.encode(data)
        case .csv:
            return Self.download(Data(csv.utf8), type: "text/csv; charset=utf-8", filename: name + ".csv")
        case .html:
            var headers = HTTPHeaders()
            headers.contentType = .html
            return Response(status: .ok, headers: headers, body: .init(string: page(try renderer(), false)))
        case .pdf:
            return try await pdf(page(try renderer(), true), filename: name + ".pdf")
        }
    }

    /// The format and paper a request asks for.
    static func format(_ request: Request) throws -> (Format, String) {
        let formatText = request.queryValue("format") ?? "json"
        guard let format = Format(rawValue: formatText.lowercased()) else {
            throw APIError.badRequest(
                "format must be one of \(Format.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(formatText.prefix(32))\"",
                target: "format"
            )
        }
        let paper = (request.queryValue("paper") ?? "a4").lowercased()
        guard ["a4", "letter"].contains(paper) else {
            throw APIError.badRequest("paper must be a4 or letter", target: "paper")
        }
        return (format, paper)
    }

    /// The page as PDF, or a Graph-style refusal saying why there is none.
    func pdf(_ page: String, filename: String) async throws -> Response {
        guard let converter = dependencies.pdfConverter else {
            throw APIError.notImplemented("this server makes no PDFs; ask for format=html and print it")
        }
        do {
            return Self.download(try await converter.pdf(fromHTML: page), type: "application/pdf", filename: filename)
        } catch .unavailable(let reason) {
            throw APIError.notImplemented(reason)
        } catch .busy {
            throw APIError.serviceUnavailable(PDFError.busy.description, retryAfter: 5)
        } catch {
            throw APIError.serviceUnavailable(error.description)
        }
    }

    enum Format: String, CaseIterable {
        case json, csv, html, pdf
    }

    @Sendable func organizationReport(_ request: Request) async throws -> Response {
        let id = try request.authorize(.read)
        let (format, paper) = try Self.format(request)
        let now = dependencies.clock.now()
        let period = try DayRange.interval(request, now: now, defaultDays: 30)
        // Text that is no number is as far out of range as 101.
        let target = request.queryValue("target").map { Double($0) ?? .nan }
        // Checked before any work is charged or done.
        if let problem = OrganizationReport.problem(period: period, target: target) {
            throw APIError.from(ServiceError.invalidReport(problem))
        }
        // A PDF runs a browser for about a second: it costs a second of the caller's read budget.
        let printing = format == .pdf ? Int(dependencies.workBudget.refillPerSecond) : 0
        try request.spendWork(period.days.count + printing, budget: dependencies.workBudget, now: now)
        let report = try await service.organizationReport(id, period: period, target: target)
        return try await respond(
            format,
            name: "posture-report-\(id.rawValue)-\(report.from)-\(report.to)",
            data: report,
            csv: report.csv
        ) { renderer, inline in renderer.render(report, paper: paper, inlineStyles: inline) }
    }

    func renderer() throws -> any ReportRendering {
        guard let renderer = dependencies.reportRenderer else {
            throw APIError.badRequest("this server renders no HTML reports; ask for json or csv", target: "format")
        }
        return renderer
    }

    /// A file to save: its type and a name built from the organization id and the days (ids are
    /// letters, digits and dashes, so the name needs no quoting beyond the quotes).
    static func download(_ data: Data, type: String, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
