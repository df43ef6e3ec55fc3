/// An inclusive range of days, and the rules every range a person or client asks for obeys: days
/// written like 2026-11-28, `from` not after `to`, `to` not in the future, at most ten years. The
/// API and the dashboard check ranges here and word the problems their own way.
public struct DayInterval: Sendable, Equatable {
    public var from: CivilDay
    public var to: CivilDay

    /// Ten years and the leap days in them.
    public static let maximumSpan = 3653

    public init(from: CivilDay, to: CivilDay) {
        self.from = from
        self.to = to
    }

    public var days: [CivilDay] {
        guard from <= to else { return [] }
        return (0...(to.daysSinceEpoch - from.daysSinceEpoch)).map { from.adding(days: $0) }
    }

    public enum Problem: Error, Sendable, Equatable {
        /// `field` (`from` or `to`) is not a day.
        case malformed(field: String, text: String)
        case inverted(from: CivilDay, to: CivilDay)
        case inFuture(to: CivilDay, today: CivilDay)
        case tooLong

        /// The parameter to point at.
        public var field: String {
            switch self {
            case .malformed(let field, _): field
            case .inverted, .tooLong: "from"
            case .inFuture: "to"
            }
        }
    }

    /// Reads an optional day; empty text counts as absent.
    public static func day(_ text: String?, field: String) throws(Problem) -> CivilDay? {
        guard let text, !text.isEmpty else { return nil }
        guard let day = CivilDay(text) else { throw .malformed(field: field, text: text) }
        return day
    }

    /// Checks the bounds a request gave; an absent bound is open.
    public static func check(from: CivilDay?, to: CivilDay?, today: CivilDay) throws(Problem) {
        if let from, let to {
            if from > to { throw .inverted(from: from, to: to) }
            if to.daysSinceEpoch - from.daysSinceEpoch > maximumSpan { throw .tooLong }
        }
        if let to, to > today { throw .inFuture(to: to, today: today) }
    }

    /// A complete range from what a request gave: `to` defaults to today and `from` to
    /// `defaultDays` days ending at `to`; checked once the defaults are filled in.
    public static func resolve(
        from fromText: String?,
        to toText: String?,
        today: CivilDay,
        defaultDays: Int = 90
    ) throws(Problem) -> DayInterval {
        let given = (from: try day(fromText, field: "from"), to: try day(toText, field: "to"))
        try check(from: given.from, to: given.to, today: today)
        let to = given.to ?? today
        let from = given.from ?? to.adding(days: -(defaultDays - 1))
        try check(from: from, to: to, today: today)
        return DayInterval(from: from, to: to)
    }
}
