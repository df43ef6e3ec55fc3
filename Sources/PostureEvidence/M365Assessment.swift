import Foundation
import PostureCore

/// The result of assessing one Microsoft 365 snapshot: a finding per assessed action, the
/// measurements they give, and what was wrong with the evidence.
public struct M365Assessment: Sendable {
    public var manifest: EvidenceManifest
    public var findings: [M365Finding]
    public var measurements: [ActionMeasurement]
    public var problems: [Diagnostic]
    public var missing: [M365Resource: String]

    /// Every action an assessor exists for, in catalog-file order.
    public static var actionIDs: [String] { assessors.map(\.actionID) }

    static let assessors: [M365Assessor] =
        M365Assessor.identity + M365Assessor.conditionalAccess + M365Assessor.roles + M365Assessor.applications
        + M365Assessor.sharePoint + M365Assessor.exchange + M365Assessor.defenderOffice
        + M365Assessor.defenderEndpoint + M365Assessor.intune + M365Assessor.adminCenter

    /// Defender for Endpoint configuration ids the assessors read (`scid-2010`): a collection keeps
    /// only their rows of the device-by-configuration export.
    public static var defenderConfigurations: Set<String> {
        Set(M365Assessor.defenderConfigurationIDs.map { $0.replacingOccurrences(of: "_", with: "-") })
    }

    public func finding(_ actionID: String) -> M365Finding? { findings.first { $0.actionID == actionID } }

    /// The resources an action cannot be assessed without.
    public static func requirements(of actionID: String) -> [M365Resource] {
        assessors.first { $0.actionID == actionID }?.requires ?? []
    }

    /// The resources an action uses when present (group members behind a policy, say).
    public static func optionalReads(of actionID: String) -> [M365Resource] {
        assessors.first { $0.actionID == actionID }?.reads ?? []
    }

    /// Assesses a snapshot. Actions the catalog lacks are skipped (a custom catalog may leave them
    /// out); "no data" gives no measurement, so earlier evidence or a person's status stands.
    public init(snapshot: M365Snapshot, catalog: Catalog) {
        let context = M365Context(snapshot: snapshot)
        manifest = snapshot.manifest
        problems = snapshot.problems
        missing = snapshot.missing
        findings = Self.assessors.filter { catalog[$0.actionID] != nil }.map { $0.finding(context) }
        measurements = findings.compactMap { finding in
            guard let action = catalog[finding.actionID] else { return nil }
            return Self.measurement(finding, action: action, observedAt: snapshot.manifest.collectedAt)
        }
    }

    static func measurement(_ finding: M365Finding, action: ImprovementAction, observedAt: Date) -> ActionMeasurement? {
        switch finding.outcome {
        case .noData:
            return nil
        case .notApplicable:
            return ActionMeasurement(
                actionID: action.id,
                result: .counted(achieved: 0, total: 0),
                observedAt: observedAt
            )
        case .implemented(let done):
            return ActionMeasurement(actionID: action.id, result: .implemented(done), observedAt: observedAt)
        case .counted(let achieved, let total):
            return ActionMeasurement(
                actionID: action.id,
                result: .counted(achieved: achieved.count, total: total.count),
                observedAt: observedAt,
                achievedEntities: achieved,
                totalEntities: total
            )
        }
    }
}
