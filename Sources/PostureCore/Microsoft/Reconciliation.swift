import Foundation

/// Microsoft's points for an action beside ours, and why they differ.
public struct ReconciliationLine: Sendable, Equatable, Encodable {
    public var actionID: String
    public var title: String
    public var microsoftPoints: Double?
    public var microsoftMax: Double?
    public var posturePoints: Double?
    public var postureMax: Double?
    /// Posture's points minus Microsoft's (0 when either side has none).
    public var difference: Double
    public var reason: String

    /// The names the API and `--format json` use.
    enum CodingKeys: String, CodingKey {
        case actionID = "actionId"
        case title, microsoftPoints
        case microsoftMax = "microsoftMaxScore"
        case posturePoints
        case postureMax = "postureMaxScore"
        case difference, reason
    }
}

/// Compares Microsoft's latest Secure Score with Posture's current report, action by action.
public enum Reconciliation {
    /// Points closer than this are the same (Microsoft rounds to two decimals).
    static let tolerance = 0.005

    public static func lines(
        microsoft day: MicrosoftDailyScore,
        profiles: [MicrosoftControlProfile],
        report: ScoreReport
    ) -> [ReconciliationLine] {
        let profileByID = Dictionary(profiles.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        var lines: [ReconciliationLine] = []
        var seen = Set<String>()
        for control in day.controls {
            seen.insert(control.controlName)
            let profile = profileByID[control.controlName]
            guard let ours = report[control.controlName] else {
                lines.append(
                    ReconciliationLine(
                        actionID: control.controlName,
                        title: profile?.title ?? control.controlName,
                        microsoftPoints: control.score,
                        microsoftMax: profile?.maxScore,
                        posturePoints: nil,
                        postureMax: nil,
                        difference: 0,
                        reason: "not in the Posture catalog"
                    )
                )
                continue
            }
            lines.append(line(control: control, profile: profile, ours: ours, microsoftDay: day.createdAt))
        }
        // Actions Posture measures that Microsoft did not score that day.
        for ours in report.actions where !seen.contains(ours.action.id) && ours.hasData {
            lines.append(
                ReconciliationLine(
                    actionID: ours.action.id,
                    title: ours.action.title,
                    microsoftPoints: nil,
                    microsoftMax: profileByID[ours.action.id]?.maxScore,
                    posturePoints: ours.points,
                    postureMax: ours.maxScore,
                    difference: 0,
                    reason: ours.action.id.hasPrefix("posture_")
                        ? "Posture's own action; Microsoft does not score it"
                        : "Microsoft did not score this action that day (licence or service not in the tenant)"
                )
            )
        }
        return lines.sorted { (abs($0.difference), $1.actionID) > (abs($1.difference), $0.actionID) }
    }

    static func line(
        control: MicrosoftControlScore,
        profile: MicrosoftControlProfile?,
        ours: ActionScore,
        microsoftDay: Date
    ) -> ReconciliationLine {
        let difference = ours.points - control.score
        return ReconciliationLine(
            actionID: ours.action.id,
            title: ours.action.title,
            microsoftPoints: control.score,
            microsoftMax: profile?.maxScore,
            posturePoints: ours.points,
            postureMax: ours.maxScore,
            difference: abs(difference) < tolerance ? 0 : difference,
            reason: reason(
                control: control,
                profile: profile,
                ours: ours,
                difference: difference,
                microsoftDay: microsoftDay
            )
        )
    }

    /// The first rule that explains the difference, most specific first.
    static func reason(
        control: MicrosoftControlScore,
        profile: MicrosoftControlProfile?,
        ours: ActionScore,
        difference: Double,
        microsoftDay: Date
    ) -> String {
        let counts = control.count.flatMap { count in control.total.map { "\(count)/\($0)" } }
        if abs(difference) < tolerance { return "same" }
        if ours.status.isClaim {
            return "Posture counts the status \"\(ours.status.label)\"; Microsoft's state is "
                + (profile?.state ?? "Default")
        }
        if !ours.hasData {
            return "no data in Posture" + (counts.map { " (Microsoft counts \($0))" } ?? "")
        }
        if !ours.applicable { return "not applicable in Posture: nothing is in scope" }
        if ours.action.deprecated != (profile?.deprecated ?? false) {
            return ours.action.deprecated ? "deprecated in the Posture catalog" : "deprecated by Microsoft"
        }
        if let maximum = profile?.maxScore, abs(maximum - ours.maxScore) >= tolerance {
            return
                "the maximum differs: Microsoft \(ScoreFormat.points(maximum)), Posture \(ScoreFormat.points(ours.maxScore))"
        }
        if let counts, let achieved = ours.achieved, let total = ours.total, counts != "\(achieved)/\(total)" {
            let excluded =
                ours.excluded.isEmpty ? "" : "; Posture excludes \(counted(ours.excluded.count, "entity", "entities"))"
            return "different counts: Microsoft \(counts), Posture \(achieved)/\(total)" + excluded
        }
        if ours.status == .completed, control.score < tolerance,
            let measured = ours.lastMeasuredAt, measured > microsoftDay
        {
            return "Posture's evidence shows it done; Microsoft has not seen the change yet (it refreshes daily)"
        }
        return "different result from the same kind of evidence"
    }
}
