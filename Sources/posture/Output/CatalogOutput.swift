import PostureCore
import PostureEvidence

/// The JSON shape of one catalog action (`catalog list/show --format json`).
struct CatalogEntry: Encodable {
    struct Link: Encodable {
        var title: String
        var url: String
    }

    var id: String
    var title: String
    var category: String
    var service: String
    var product: String
    var maxScore: Double
    var scoringMethod: String
    var entityType: String?
    var actionType: String
    var implementationCost: String
    var userImpact: String
    var complexity: String
    var tier: String
    var threats: [String]
    var externallyManaged: Bool
    var managedIn: String?
    var deprecated: Bool
    var description: String
    var userImpactDescription: String
    var usersAffected: String
    var prerequisites: [String: [String]]
    var remediation: [String]
    var learnMore: [Link]
    var manageUrl: String
    var compliance: [String: [String]]
    /// How a connection scores it from collected configuration; absent when nothing collected does.
    var evidence: Evidence?

    struct Evidence: Encodable {
        var sources: [String]
        /// The source the action cannot be scored without.
        var scoredBy: [String]
        var resources: [String]
        var permissions: [String]
    }

    init(_ action: ImprovementAction) {
        id = action.id
        title = action.title
        category = action.category.rawValue
        service = action.service
        product = action.product
        maxScore = action.maxScore
        scoringMethod = action.scoringMethod.rawValue
        entityType = action.entityType?.rawValue
        actionType = action.actionType.rawValue
        implementationCost = action.implementationCost.rawValue
        userImpact = action.userImpact.rawValue
        complexity = action.complexity.rawValue
        tier = action.tier.rawValue
        threats = action.threats.map(\.rawValue)
        externallyManaged = action.externallyManaged
        managedIn = action.managedIn
        deprecated = action.deprecated
        description = action.description
        userImpactDescription = action.userImpactDescription
        usersAffected = action.usersAffected
        prerequisites = ["licenses": action.prerequisites.licenses, "actions": action.prerequisites.actions]
        remediation = action.remediation
        learnMore = action.learnMore.map { Link(title: $0.title, url: $0.url) }
        manageUrl = action.manageURL
        compliance = ["cisControls": action.compliance.cisControls, "nist80053": action.compliance.nist80053]
        evidence = M365Assessment.coverage(of: action.id).map {
            Evidence(
                sources: $0.sources.map(\.rawValue),
                scoredBy: $0.scoredBy.map(\.rawValue),
                resources: $0.resources.map(\.rawValue),
                permissions: $0.permissions
            )
        }
    }
}

enum CatalogOutput {
    /// How many of the non-deprecated actions each source scores, and all sources together.
    static func coverage(_ actions: [ImprovementAction]) -> String {
        let live = actions.filter { !$0.deprecated }
        let covered = live.compactMap { action in M365Assessment.coverage(of: action.id).map { (action, $0) } }
        var table = TextTable([("SOURCE", .left), ("ACTIONS", .right), ("PERMISSIONS", .left)])
        // secure-score scores nothing itself: it brings Microsoft's own score beside Posture's.
        for source in ConnectionSource.allCases where source != .secureScore {
            let scored = covered.filter { $0.1.scoredBy.contains(source) }
            let permissions = Set(
                covered.flatMap(\.1.resources).filter { $0.source == source }.map(\.applicationPermission)
            ).sorted()
            table.add([source.rawValue, String(scored.count), permissions.joined(separator: ", ")])
        }
        let share = live.isEmpty ? 0 : Double(covered.count) / Double(live.count) * 100
        return table.render()
            + "\n\n\(covered.count) of \(live.count) current actions (\(ScoreFormat.tenths(share))%) are scored from "
            + "collected configuration; the others wait for a sensor, a person or Microsoft's own score. "
            + "secure-score imports Microsoft's score and control profiles beside them."
    }

    static func table(_ actions: [ImprovementAction], version: String) -> String {
        var table = TextTable([
            ("ID", .left), ("CATEGORY", .left), ("SERVICE", .left), ("MAX", .right), ("METHOD", .left), ("COST", .left),
            ("IMPACT", .left), ("COMPLEXITY", .left), ("TIER", .left), ("TITLE", .left),
        ])
        for action in actions {
            table.add([
                action.id, action.category.rawValue, action.service, ScoreFormat.points(action.maxScore),
                action.scoringMethod.rawValue, action.implementationCost.rawValue, action.userImpact.rawValue,
                action.complexity.rawValue, action.tier.rawValue, TextTable.clip(action.title, 70),
            ])
        }
        return table.render() + "\n\n\(counted(actions.count, "action")) · catalog \(version)"
    }

    static func csv(_ actions: [ImprovementAction]) -> String {
        CSVWriter.render(
            header: [
                "id", "title", "category", "service", "product", "maxScore", "scoringMethod", "actionType",
                "implementationCost", "userImpact", "complexity", "tier", "threats", "externallyManaged", "deprecated",
                "cisControls", "nist80053",
            ],
            rows: actions.map { action in
                [
                    action.id, action.title, action.category.rawValue, action.service, action.product,
                    AssessmentCSV.number(action.maxScore), action.scoringMethod.rawValue, action.actionType.rawValue,
                    action.implementationCost.rawValue, action.userImpact.rawValue, action.complexity.rawValue,
                    action.tier.rawValue, action.threats.map(\.rawValue).joined(separator: "; "),
                    String(action.externallyManaged), String(action.deprecated),
                    action.compliance.cisControls.joined(separator: "; "),
                    action.compliance.nist80053.joined(separator: "; "),
                ]
            }
        )
    }

    static func detail(_ action: ImprovementAction) -> String {
        var out: [String] = []
        out.append("\(action.title)")
        out.append("\(action.id) · \(action.category.rawValue) · \(action.product) (\(action.service))")
        if action.deprecated { out.append("DEPRECATED: counts in neither score nor max") }
        out.append("")
        var scoring = "\(ScoreFormat.points(action.maxScore)) points, \(action.scoringMethod.rawValue)"
        if let entity = action.entityType { scoring += " (counted per \(entity.rawValue))" }
        out.append("Points          \(scoring)")
        out.append("Action type     \(action.actionType.rawValue) · tier \(action.tier.rawValue)")
        out.append(
            "Effort          cost \(action.implementationCost.rawValue) · user impact \(action.userImpact.rawValue) · complexity \(action.complexity.rawValue)"
        )
        out.append("Threats         \(action.threats.map(\.rawValue).joined(separator: ", "))")
        if action.externallyManaged {
            out.append("Status          managed externally in \(action.managedIn ?? "its evidence source")")
        }
        out.append("")
        out.append("Description\n  \(action.description)")
        out.append("User impact\n  \(action.userImpactDescription)")
        out.append("Users affected\n  \(action.usersAffected)")
        let licences =
            action.prerequisites.licenses.isEmpty ? "none" : action.prerequisites.licenses.joined(separator: ", ")
        let actions =
            action.prerequisites.actions.isEmpty ? "none" : action.prerequisites.actions.joined(separator: ", ")
        out.append("Prerequisites\n  licences: \(licences)\n  actions: \(actions)")
        out.append("Implementation")
        for (index, step) in action.remediation.enumerated() { out.append("  \(index + 1). \(step)") }
        out.append("Manage\n  \(action.manageURL)")
        out.append("Learn more")
        for link in action.learnMore { out.append("  \(link.title): \(link.url)") }
        out.append("Compliance")
        if !action.compliance.cisControls.isEmpty {
            out.append("  CIS Controls v8: \(action.compliance.cisControls.joined(separator: ", "))")
        }
        if !action.compliance.nist80053.isEmpty {
            out.append("  NIST SP 800-53 Rev. 5: \(action.compliance.nist80053.joined(separator: ", "))")
        }
        return out.joined(separator: "\n")
    }
}
