import Foundation
import PostureCore
import PostureEvidence
import PostureStore
import Vapor

/// Server-side ingestion of a Microsoft 365 evidence snapshot: the same assessors as
/// `posture assess --evidence microsoft365`, so both give identical measurements.
struct EvidenceRoutes {
    let dependencies: APIDependencies

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        organization.on(
            .POST,
            "evidence",
            "microsoft365",
            body: .collect(maxSize: ByteCount(value: dependencies.maxEvidenceSize)),
            use: ingest
        )
    }

    struct FindingDTO: Encodable {
        var actionId: String
        /// `implemented`, `notImplemented`, `counted`, `notApplicable` or `noData`.
        var outcome: String
        var achieved: Int?
        var total: Int?
        var detail: String
    }

    struct IngestResult: Encodable {
        var tenantId: String
        var collectedAt: Date
        var measured: Int
        var currentScore: Double
        var maxScore: Double
        var percentage: Double
        var findings: [FindingDTO]
        /// Resources that could not be read, each with where and why.
        var problems: [String]
        /// Resources absent from the snapshot, with the collector's reason.
        var missing: [String: String]
    }

    /// Assesses the snapshot and records its measurements. "No data" actions keep what was
    /// recorded before; a body that is not a snapshot at all is a 400 and changes nothing.
    @Sendable func ingest(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        _ = try await service.organization(id)
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw APIError.badRequest("the request needs a JSON body: {\"manifest\": {...}, \"resources\": {...}}")
        }
        let snapshot = try M365Snapshot.decode(bundle: Data(buffer.readableBytesView))
        let assessment = M365Assessment(snapshot: snapshot, catalog: service.catalog)
        let report =
            assessment.measurements.isEmpty
            ? try await service.currentReport(id)
            : try await service.recordMeasurements(
                id,
                assessment.measurements,
                actor: request.actor,
                requestID: request.id
            )
        let document = ScoreDocument(report: report, organization: nil)
        return try JSONResponse.encode(
            IngestResult(
                tenantId: assessment.manifest.tenantID,
                collectedAt: assessment.manifest.collectedAt,
                measured: assessment.measurements.count,
                currentScore: document.currentScore,
                maxScore: document.maxScore,
                percentage: document.percentage,
                findings: assessment.findings.map(Self.dto),
                problems: assessment.problems.map(\.description),
                missing: Dictionary(uniqueKeysWithValues: assessment.missing.map { ($0.key.rawValue, $0.value) })
            )
        )
    }

    static func dto(_ finding: M365Finding) -> FindingDTO {
        var dto = FindingDTO(actionId: finding.actionID, outcome: "", detail: finding.detail)
        switch finding.outcome {
        case .implemented(let done): dto.outcome = done ? "implemented" : "notImplemented"
        case .counted(let achieved, let total):
            dto.outcome = "counted"
            dto.achieved = achieved.count
            dto.total = total.count
        case .notApplicable: dto.outcome = "notApplicable"
        case .noData: dto.outcome = "noData"
        }
        return dto
    }
}
