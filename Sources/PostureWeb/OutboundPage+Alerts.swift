import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The alert rules as a form, on an organization's Settings or the instance's Alerts page;
/// whoever may change them saves them.
extension OutboundPage {
    func alertSection(_ id: OrganizationID, canWrite: Bool) async throws -> AlertSection {
        let rules = try await service.alertRules(id)
        return AlertSection(
            scoreDrop: rules.scoreDropEnabled,
            dropPercentagePoints: ScoreFormat.bound(rules.scoreDrop.percentagePoints),
            dropPoints: ScoreFormat.bound(rules.scoreDrop.points),
            regressions: rules.regressionsEnabled,
            exceptions: rules.exceptionsEnabled,
            exceptionDays: String(rules.exceptionDays),
            floor: rules.floorEnabled,
            floorPercent: ScoreFormat.bound(rules.floorPercent),
            connections: rules.connectionsEnabled,
            canWrite: canWrite
        )
    }

    /// A box left unticked is absent from the form: off. A number that does not read is refused
    /// by name, with nothing saved.
    @Sendable func saveAlerts(_ request: Request) async throws -> Response {
        let owner = try await outboundOwner(request)
        let form = (try? request.content.decode(AlertForm.self)) ?? AlertForm()
        var errors: [String] = []
        func number(_ text: String?, _ label: String) -> Double? {
            let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value.isFinite else {
                errors.append("\(label) must be a number.")
                return nil
            }
            return value
        }
        let percentagePoints = number(form.dropPercentagePoints, "Percentage points")
        let points = number(form.dropPoints, "Points")
        let days = number(form.exceptionDays, "Days ahead")
        let floor = number(form.floorPercent, "Floor percent")
        guard errors.isEmpty, let percentagePoints, let points, let days, let floor else {
            return try await renderOutbound(request, errors: errors, status: .badRequest)
        }
        let change: @Sendable (AlertRules) -> AlertRules = { before in
            var rules = before
            rules.scoreDropEnabled = form.scoreDrop == "on"
            rules.scoreDrop = ScoreDropRule(percentagePoints: percentagePoints, points: points)
            rules.regressionsEnabled = form.regressions == "on"
            rules.exceptionsEnabled = form.exceptions == "on"
            rules.exceptionDays = days == days.rounded() && abs(days) < 1e6 ? Int(days) : 0
            rules.floorEnabled = form.floor == "on"
            rules.floorPercent = floor
            rules.connectionsEnabled = form.connections == "on"
            return rules
        }
        do {
            try await service.updateAlertRules(
                owner.id,
                actor: owner.actor,
                requestID: request.id,
                change
            )
        } catch ServiceError.invalidConnection(let problems) {
            let labels = [
                "scoreDropped.percentagePoints": "Percentage points", "scoreDropped.points": "Points",
                "exceptionExpiring.days": "Days ahead", "scoreBelowFloor.percent": "Floor percent",
            ]
            return try await renderOutbound(
                request,
                errors: problems.map { "\(labels[$0.field] ?? $0.field) \($0.message)." },
                status: .badRequest
            )
        }
        return backToOutbound(request, "alerts", section: "alerts")
    }
}

/// The form's fields as posted.
struct AlertForm: Content {
    var scoreDrop: String?
    var dropPercentagePoints: String?
    var dropPoints: String?
    var regressions: String?
    var exceptions: String?
    var exceptionDays: String?
    var floor: String?
    var floorPercent: String?
    var connections: String?
}
