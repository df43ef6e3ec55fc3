import Foundation
import PostureCore

/// A small hand-made catalog covering every scoring shape the rules distinguish.
enum Fixtures {
    static let asOf = Date(iso8601: "2026-11-28T12:00:00Z")!

    static func action(
        _ id: String,
        _ category: ActionCategory = .identity,
        max: Double = 10,
        method: ScoringMethod = .binary,
        cost: EffortLevel = .low,
        impact: EffortLevel = .low,
        complexity: EffortLevel = .low,
        externallyManaged: Bool = false,
        deprecated: Bool = false
    ) -> ImprovementAction {
        ImprovementAction(
            id: id,
            title: "Title of \(id)",
            category: category,
            service: "Test",
            product: "Test product",
            maxScore: max,
            scoringMethod: method,
            entityType: method == .partial ? .user : nil,
            implementationCost: cost,
            userImpact: impact,
            complexity: complexity,
            externallyManaged: externallyManaged,
            managedIn: externallyManaged ? "the device portal" : nil,
            deprecated: deprecated
        )
    }

    static let catalog = Catalog(
        version: "test-1",
        actions: [
            action("MFA", max: 10, method: .partial),
            action("Legacy", max: 8),
            action("SSPR", max: 4),
            action("Labels", .data, max: 6, method: .partial, cost: .moderate),
            action("Defender", .device, max: 8, method: .partial, externallyManaged: true),
            action("SafeLinks", .apps, max: 9, cost: .high, impact: .moderate),
            action("DC", .infrastructure, max: 5, complexity: .high),
            action("Old", .apps, max: 3, deprecated: true),
        ]
    )

    static func binary(_ id: String, _ done: Bool, at date: Date? = nil) -> ActionMeasurement {
        ActionMeasurement(actionID: id, result: .implemented(done), observedAt: date)
    }

    static func counted(_ id: String, _ achieved: Int, _ total: Int) -> ActionMeasurement {
        ActionMeasurement(actionID: id, result: .counted(achieved: achieved, total: total))
    }

    static func status(
        _ id: String,
        _ status: ActionStatus,
        expires: String? = nil,
        target: String? = nil
    ) -> StatusRecord {
        StatusRecord(
            actionID: id,
            status: status,
            expiresAt: expires.flatMap { Date(iso8601: $0) },
            targetDate: target.flatMap { CivilDay($0) }
        )
    }

    static func score(
        _ measurements: [ActionMeasurement],
        _ statuses: [StatusRecord] = [],
        asOf: Date = asOf
    ) -> ScoreReport {
        ScoringEngine(catalog: catalog).score(measurements: measurements, statuses: statuses, asOf: asOf)
    }
}
