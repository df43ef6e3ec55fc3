import Foundation

/// A measurement that was not applied: the stored one for its action was observed later.
public struct OlderObservation: Sendable, Equatable {
    public var actionID: String
    public var observedAt: Date
    public var storedObservedAt: Date

    public init(actionID: String, observedAt: Date, storedObservedAt: Date) {
        self.actionID = actionID
        self.observedAt = observedAt
        self.storedObservedAt = storedObservedAt
    }
}

/// Newest observation wins, per action. Measurements arrive late and out of order (a sensor's
/// retry, a snapshot pushed days after it was collected): one observed before the stored
/// measurement of its action never replaces it. A measurement without an observation time counts
/// as observed when it arrives. Equal times apply, so replaying a batch changes nothing twice.
public enum ObservationOrder {
    /// Splits `incoming` into what replaces the stored state and what is older than it.
    /// `stored` holds each stored measurement's observation time by action id.
    public static func newest(
        _ incoming: [ActionMeasurement],
        stored: [String: Date],
        now: Date
    ) -> (apply: [ActionMeasurement], older: [OlderObservation]) {
        var latest = stored
        var apply: [String: ActionMeasurement] = [:]
        var order: [String] = []
        var older: [OlderObservation] = []
        for measurement in incoming {
            let observed = measurement.observedAt ?? now
            if let current = latest[measurement.actionID], current > observed {
                older.append(
                    OlderObservation(actionID: measurement.actionID, observedAt: observed, storedObservedAt: current)
                )
                continue
            }
            latest[measurement.actionID] = observed
            if apply.updateValue(measurement, forKey: measurement.actionID) == nil {
                order.append(measurement.actionID)
            }
        }
        return (order.compactMap { apply[$0] }, older)
    }
}
