import Foundation

/// Everything needed to score one organization offline: the `posture assess` file format.
public struct AssessmentInput: Sendable, Equatable {
    public var organization: Organization
    public var measurements: [ActionMeasurement]
    public var statuses: [StatusRecord]

    public init(organization: Organization, measurements: [ActionMeasurement], statuses: [StatusRecord]) {
        self.organization = organization
        self.measurements = measurements
        self.statuses = statuses
    }
}

/// Decodes and checks an assessment document against a catalog, reporting every problem with
/// the file, line, entry and field it concerns.
public enum AssessmentDecoder {
    public static func decode(
        _ root: SourceNode,
        file: String,
        catalog: Catalog
    ) throws(DiagnosticList) -> AssessmentInput {
        var top = NodeReader(file: file, entry: nil, node: root)
        top.rejectUnknownKeys(["organization", "measurements", "statuses"])
        var diagnostics: [Diagnostic] = []

        var organization: Organization?
        if let node = top.raw("organization") {
            var reader = NodeReader(file: file, entry: "organization", node: node)
            organization = decodeOrganization(&reader)
            diagnostics += reader.collected
        } else {
            top.report("organization", "missing required field")
        }
        let measurementNodes = top.array("measurements") ?? []
        let statusNodes = top.array("statuses", required: false) ?? []
        diagnostics = top.collected + diagnostics

        let (measurements, measurementProblems) = decodeMeasurements(measurementNodes, file: file, catalog: catalog)
        diagnostics += measurementProblems

        var statuses: [StatusRecord] = []
        var statusAt: [String: Int] = [:]
        for (offset, node) in statusNodes.enumerated() {
            var reader = NodeReader(file: file, entry: entryName("statuses", offset, node), node: node)
            if let record = decodeStatus(&reader, catalog: catalog) {
                if let first = statusAt[record.actionID] {
                    reader.report("actionId", at: node.line, "has two statuses; the first is at line \(first)")
                } else {
                    statusAt[record.actionID] = node.line
                    statuses.append(record)
                }
            }
            diagnostics += reader.collected
        }

        guard diagnostics.isEmpty, let organization else { throw DiagnosticList(diagnostics) }
        return AssessmentInput(organization: organization, measurements: measurements, statuses: statuses)
    }

    /// Decodes a list of measurements, one per action, collecting every problem.
    public static func decodeMeasurements(
        _ nodes: [SourceNode],
        file: String,
        catalog: Catalog
    ) -> (
        [ActionMeasurement], [Diagnostic]
    ) {
        var measurements: [ActionMeasurement] = []
        var diagnostics: [Diagnostic] = []
        var measuredAt: [String: Int] = [:]
        for (offset, node) in nodes.enumerated() {
            var reader = NodeReader(file: file, entry: entryName("measurements", offset, node), node: node)
            if let measurement = decodeMeasurement(&reader, catalog: catalog) {
                if let first = measuredAt[measurement.actionID] {
                    reader.report("actionId", at: node.line, "measured twice; first measured at line \(first)")
                } else {
                    measuredAt[measurement.actionID] = node.line
                    measurements.append(measurement)
                }
            }
            diagnostics += reader.collected
        }
        return (measurements, diagnostics)
    }

    /// `measurements[2] (AdminMFAV2)` when the entry names its action, so messages point both ways.
    static func entryName(_ list: String, _ offset: Int, _ node: SourceNode) -> String {
        if case .string(let id)? = node.member("actionId")?.value, !id.isEmpty {
            return "\(list)[\(offset)] (\(id))"
        }
        return "\(list)[\(offset)]"
    }

    static func decodeOrganization(_ reader: inout NodeReader) -> Organization? {
        guard reader.isObject else { return nil }
        reader.rejectUnknownKeys(["id", "displayName", "licensedUserCount", "activeUserCount", "industry", "region"])
        let id = reader.string("id")
        if let id, !Organization.isValidID(id) {
            reader.report(
                "id",
                at: reader.raw("id")?.line,
                "\"\(id)\" is not a valid organization id: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        }
        let displayName = reader.string("displayName")
        let licensed = reader.count("licensedUserCount", required: false)
        let active = reader.count("activeUserCount", required: false)
        let industry = reader.string("industry", required: false)
        let region = reader.string("region", required: false)
        guard reader.collected.isEmpty, let id, let displayName else { return nil }
        return Organization(
            id: id,
            displayName: displayName,
            licensedUserCount: licensed,
            activeUserCount: active,
            industry: industry,
            region: region
        )
    }

    static func knownAction(_ reader: inout NodeReader, catalog: Catalog) -> ImprovementAction? {
        guard let id = reader.string("actionId") else { return nil }
        guard let action = catalog[id] else {
            reader.report(
                "actionId",
                at: reader.raw("actionId")?.line,
                "unknown action id \"\(id)\" (see `posture catalog list`)"
            )
            return nil
        }
        return action
    }

    /// Reads one measurement (also used for the server's batch upsert body).
    public static func decodeMeasurement(_ reader: inout NodeReader, catalog: Catalog) -> ActionMeasurement? {
        guard reader.isObject else { return nil }
        reader.rejectUnknownKeys([
            "actionId", "implemented", "achieved", "total", "observedAt", "excluded", "achievedEntities",
            "totalEntities",
        ])
        let action = knownAction(&reader, catalog: catalog)
        let implemented = reader.bool("implemented", required: false)
        let hasCounts = reader.raw("achieved") != nil || reader.raw("total") != nil
        let achieved = reader.count("achieved", required: hasCounts)
        let total = reader.count("total", required: hasCounts)
        let observedAt = reader.date("observedAt")
        let achievedEntities = reader.stringArray("achievedEntities", required: false)
        let totalEntities = reader.stringArray("totalEntities", required: false)
        let excluded = decodeExclusions(&reader)

        if implemented != nil && hasCounts {
            reader.report(
                "implemented",
                at: reader.raw("implemented")?.line,
                "give either implemented or achieved and total, not both"
            )
        } else if reader.raw("implemented") == nil && !hasCounts {
            reader.report("achieved", "missing: give achieved and total (or implemented for a binary action)")
        }
        if let action, action.scoringMethod == .partial, implemented != nil {
            reader.report(
                "implemented",
                at: reader.raw("implemented")?.line,
                "\(action.id) is scored partially; give achieved and total instead"
            )
        }
        if let achieved, let total, achieved > total {
            reader.report(
                "achieved",
                at: reader.raw("achieved")?.line,
                "achieved (\(achieved)) is greater than total (\(total))"
            )
        }
        if implemented != nil, achievedEntities != nil || totalEntities != nil {
            reader.report("achievedEntities", "entity lists go with achieved and total, not implemented")
        }
        if let totalEntities {
            checkEntityList(&reader, "totalEntities", totalEntities, expected: total)
            if let achievedEntities {
                let all = Set(totalEntities)
                if let stray = achievedEntities.first(where: { !all.contains($0) }) {
                    reader.report(
                        "achievedEntities",
                        at: reader.raw("achievedEntities")?.line,
                        "\"\(stray)\" is not listed in totalEntities"
                    )
                }
            }
        } else if achievedEntities != nil {
            reader.report("totalEntities", "missing: achievedEntities needs totalEntities beside it")
        }
        if let achievedEntities { checkEntityList(&reader, "achievedEntities", achievedEntities, expected: achieved) }

        guard reader.collected.isEmpty, let action else { return nil }
        let result: ActionMeasurement.Result =
            if let implemented { .implemented(implemented) } else {
                .counted(achieved: achieved ?? 0, total: total ?? 0)
            }
        return ActionMeasurement(
            actionID: action.id,
            result: result,
            observedAt: observedAt,
            achievedEntities: achievedEntities,
            totalEntities: totalEntities,
            excluded: excluded ?? []
        )
    }

    private static func checkEntityList(_ reader: inout NodeReader, _ key: String, _ list: [String], expected: Int?) {
        let line = reader.raw(key)?.line
        if let expected, list.count != expected {
            reader.report(
                key,
                at: line,
                "lists \(counted(list.count, "entity", "entities")) but the count is \(expected)"
            )
        }
        var seen = Set<String>()
        if let duplicate = list.first(where: { !seen.insert($0).inserted }) {
            reader.report(key, at: line, "lists \"\(duplicate)\" twice")
        }
    }

    private static func decodeExclusions(_ reader: inout NodeReader) -> [Exclusion]? {
        guard let nodes = reader.array("excluded", required: false) else { return nil }
        var result: [Exclusion] = []
        for (index, node) in nodes.enumerated() {
            var inner = NodeReader(
                file: reader.file,
                entry: reader.entry,
                node: node,
                fieldPrefix: "excluded[\(index)]."
            )
            inner.rejectUnknownKeys(["entity", "reason", "owner", "expiresAt"])
            let entity = inner.string("entity")
            let reason = inner.string("reason")
            let owner = inner.string("owner", required: false)
            let expiresAt = inner.date("expiresAt")
            reader.absorb(inner.collected)
            if let entity, let reason {
                result.append(Exclusion(entity: entity, reason: reason, owner: owner, expiresAt: expiresAt))
            }
        }
        return result
    }

    /// Reads one status a person set; the rules of ``StatusRecord/violations(in:asOf:)`` apply.
    public static func decodeStatus(_ reader: inout NodeReader, catalog: Catalog, asOf: Date? = nil) -> StatusRecord? {
        guard reader.isObject else { return nil }
        reader.rejectUnknownKeys(["actionId", "status", "note", "owner", "expiresAt", "targetDate"])
        let action = knownAction(&reader, catalog: catalog)
        let status = reader.enumeration("status", ActionStatus.self)
        let note = reader.string("note", required: false, allowEmpty: true)
        let owner = reader.string("owner", required: false)
        let expiresAt = reader.date("expiresAt")
        var targetDate: CivilDay?
        if let text = reader.string("targetDate", required: false) {
            targetDate = CivilDay(text)
            if targetDate == nil {
                reader.report(
                    "targetDate",
                    at: reader.raw("targetDate")?.line,
                    "expected a day like 2026-12-31, found \"\(text)\""
                )
            }
        }
        guard let action, let status else { return nil }
        let record = StatusRecord(
            actionID: action.id,
            status: status,
            note: note,
            owner: owner,
            expiresAt: expiresAt,
            targetDate: targetDate
        )
        for violation in record.violations(in: catalog, asOf: asOf) {
            reader.report(violation.field, at: reader.raw(violation.field)?.line, violation.description)
        }
        return reader.collected.isEmpty ? record : nil
    }
}
