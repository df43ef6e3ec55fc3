import Foundation
import PostureCore

/// `posture assess --format csv`: one row per action, in report order.
enum AssessmentCSV {
    static func render(_ document: ScoreDocument) -> String {
        let planned = Set(document.plan?.actions.map(\.id) ?? [])
        var header = [
            "rank", "id", "title", "category", "service", "status", "points", "maxScore", "remaining", "verifiedPoints",
            "claimedPoints", "applicable", "hasData", "achieved", "total", "lastMeasuredAt",
        ]
        if document.plan != nil { header.append("inPlan") }
        let rows = document.actions.map { action in
            var row = [
                action.rank.map(String.init) ?? "", action.id, action.title, action.category, action.service,
                action.status,
                number(action.points), number(action.maxScore), number(action.remaining), number(action.verifiedPoints),
                number(action.claimedPoints), String(action.applicable), String(action.hasData),
                action.achieved.map(String.init) ?? "", action.total.map(String.init) ?? "",
                action.lastMeasuredAt ?? "",
            ]
            if document.plan != nil { row.append(String(planned.contains(action.id))) }
            return row
        }
        return CSVWriter.render(header: header, rows: rows)
    }

    /// Full precision, but whole numbers without a fraction.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(value)
    }
}
