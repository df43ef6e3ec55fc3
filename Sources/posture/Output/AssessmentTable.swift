import Foundation
import PostureCore

/// The human-readable `posture assess` report.
enum AssessmentTable {
    static func render(report: ScoreReport, organization: Organization, plan: WhatIfPlan?) -> String {
        var out: [String] = []
        out.append("\(organization.displayName) (\(organization.id))")
        out.append(
            "as of \(report.asOf.iso8601) · catalog \(report.catalogVersion) · scoring model \(report.scoringModelVersion)"
        )
        out.append("")
        out.append(
            "Secure Score  \(ScoreFormat.points(report.currentScore)) / \(ScoreFormat.points(report.maxScore)) points  \(ScoreFormat.percentage(report.percentage))"
        )
        out.append(
            "Verified      \(ScoreFormat.points(report.verifiedScore)) points  \(ScoreFormat.percentage(report.verifiedPercentage))  (\(ScoreFormat.points(report.claimedScore)) claimed, not verified by data)"
        )
        let noData = report.actions.filter { $0.counted && !$0.hasData }.count
        let notApplicable = report.actions.filter { !$0.applicable }.count
        out.append(
            "Actions       \(report.actions.count) in catalog · \(noData) with no data · \(notApplicable) not applicable"
        )
        out.append("")

        var categories = TextTable([
            ("CATEGORY", .left), ("SCORE", .right), ("MAX", .right), ("%", .right), ("VERIFIED", .right),
        ])
        for category in report.categories {
            categories.add([
                category.category.rawValue, ScoreFormat.points(category.score), ScoreFormat.points(category.maxScore),
                ScoreFormat.percentage(category.percentage), ScoreFormat.points(category.verifiedScore),
            ])
        }
        out.append(categories.render())
        out.append("")

        let ranked = report.rankedActions
        out.append("Ranked actions (\(ranked.count))")
        out.append(actionTable(ranked, ranked: true))
        let others = report.actions.filter { $0.rank == nil }
        if !others.isEmpty {
            out.append("")
            out.append("Not ranked: completed, resolved, risk accepted, not applicable or deprecated (\(others.count))")
            out.append(actionTable(others, ranked: false))
        }

        let projection = Projection.project(report)
        if projection.points.count > 1 || !projection.overdue.isEmpty || !projection.undated.isEmpty {
            out.append("")
            out.append(
                "Projection: \(ScoreFormat.points(projection.plannedScore)) points (\(ScoreFormat.percentage(projection.plannedPercentage))) once every planned action is done"
            )
            for point in projection.points.dropFirst() {
                out.append(
                    "  \(point.date)  \(ScoreFormat.points(point.score))  \(ScoreFormat.percentage(point.percentage))  \(point.actionIDs.joined(separator: ", "))"
                )
            }
            if !projection.overdue.isEmpty { out.append("  overdue: \(projection.overdue.joined(separator: ", "))") }
            if !projection.undated.isEmpty {
                out.append("  no target date: \(projection.undated.joined(separator: ", "))")
            }
        }

        if let plan {
            out.append("")
            out.append(planText(plan))
        }
        return out.joined(separator: "\n")
    }

    static func actionTable(_ actions: [ActionScore], ranked: Bool) -> String {
        var table = TextTable([
            (ranked ? "RANK" : "", .right), ("ACTION", .left), ("CATEGORY", .left), ("POINTS", .right),
            ("DATA", .right), ("STATUS", .left), ("REMAINING", .right), ("TITLE", .left),
        ])
        for action in actions {
            var status = action.status.label
            if !action.applicable { status = "Not applicable" }
            if action.action.deprecated { status = "Deprecated" }
            if action.exceptionExpired { status += " (exception expired)" }
            if action.regressed { status += " (regressed)" }
            let points = action.applicable ? ScoreFormat.points(action.points) : "N/A"
            table.add([
                action.rank.map(String.init) ?? "", action.action.id, action.action.category.rawValue,
                "\(points)/\(ScoreFormat.points(action.action.maxScore))", dataText(action), status,
                ScoreFormat.points(action.remaining),
                TextTable.clip(action.action.title, 60),
            ])
        }
        return table.render()
    }

    /// What the evidence said: a ratio for counted actions, yes/no for binary ones.
    static func dataText(_ action: ActionScore) -> String {
        guard action.hasData, let achieved = action.achieved, let total = action.total else { return "no data" }
        if action.action.scoringMethod == .binary && total == 1 { return achieved == 1 ? "yes" : "no" }
        let excluded = action.excluded.isEmpty ? "" : " (\(action.excluded.count) excl.)"
        return "\(achieved)/\(total)\(excluded)"
    }

    static func planText(_ plan: WhatIfPlan) -> String {
        var out: [String] = []
        let target = ScoreFormat.percentage(plan.targetPercentage)
        if plan.steps.isEmpty && plan.reachable {
            return "Plan for \(target): already reached, nothing to do."
        }
        if plan.reachable {
            out.append(
                "Plan for \(target): \(plan.steps.count) action\(plan.steps.count == 1 ? "" : "s"), cost \(ScoreFormat.points(plan.totalCost)), +\(ScoreFormat.points(plan.steps.reduce(0) { $0 + $1.gain })) points → \(ScoreFormat.points(plan.resultingScore)) (\(ScoreFormat.percentage(plan.resultingPercentage)))"
            )
        } else {
            out.append(
                "Plan for \(target): not reachable with the open actions; doing all \(plan.steps.count) reaches \(ScoreFormat.percentage(plan.resultingPercentage))"
            )
        }
        var table = TextTable([
            ("RANK", .right), ("ACTION", .left), ("GAIN", .right), ("COST", .right), ("TITLE", .left),
        ])
        for step in plan.steps {
            table.add([
                step.rank.map(String.init) ?? "", step.actionID, ScoreFormat.points(step.gain),
                ScoreFormat.points(step.cost),
                TextTable.clip(step.title, 60),
            ])
        }
        out.append(table.render())
        return out.joined(separator: "\n")
    }
}
