import Foundation
import PostureCore
import PostureStore

extension PostureService {
    /// The organization's report for `period`, from its stored current score, its snapshots and
    /// change log (the numbers every page shows), with the plan to `target` percent (default: where
    /// its good zone starts).
    public func organizationReport(
        _ organizationID: OrganizationID,
        period: DayInterval,
        target: Double? = nil
    ) async throws -> OrganizationReport {
        if let problem = OrganizationReport.problem(period: period, target: target) {
            throw ServiceError.invalidReport(problem)
        }
        let stored = try await organization(organizationID)
        let report = try await currentReport(of: stored)
        let settings = try await settings(organizationID)
        let targetPercentage = target ?? settings.zones.ranges.first { $0.zone == .good }?.from ?? 70
        let tickets = try await tickets(organizationID, openOnly: true, limit: OrganizationReport.listLimit)
        let connection = try await connectionIfAny(organizationID)
        // Gains, losses and regressions come from the period's stored moves (what changed each
        // day), not from every day's actions, and are worked out again only when a stored day or
        // the change log changed. The log's end is read first: a write landing meanwhile makes
        // the key older than the work, never the work older than the key.
        let lastChange = try await store.lastChangeSequence(organizationID)
        let (moves, fingerprint, percentages) = try await store.fingerprintedMoves(
            organizationID,
            from: period.from,
            to: period.to
        )
        let comparison = try await comparisonTrend(
            stored.organization,
            period,
            custom: .some(settings.comparison),
            categories: false,
            own: percentages
        )
        let key = DerivedMemo.PeriodKey(
            period: period,
            moves: fingerprint,
            lastChange: lastChange,
            createdAt: stored.createdAt
        )
        let work: DerivedMemo.PeriodWork
        if let held = memo.period(organizationID, key) {
            work = held
        } else {
            work = try await periodWork(organizationID, period: period, moves: moves)
            memo.keep(organizationID, key, work)
        }
        return OrganizationReport(
            OrganizationReport.Input(
                organizationID: organizationID.rawValue,
                organizationName: stored.organization.displayName,
                period: period,
                generatedAt: clock.now(),
                report: report,
                zones: settings.zones,
                changes: work.changes,
                regressions: work.regressions,
                cohortName: "Organizations with \(comparison.seatBand.rawValue) seats (average %)",
                cohort: comparison.seatBandPoints,
                targetPercentage: targetPercentage,
                weights: weights,
                tickets: tickets.map {
                    OrganizationReport.Ticket(
                        number: $0.number,
                        state: $0.state,
                        actionID: $0.actionID,
                        title: catalog[$0.actionID]?.title ?? $0.actionID,
                        url: $0.url
                    )
                },
                lastCollectedAt: connection?.collection.lastSuccessAt,
                plan: whatIfPlan(organizationID, report: report, targetPercentage: targetPercentage)
            )
        )
    }
}

extension PostureService {
    /// The period's gains and losses from its moves, and the regressions a report keeps with
    /// their causes from the change log, worked out only for the days of those kept: a year
    /// holds thousands.
    func periodWork(
        _ organizationID: OrganizationID,
        period: DayInterval,
        moves: PeriodMoves
    ) async throws -> DerivedMemo.PeriodWork {
        var scoreChanges = Trends.scoreChanges(moves)
        scoreChanges.from = max(scoreChanges.from ?? period.from, period.from)
        guard let first = OrganizationReport.firstKeptDay(moves, from: period.from) else {
            return DerivedMemo.PeriodWork(changes: scoreChanges, regressions: [])
        }
        let changes = try await store.changes(organizationID, from: first.start, to: period.to.adding(days: 1).start)
        var kept = moves
        kept.days = moves.days.filter { $0.day >= first }
        return DerivedMemo.PeriodWork(
            changes: scoreChanges,
            regressions: Trends.regressions(kept, changes: changes, catalog: catalog).regressions
        )
    }
}

/// Renders a report as a page built for print (the dashboard's renderer, given to the API by the
/// composition root, so both serve the same page).
public protocol ReportRendering: Sendable {
    /// `paper` is `a4` or `letter`; `inlineStyles` puts the stylesheet inside the page (a file, a
    /// PDF engine) instead of linking the server's.
    func render(_ report: OrganizationReport, paper: String, inlineStyles: Bool) -> String
    /// The all-organizations report, likewise.
    func render(_ report: InstanceReport, paper: String, inlineStyles: Bool) -> String
}

/// Turns a report's printable page into PDF (a browser engine run by the composition root).
public protocol PDFConverting: Sendable {
    func pdf(fromHTML html: String) async throws(PDFError) -> Data
}

/// Why no PDF came out, in words for the person who asked.
public enum PDFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No engine on this server: the server refuses at once rather than hang.
    case unavailable(String)
    /// As many PDFs as the server makes at once are being made.
    case busy
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): reason
        case .busy: "the server is making other PDFs; try again in a few seconds"
        case .failed(let reason): "the PDF could not be made: \(reason)"
        }
    }
}

extension PostureService {
    /// Every organization of the instance (at most ``InstanceReport/maximumOrganizations``) from
    /// the stored scores, in pages of the organization list's SQL query.
    public func instanceReport(
        sort: OrganizationListQuery.Sort = .name,
        descending: Bool = false
    ) async throws -> InstanceReport {
        var rows: [OrganizationListRow] = []
        var after: OrganizationListCursor?
        var total = 0
        repeat {
            let query = try OrganizationListQuery(
                sort: sort,
                descending: descending,
                limit: ListPage.maximumSize,
                after: after
            )
            let page = try await organizationPage(query, visible: nil)
            rows += page.rows.map(\.row)
            total = page.total
            after = page.next
        } while after != nil && rows.count < InstanceReport.maximumOrganizations
        return InstanceReport(
            rows: Array(rows.prefix(InstanceReport.maximumOrganizations)),
            sort: sort,
            descending: descending,
            truncated: total > InstanceReport.maximumOrganizations,
            generatedAt: clock.now()
        )
    }
}
