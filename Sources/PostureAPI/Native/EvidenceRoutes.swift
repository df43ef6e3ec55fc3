import Foundation
import PostureCore
import PostureEvidence
import PostureServices
import PostureStore
import Vapor

/// Server-side ingestion of a Microsoft 365 evidence snapshot: the same assessors as
/// `posture assess --evidence microsoft365`, so both give identical measurements.
struct EvidenceRoutes {
    let dependencies: APIDependencies
    /// Snapshots can be large; a node assesses at most two at a time.
    let gate = IngestGate(limit: 2)

    var service: PostureService { dependencies.service }

    func register(on organization: any RoutesBuilder) {
        // Streamed: the caller is authorized before any of the body is read, and the body goes to
        // a spool file, not memory (``BodySpool``).
        organization.on(.POST, "evidence", "microsoft365", body: .stream, use: ingest)
    }

    struct IngestResult: Encodable {
        var tenantId: String
        var collectedAt: Date
        var measured: Int
        var currentScore: Double
        var maxScore: Double
        var percentage: Double
        var findings: [M365FindingSummary]
        /// Resources that could not be read, each with where and why.
        var problems: [String]
        /// Resources absent from the snapshot, with the collector's reason.
        var missing: [String: String]
        /// Measurements older than the stored ones of their actions, left out.
        var ignored: [IgnoredMeasurement]
    }

    /// Assesses the snapshot and records its measurements. "No data" actions keep what was
    /// recorded before; a body that is not a snapshot at all is a 400 and changes nothing.
    @Sendable func ingest(_ request: Request) async throws -> Response {
        let id = try request.authorize(.changeState)
        _ = try await service.organization(id)
        guard await gate.enter() else {
            throw APIError(
                .tooManyRequests,
                code: "tooManyRequests",
                message: "two evidence snapshots are being assessed on this node; retry in a minute"
            )
        }
        defer { Task { await gate.leave() } }
        let limit = dependencies.maxEvidenceSize
        let bytes: Data?
        do {
            bytes = try await BodySpool.receive(request, limit: limit, in: dependencies.spoolDirectory)
        } catch is BodySpool.TooLarge {
            throw APIError(
                .payloadTooLarge,
                code: "payloadTooLarge",
                message: "the snapshot is larger than \(limit >> 20) MB (POSTURE_MAX_EVIDENCE_MB)"
            )
        }
        guard let bytes else {
            throw APIError.badRequest("the request needs a JSON body: {\"manifest\": {...}, \"resources\": {...}}")
        }
        let catalog = service.catalog
        // Decoding and assessing take a second for a large tenant: off the event loops.
        let assessment = try await request.application.threadPool.runIfActive {
            M365Assessment(snapshot: try M365Snapshot.decode(bundle: bytes), catalog: catalog)
        }
        let (report, older) =
            assessment.measurements.isEmpty
            ? (try await service.currentReport(id), [])
            : try await service.recordObservations(
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
                findings: assessment.findings.map(M365FindingSummary.init),
                problems: assessment.problems.map(\.description),
                missing: Dictionary(uniqueKeysWithValues: assessment.missing.map { ($0.key.rawValue, $0.value) }),
                ignored: older.map(IgnoredMeasurement.init)
            )
        )
    }
}

/// Counts the snapshots a node is assessing, refusing more than `limit` at once.
actor IngestGate {
    let limit: Int
    private var inFlight = 0

    init(limit: Int) { self.limit = limit }

    func enter() -> Bool {
        guard inFlight < limit else { return false }
        inFlight += 1
        return true
    }

    func leave() { inFlight -= 1 }
}
