import Foundation

extension OrganizationReport {
    /// The report's data as one CSV table, one row per figure or item, with its section first:
    /// `section,id,name,value,detail` (score, change, regression, history, category, action, plan,
    /// planned, exception, ticket, freshness). Numbers are plain decimals, days `yyyy-MM-dd`,
    /// instants ISO 8601 in UTC.
    public var csv: String {
        var rows: [[String]] = [
            ["report", organizationID, organizationName, "\(from)", "\(to)"],
            ["score", "points", "Score", Self.number(score.points), Self.number(score.maxPoints)],
            ["score", "percentage", "Percentage", Self.number(score.percentage), score.zone.rawValue],
            ["score", "verified", "Verified points", Self.number(score.verifiedPoints), ""],
            ["score", "claimed", "Claimed points", Self.number(score.claimedPoints), ""],
        ]
        if let change {
            rows += [
                ["change", "start", "Score at the start", Self.number(change.startPoints), ""],
                ["change", "end", "Score at the end", Self.number(change.endPoints), ""],
                ["change", "net", "Net change", Self.number(change.netChange), ""],
                [
                    "change", "gained", "Points gained", Self.number(change.pointsGained),
                    "\(change.actionsImproved) actions",
                ],
                [
                    "change", "regressed", "Points regressed", Self.number(change.pointsRegressed),
                    "\(change.actionsRegressed) actions",
                ],
            ]
        }
        rows += regressions.map {
            ["regression", $0.actionID, $0.title, Self.number($0.pointsLost), "\($0.day): \($0.cause)"]
        }
        rows += history.map {
            [
                "history", "\($0.day)", "Percentage", $0.percentage.map(Self.number) ?? "",
                $0.cohortPercentage.map(Self.number) ?? "",
            ]
        }
        rows += categories.map { ["category", $0.name, $0.name, Self.number($0.points), Self.number($0.maxPoints)] }
        rows += topActions.map {
            ["action", $0.id, $0.title, Self.number($0.remainingPoints), "\($0.effort) effort, rank \($0.rank)"]
        }
        rows.append([
            "plan", "target", "Target percentage", Self.number(plan.targetPercentage),
            plan.reachable ? "reachable" : "not reachable with the open actions",
        ])
        rows += plan.steps.map { ["plan", $0.actionID, $0.title, Self.number($0.gain), ""] }
        rows += planned.map { ["planned", $0.actionID, $0.title, $0.targetDate.map { "\($0)" } ?? "", $0.owner ?? ""] }
        rows += exceptions.map {
            ["exception", $0.actionID, $0.title, $0.expiresAt.map(\.iso8601) ?? "", $0.status.rawValue]
        }
        rows += tickets.map { ["ticket", $0.number, $0.title, $0.state, $0.url] }
        rows += freshness.map {
            [
                "freshness", $0.source, $0.source, $0.lastMeasuredAt.map(\.iso8601) ?? "",
                "\($0.actionsWithData) of \($0.actions) actions with data",
            ]
        }
        return CSVWriter.render(header: ["section", "id", "name", "value", "detail"], rows: rows) + "\n"
    }

    static func number(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
