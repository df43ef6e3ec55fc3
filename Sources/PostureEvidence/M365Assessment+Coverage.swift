import PostureCore

/// What a connection must collect for an action to be scored from configuration: the sources,
/// the Graph resources and the application permissions behind them.
public struct EvidenceCoverage: Sendable, Equatable {
    public var sources: [ConnectionSource]
    /// The sources whose resources the action cannot be scored without: the source that scores it.
    public var scoredBy: [ConnectionSource]
    public var resources: [M365Resource]
    public var permissions: [String]
}

extension M365Assessment {
    /// How `actionID` is scored from collected configuration; nil when no assessor scores it
    /// (it waits for a sensor, a person or Microsoft's own score).
    public static func coverage(of actionID: String) -> EvidenceCoverage? {
        guard let assessor = assessors.first(where: { $0.actionID == actionID }) else { return nil }
        // What it cannot do without, then what sharpens it (the groups behind a policy, say).
        var resources = assessor.requires
        for resource in assessor.reads where !resources.contains(resource) { resources.append(resource) }
        return EvidenceCoverage(
            sources: Array(Set(resources.map(\.source))).sorted(),
            scoredBy: Array(Set(assessor.requires.map(\.source))).sorted(),
            resources: resources,
            permissions: Array(Set(resources.map(\.applicationPermission))).sorted()
        )
    }
}
