import Foundation
import PostureCore

/// What one assessor concluded about its action.
public struct M365Finding: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// A binary action's setting is in place, or not.
        case implemented(Bool)
        /// A partial action: the entities that comply, of the entities in scope (entity names).
        case counted(achieved: [String], total: [String])
        /// Nothing in the tenant is in scope (a cloud-only tenant and password hash sync, say).
        case notApplicable
        /// A resource it needs is missing or unreadable: no measurement, never 0.
        case noData
    }

    public var actionID: String
    public var outcome: Outcome
    /// Why, in one sentence: the policy that satisfied it, the setting found, the missing resource.
    public var detail: String

    /// The outcome's name in API and JSON output: `implemented`, `notImplemented`, `counted`,
    /// `notApplicable` or `noData`.
    public var outcomeName: String {
        switch outcome {
        case .implemented(let done): done ? "implemented" : "notImplemented"
        case .counted: "counted"
        case .notApplicable: "notApplicable"
        case .noData: "noData"
        }
    }

    /// The outcome as people read it: `done`, `not done`, `2/3`, `n/a` or `no data`.
    public var result: String {
        switch outcome {
        case .implemented(let done): done ? "done" : "not done"
        case .counted(let achieved, let total): "\(achieved.count)/\(total.count)"
        case .notApplicable: "n/a"
        case .noData: "no data"
        }
    }

    /// For a counted outcome: how many comply, of how many, and the names of those that do not.
    public var counts: (achieved: Int, total: Int, missing: [String])? {
        guard case .counted(let achieved, let total) = outcome else { return nil }
        let done = Set(achieved)
        return (achieved.count, total.count, total.filter { !done.contains($0) })
    }
}

/// Evaluates one catalog action from a snapshot. `requires` lists the resources without which
/// the action is "no data"; `reads` the ones it uses when they are present.
struct M365Assessor: Sendable {
    let actionID: String
    let requires: [M365Resource]
    /// Resources read when present; without them the assessor still concludes, less precisely.
    let reads: [M365Resource]
    let evaluate: @Sendable (M365Context) -> (M365Finding.Outcome, String)

    init(
        _ actionID: String,
        requires: [M365Resource],
        reads: [M365Resource] = [],
        evaluate: @escaping @Sendable (M365Context) -> (M365Finding.Outcome, String)
    ) {
        self.actionID = actionID
        self.requires = requires
        self.reads = reads
        self.evaluate = evaluate
    }

    func finding(_ context: M365Context) -> M365Finding {
        let missing = requires.filter { !context.snapshot.has($0) }
        guard missing.isEmpty else {
            let names = missing.map { "\($0.rawValue) (\(context.snapshot.missing[$0] ?? "unreadable"))" }
            return M365Finding(
                actionID: actionID,
                outcome: .noData,
                detail: "no data: " + names.joined(separator: ", ")
            )
        }
        let (outcome, detail) = evaluate(context)
        return M365Finding(actionID: actionID, outcome: outcome, detail: detail)
    }
}

/// Counts entities: `achieved` of `scope`, named, in the scope's order. Callers pass scopes in a
/// stable order (the snapshot's, or sorted), so the same evidence always lists the same way.
func counted<Entity>(
    _ scope: [Entity],
    name: (Entity) -> String,
    complies: (Entity) -> Bool
) -> M365Finding.Outcome {
    var total: [String] = []
    var achieved: [String] = []
    total.reserveCapacity(scope.count)
    for entity in scope {
        let entityName = name(entity)
        total.append(entityName)
        if complies(entity) { achieved.append(entityName) }
    }
    if total.isEmpty { return .notApplicable }
    return .counted(achieved: achieved, total: total)
}

/// "3 of 5 administrators", for details.
func ratio(_ outcome: M365Finding.Outcome, _ noun: String) -> String {
    guard case .counted(let achieved, let total) = outcome else { return "no \(noun) in scope" }
    return "\(achieved.count) of \(total.count) \(noun)"
}

/// A setting read from a policy, compared with what the action asks for.
func setting<Value: CustomStringConvertible>(
    _ name: String,
    _ value: Value?,
    passes: (Value) -> Bool,
    wants: String
) -> (M365Finding.Outcome, String) {
    guard let value else { return (.implemented(false), "\(name) is not set; the action needs \(wants)") }
    let done = passes(value)
    return (.implemented(done), "\(name) is \(value)" + (done ? "" : "; the action needs \(wants)"))
}

/// A finding as the API's evidence upload and `posture assess --evidence --format json` both
/// write it: one shape for one thing.
public struct M365FindingSummary: Encodable, Sendable, Equatable {
    public var actionId: String
    /// `implemented`, `notImplemented`, `counted`, `notApplicable` or `noData`.
    public var outcome: String
    public var achieved: Int?
    public var total: Int?
    /// The entities in scope that do not comply (partial actions).
    public var missingEntities: [String]?
    public var detail: String

    public init(_ finding: M365Finding) {
        actionId = finding.actionID
        outcome = finding.outcomeName
        achieved = finding.counts?.achieved
        total = finding.counts?.total
        missingEntities = finding.counts?.missing
        detail = finding.detail
    }
}
