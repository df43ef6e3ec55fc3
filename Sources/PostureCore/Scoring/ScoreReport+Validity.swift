import Foundation

extension ScoreReport {
    /// The first instant after `asOf` at which evaluating the same stored state gives a different
    /// report: an exception or an exclusion expires, or the UTC day turns (projections count days).
    /// Caches of derived data may serve the report until then, unless the data itself changes.
    public var validUntil: Date {
        var earliest = CivilDay(asOf).adding(days: 1).start
        for action in actions {
            if let expiry = action.statusRecord?.expiresAt, expiry > asOf { earliest = min(earliest, expiry) }
            for exclusion in action.excluded {
                if let expiry = exclusion.expiresAt, expiry > asOf { earliest = min(earliest, expiry) }
            }
        }
        return earliest
    }
}
