/// Turns parsed catalog documents into a validated ``Catalog``, reporting every problem at once.
/// Parsing the YAML itself happens outside the core; this type only sees ``SourceNode`` trees.
public enum CatalogDecoder {
    public struct Document: Sendable {
        public var file: String
        public var root: SourceNode

        public init(file: String, root: SourceNode) {
            self.file = file
            self.root = root
        }
    }

    static let actionKeys: Set<String> = [
        "id", "title", "category", "service", "maxScore", "scoringMethod", "entityType", "actionType",
        "implementationCost", "userImpact", "complexity", "tier", "threats", "description",
        "userImpactDescription", "usersAffected", "prerequisites", "remediation", "learnMore", "manageUrl",
        "compliance", "externallyManaged", "managedIn", "deprecated",
    ]

    /// Decodes the manifest and the action files. Throws a ``DiagnosticList`` with every problem
    /// found when anything is wrong; returns the catalog only when everything is valid.
    public static func decode(manifest: Document, actionFiles: [Document]) throws(DiagnosticList) -> Catalog {
        var diagnostics: [Diagnostic] = []
        var manifestReader = NodeReader(file: manifest.file, entry: nil, node: manifest.root)
        manifestReader.rejectUnknownKeys(["version", "name"])
        let version = manifestReader.string("version")
        _ = manifestReader.string("name", required: false)
        diagnostics += manifestReader.collected

        if actionFiles.isEmpty {
            diagnostics.append(
                Diagnostic(
                    file: manifest.file,
                    line: nil,
                    message: "the catalog has no action files beside its manifest"
                )
            )
        }
        var actions: [ImprovementAction] = []
        var firstSeen: [String: (file: String, line: Int)] = [:]
        var prerequisiteReferences: [(file: String, line: Int, entry: String, index: Int, id: String)] = []

        for document in actionFiles {
            var fileReader = NodeReader(file: document.file, entry: nil, node: document.root)
            fileReader.rejectUnknownKeys(["product", "actions"])
            let product = fileReader.string("product")
            let entries = fileReader.array("actions", nonEmpty: true) ?? []
            diagnostics += fileReader.collected
            for (offset, entry) in entries.enumerated() {
                let id = entry.member("id").flatMap { node -> String? in
                    if case .string(let text) = node.value, !text.isEmpty { return text }
                    return nil
                }
                var reader = NodeReader(file: document.file, entry: id ?? "actions[\(offset)]", node: entry)
                if let action = decodeAction(&reader, product: product ?? "") {
                    actions.append(action)
                }
                // Check references even when the action has other errors, so one pass finds all.
                if let id, case .array(let references)? = entry.member("prerequisites")?.member("actions")?.value {
                    for (index, reference) in references.enumerated() {
                        if case .string(let target) = reference.value {
                            prerequisiteReferences.append((document.file, reference.line, id, index, target))
                        }
                    }
                }
                if let id {
                    if let first = firstSeen[id] {
                        reader.report(
                            "id",
                            at: entry.line,
                            "duplicate id; first defined at \(first.file):\(first.line)"
                        )
                    } else {
                        firstSeen[id] = (document.file, entry.line)
                    }
                }
                diagnostics += reader.collected
            }
        }

        for reference in prerequisiteReferences where firstSeen[reference.id] == nil {
            diagnostics.append(
                Diagnostic(
                    file: reference.file,
                    line: reference.line,
                    entry: reference.entry,
                    field: "prerequisites.actions[\(reference.index)]",
                    message: "unknown action id \"\(reference.id)\""
                )
            )
        }

        guard diagnostics.isEmpty, let version else {
            throw DiagnosticList(diagnostics)
        }
        return Catalog(version: version, actions: actions)
    }

    /// Reads one action; returns nil when any field is invalid (the reader holds the reasons).
    static func decodeAction(_ reader: inout NodeReader, product: String) -> ImprovementAction? {
        guard reader.isObject else { return nil }
        reader.rejectUnknownKeys(actionKeys)
        let id = reader.string("id")
        let title = reader.string("title")
        let category = reader.enumeration("category", ActionCategory.self)
        let service = reader.string("service")
        let maxScore = reader.number("maxScore")
        if let maxScore, !(maxScore > 0 && maxScore <= 10) {
            reader.report(
                "maxScore",
                at: reader.raw("maxScore")?.line,
                "must be greater than 0 and at most 10, found \(NodeReader.format(maxScore))"
            )
        }
        let scoringMethod = reader.enumeration("scoringMethod", ScoringMethod.self)
        let entityType = reader.enumeration("entityType", EntityType.self, required: scoringMethod == .partial)
        if scoringMethod == .binary, reader.raw("entityType") != nil {
            reader.report("entityType", at: reader.raw("entityType")?.line, "only partial actions count entities")
        }
        let actionType = reader.enumeration("actionType", ActionType.self)
        let implementationCost = reader.enumeration("implementationCost", EffortLevel.self)
        let userImpact = reader.enumeration("userImpact", EffortLevel.self)
        let complexity = reader.enumeration("complexity", EffortLevel.self)
        let tier = reader.enumeration("tier", ActionTier.self)
        let threatNames = reader.stringArray("threats", nonEmpty: true)
        var threats: [Threat] = []
        for (index, name) in (threatNames ?? []).enumerated() {
            if let threat = Threat(rawValue: name) {
                threats.append(threat)
            } else {
                reader.report(
                    "threats[\(index)]",
                    at: reader.raw("threats")?.line,
                    "unknown value \"\(name)\"; expected one of \(NodeReader.choices(Threat.self))"
                )
            }
        }
        let description = reader.string("description")
        let userImpactDescription = reader.string("userImpactDescription")
        let usersAffected = reader.string("usersAffected")
        let prerequisites = decodePrerequisites(&reader)
        let remediation = reader.stringArray("remediation", nonEmpty: true)
        let learnMore = decodeLinks(&reader)
        let manageURL = reader.string("manageUrl")
        if let manageURL { checkHTTPS(manageURL, field: "manageUrl", &reader) }
        let compliance = decodeCompliance(&reader)
        let externallyManaged = reader.bool("externallyManaged", required: false) ?? false
        let managedIn = reader.string("managedIn", required: externallyManaged)
        if !externallyManaged, reader.raw("managedIn") != nil {
            reader.report(
                "managedIn",
                at: reader.raw("managedIn")?.line,
                "only externally managed actions name where they are managed"
            )
        }
        let deprecated = reader.bool("deprecated", required: false) ?? false

        guard reader.collected.isEmpty, let id, let title, let category, let service, let maxScore,
            let scoringMethod, let actionType, let implementationCost, let userImpact, let complexity, let tier,
            let description, let userImpactDescription, let usersAffected, let prerequisites, let remediation,
            let learnMore, let manageURL, let compliance
        else { return nil }
        return ImprovementAction(
            id: id,
            title: title,
            category: category,
            service: service,
            product: product,
            maxScore: maxScore,
            scoringMethod: scoringMethod,
            entityType: entityType,
            actionType: actionType,
            implementationCost: implementationCost,
            userImpact: userImpact,
            complexity: complexity,
            tier: tier,
            threats: threats,
            description: description,
            userImpactDescription: userImpactDescription,
            usersAffected: usersAffected,
            prerequisites: prerequisites,
            remediation: remediation,
            learnMore: learnMore,
            manageURL: manageURL,
            compliance: compliance,
            externallyManaged: externallyManaged,
            managedIn: managedIn,
            deprecated: deprecated
        )
    }

    private static func nested(_ reader: inout NodeReader, _ key: String) -> NodeReader? {
        guard let node = reader.raw(key) else {
            reader.report(key, "missing required field")
            return nil
        }
        return NodeReader(
            file: reader.file,
            entry: reader.entry,
            node: node,
            fieldPrefix: reader.fieldPrefix + key + "."
        )
    }

    private static func decodePrerequisites(_ reader: inout NodeReader) -> ImprovementAction.Prerequisites? {
        guard var inner = nested(&reader, "prerequisites") else { return nil }
        inner.rejectUnknownKeys(["licenses", "actions"])
        let licenses = inner.stringArray("licenses")
        let actions = inner.stringArray("actions")
        reader.absorb(inner.collected)
        guard let licenses, let actions else { return nil }
        return .init(licenses: licenses, actions: actions)
    }

    private static func decodeCompliance(_ reader: inout NodeReader) -> ImprovementAction.ComplianceMapping? {
        guard var inner = nested(&reader, "compliance") else { return nil }
        inner.rejectUnknownKeys(["cisControls", "nist80053"])
        let cis = inner.stringArray("cisControls")
        let nist = inner.stringArray("nist80053")
        if let cis, let nist, cis.isEmpty, nist.isEmpty {
            inner.report(nil, "map the action to at least one CIS Controls or NIST SP 800-53 id")
        }
        reader.absorb(
            inner.collected.map { diagnostic in
                var copy = diagnostic
                if copy.field == nil { copy.field = "compliance" }
                return copy
            }
        )
        guard let cis, let nist else { return nil }
        return .init(cisControls: cis, nist80053: nist)
    }

    private static func decodeLinks(_ reader: inout NodeReader) -> [ImprovementAction.Link]? {
        guard let elements = reader.array("learnMore", nonEmpty: true) else { return nil }
        var links: [ImprovementAction.Link] = []
        for (index, element) in elements.enumerated() {
            var inner = NodeReader(
                file: reader.file,
                entry: reader.entry,
                node: element,
                fieldPrefix: reader.fieldPrefix + "learnMore[\(index)]."
            )
            inner.rejectUnknownKeys(["title", "url"])
            let title = inner.string("title")
            let url = inner.string("url")
            if let url { checkHTTPS(url, field: "url", &inner) }
            reader.absorb(inner.collected)
            if let title, let url { links.append(.init(title: title, url: url)) }
        }
        return links
    }

    private static func checkHTTPS(_ url: String, field: String, _ reader: inout NodeReader) {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://"), lower.count > "https://".count, !url.contains(where: \.isWhitespace) else {
            reader.report(field, at: reader.raw(field)?.line, "expected an https:// URL, found \"\(url)\"")
            return
        }
    }
}
