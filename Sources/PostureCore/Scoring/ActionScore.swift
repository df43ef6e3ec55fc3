import Foundation

/// One action's contribution to a score, with everything needed to explain it.
public struct ActionScore: Sendable, Equatable {
    public var action: ImprovementAction
    /// Points counted in the score (measured, or full points for a claim or completion).
    public var points: Double
    /// Points the data alone supports.
    public var measuredPoints: Double
    /// Points the data supports, counted in the verified score (claims left out).
    public var verifiedPoints: Double
    /// Points resting on a third-party or alternate-mitigation claim.
    public var claimedPoints: Double
    /// The status in force after the data and expiry rules are applied.
    public var status: ActionStatus
    /// The status record a person set, when one exists (even if data overrides it).
    public var statusRecord: StatusRecord?
    /// False when nothing is in scope (`total == 0`): the action counts in neither score nor max.
    public var applicable: Bool
    /// False when the action was never measured: it counts in max with 0 points.
    public var hasData: Bool
    /// Whether the action counts towards score and max (applicable and not deprecated).
    public var counted: Bool
    public var achieved: Int?
    public var total: Int?
    /// Active exclusions left out of the counts.
    public var excluded: [Exclusion]
    public var lastMeasuredAt: Date?
    /// An exception whose expiry has passed: the action reopened as `toAddress`.
    public var exceptionExpired: Bool
    /// The system had marked the action completed and the data no longer supports it.
    public var regressed: Bool
    /// 1 for the action to do first; nil for actions that are not ranked.
    public var rank: Int?
    /// Ranking priority (see ``RankingWeights``); nil for actions that are not ranked.
    public var priority: Double?

    public var maxScore: Double { action.maxScore }

    /// Points still to earn; 0 for actions that do not count.
    public var remaining: Double { counted ? max(0, action.maxScore - points) : 0 }

    /// Risk-accepted actions are left out of the default list (still scored as measured).
    public var hiddenByDefault: Bool { status == .riskAccepted }

    /// Share of the action's points earned, 0–100.
    public var percentage: Double { action.maxScore > 0 ? points / action.maxScore * 100 : 0 }

    /// A one-line account of how `points` was reached, e.g. `5/100 users × 10 = 0.50`.
    public var explanation: String {
        if action.deprecated { return "deprecated: counts in neither score nor max" }
        if !applicable { return "not applicable: nothing in scope (total 0), counts in neither score nor max" }
        let maxText = ScoreFormat.points(action.maxScore)
        var measured: String
        if !hasData {
            measured = "no data yet: 0 of \(maxText) until measured"
        } else if action.scoringMethod == .partial || (achieved ?? 0) > 1 || (total ?? 0) > 1,
            let achieved, let total
        {
            let noun = action.entityType?.noun(count: total) ?? (total == 1 ? "item" : "items")
            measured =
                action.scoringMethod == .partial
                ? "\(achieved)/\(total) \(noun) × \(maxText) = \(ScoreFormat.points(measuredPoints))"
                // A binary action sent as counts earns all its points or none.
                : "\(achieved)/\(total) \(noun), all needed: \(ScoreFormat.points(measuredPoints)) of \(maxText)"
            if !excluded.isEmpty { measured += " (\(excluded.count) excluded)" }
        } else {
            measured = (achieved ?? 0) > 0 ? "implemented: \(maxText)" : "not implemented: 0 of \(maxText)"
        }
        switch status {
        case .completed:
            return measured + "; completed"
        case .resolvedThirdParty, .resolvedAlternateMitigation:
            return measured
                + "; \(status.label.lowercased()): full \(maxText) claimed (\(ScoreFormat.points(claimedPoints)) unverified)"
        case .riskAccepted:
            return measured + "; risk accepted: no points beyond the data"
        case .toAddress where exceptionExpired:
            return measured + "; exception expired, reopened"
        case .toAddress where regressed:
            return measured + "; regressed from completed"
        default:
            return measured
        }
    }
}

/// Points are stored unrounded and shown to two decimals. Hand-rolled: `String(format:)` goes
/// through ICU and dominated the cost of rendering an action list.
public enum ScoreFormat {
    public static func points(_ value: Double) -> String {
        twoDecimals(value)
    }

    /// A UTC instant to the minute, `2026-12-04 06:00`: short enough for a table column.
    public static func minute(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let minuteOfDay = ((seconds % 86_400) + 86_400) % 86_400 / 60
        let hour = minuteOfDay / 60
        let minute = minuteOfDay % 60
        return "\(CivilDay(date)) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
    }

    public static func percentage(_ value: Double) -> String {
        twoDecimals(value) + "%"
    }

    /// A zone bound as people write it: `40`, `40.5`.
    public static func bound(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// One decimal, as `%.1f` would print it, without the cost of a format string (lists of
    /// many rows print several per row).
    public static func tenths(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let tenths = (abs(value) * 10).rounded()
        guard tenths < 9e15 else { return String(value) }
        let scaled = Int64(tenths)
        return (value < 0 && scaled != 0 ? "-" : "") + String(scaled / 10) + "." + String(scaled % 10)
    }

    static func twoDecimals(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let hundredths = (abs(value) * 100).rounded()
        guard hundredths < 9e15 else { return String(value) }
        let scaled = Int64(hundredths)
        let whole = scaled / 100
        let fraction = scaled % 100
        return (value < 0 && scaled != 0 ? "-" : "") + String(whole) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }
}
