import ArgumentParser
import Foundation
import PostureCore
import PostureEvidence

enum EvidenceKind: String, ExpressibleByArgument, CaseIterable {
    case microsoft365
}

extension AssessCommand {
    /// `--evidence microsoft365 DIR`: assess the snapshot, then score its measurements. Broken
    /// resources are reported on standard error and their actions are "no data"; the rest is scored.
    func runEvidence(catalog: Catalog) throws {
        let snapshot: M365Snapshot
        do {
            snapshot = try M365Snapshot.load(directory: URL(fileURLWithPath: file, isDirectory: true))
        } catch {
            Console.error(error.description + "\nnothing was assessed")
            throw ExitCode(1)
        }
        let assessment = M365Assessment(snapshot: snapshot, catalog: catalog)
        for problem in assessment.problems { Console.error(problem.description) }
        if !assessment.problems.isEmpty {
            let count = assessment.problems.count
            Console.error("\(count) resource\(count == 1 ? "" : "s") unreadable; their actions have no data")
        }
        if let measurementsOut {
            let document = JSONValue.object(
                JSONObject([("measurements", .array(assessment.measurements.map(\.jsonValue)))])
            )
            do {
                try document.jsonData.write(to: URL(fileURLWithPath: measurementsOut))
            } catch {
                Console.error("\(measurementsOut): cannot write the measurements (\(error.localizedDescription))")
                throw ExitCode(1)
            }
        }
        let organization = Self.organization(of: snapshot)
        let input = AssessmentInput(organization: organization, measurements: assessment.measurements, statuses: [])
        // Evidence describes one moment; score it as of then unless told otherwise.
        let (report, plan) = try score(input, catalog: catalog, defaultAsOf: snapshot.manifest.collectedAt)
        let document = ScoreDocument(report: report, organization: organization, plan: plan)
        switch format {
        case .table:
            Console.write(
                EvidenceTable.render(assessment)
                    + "\n" + AssessmentTable.render(report: report, organization: organization, plan: plan)
            )
        case .json:
            Console.write(try JSONOutput.encode(EvidenceDocument(assessment: assessment, score: document)))
        case .csv:
            Console.write(AssessmentCSV.render(document))
        }
    }

    static func organization(of snapshot: M365Snapshot) -> Organization {
        let tenant = snapshot.manifest.tenantID
        return Organization(
            id: Organization.isValidID(tenant) ? tenant : "tenant",
            displayName: snapshot.organization?.first?.displayName ?? tenant,
            licensedUserCount: nil,
            activeUserCount: snapshot.users.map { users in users.filter { $0.isEnabled && !$0.isGuest }.count },
            industry: nil,
            region: nil
        )
    }
}

/// `--format json` with evidence: the findings beside the usual score document.
struct EvidenceDocument: Encodable {
    var tenantId: String
    var collectedAt: Date
    var findings: [M365FindingSummary]
    var problems: [String]
    var missing: [String: String]
    var score: ScoreDocument

    init(assessment: M365Assessment, score: ScoreDocument) {
        tenantId = assessment.manifest.tenantID
        collectedAt = assessment.manifest.collectedAt
        findings = assessment.findings.map(M365FindingSummary.init)
        problems = assessment.problems.map(\.description)
        missing = Dictionary(uniqueKeysWithValues: assessment.missing.map { ($0.key.rawValue, $0.value) })
        self.score = score
    }
}

/// The evidence part of the table output: one line per assessed action with its reason, and the
/// entities missing from every partial action.
enum EvidenceTable {
    static func render(_ assessment: M365Assessment) -> String {
        var lines = [
            "Microsoft 365 evidence · tenant \(assessment.manifest.tenantID) · collected \(assessment.manifest.collectedAt.iso8601)",
            "",
        ]
        var table = TextTable([("Action", .left), ("Result", .right), ("Why", .left)])
        for finding in assessment.findings {
            var missing = ""
            if let absent = finding.counts?.missing, !absent.isEmpty {
                missing =
                    " · missing: " + absent.prefix(10).joined(separator: ", ")
                    + (absent.count > 10 ? " and \(absent.count - 10) more" : "")
            }
            table.add([finding.actionID, finding.result, finding.detail + missing])
        }
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }
}
