import Foundation

extension ActionMeasurement {
    /// The measurements with an organization's own exclusions (per action id) added. A stored
    /// exclusion replaces one the measurement carried for the same entity: the organization's
    /// decision (reason, owner, expiry) wins over what a sensor sent.
    public static func applying(
        _ stored: [String: [Exclusion]],
        to measurements: [ActionMeasurement]
    )
        -> [ActionMeasurement]
    {
        guard !stored.isEmpty else { return measurements }
        return measurements.map { measurement in
            guard let own = stored[measurement.actionID], !own.isEmpty else { return measurement }
            var merged = measurement
            let replaced = Set(own.map(\.entity))
            merged.excluded = measurement.excluded.filter { !replaced.contains($0.entity) } + own
            return merged
        }
    }
}

extension Exclusion {
    /// Every problem with an exclusion a person enters, empty when it is acceptable.
    public var problems: [String] {
        [
            TextLimits.problem(.entity, entity, required: true), TextLimits.problem(.reason, reason, required: true),
            TextLimits.problem(.owner, owner),
        ].compactMap { $0 }
    }
}
