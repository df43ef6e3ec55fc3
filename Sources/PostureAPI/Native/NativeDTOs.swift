import Foundation
import PostureCore
import PostureStore

struct OrganizationDTO: Encodable {
    var id: String
    var displayName: String
    var licensedUserCount: Int?
    var activeUserCount: Int?
    var industry: String?
    var region: String?
    var enabledServices: [String]
    var seatBand: String
    var createdAt: Date
    var updatedAt: Date
    // In lists only: the stored current score and what the dashboard's list shows beside it.
    var currentScore: Double?
    var maxScore: Double?
    var verifiedScore: Double?
    var percentage: Double?
    var zone: String?
    /// Percentage points since 30 days ago; absent without a snapshot then.
    var percentageChange30Days: Double?
    var openRegressions: Int?
    /// Its connection's health (`pending`, `healthy`, `failing`, `stale`); absent without one.
    var connectionHealth: String?

    init(listed: StoredOrganizationListRow) {
        self.init(listed.organization)
        let row = listed.row
        currentScore = row.score
        maxScore = row.maxScore
        verifiedScore = row.verifiedScore
        percentage = row.percentage
        zone = row.zone.rawValue
        percentageChange30Days = row.change30
        openRegressions = row.regressions
        connectionHealth = row.connection?.rawValue
    }

    init(_ stored: StoredOrganization) {
        let organization = stored.organization
        id = organization.id
        displayName = organization.displayName
        licensedUserCount = organization.licensedUserCount
        activeUserCount = organization.activeUserCount
        industry = organization.industry
        region = organization.region
        enabledServices = stored.enabledServices
        seatBand =
            SeatBand.band(
                forSeats: SeatBand.seats(licensed: organization.licensedUserCount, active: organization.activeUserCount)
            ).rawValue
        createdAt = stored.createdAt
        updatedAt = stored.updatedAt
    }

    /// Reads a create (no path id) or update body; on update, absent fields keep their values.
    static func decode(
        _ body: SourceNode,
        pathID: String?,
        existing: Organization? = nil
    ) throws -> (
        Organization, [String]?
    ) {
        var reader = NodeReader(file: "body", entry: nil, node: body)
        reader.rejectUnknownKeys([
            "id", "displayName", "licensedUserCount", "activeUserCount", "industry", "region", "enabledServices",
        ])
        let id = reader.string("id", required: pathID == nil)
        if let id {
            if let pathID, id != pathID {
                reader.report("id", at: reader.raw("id")?.line, "the id cannot change (it is \"\(pathID)\")")
            } else if !Organization.isValidID(id) {
                reader.report(
                    "id",
                    at: reader.raw("id")?.line,
                    "use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit"
                )
            }
        }
        let displayName = reader.string("displayName", required: existing == nil)
        let licensed = reader.count("licensedUserCount", required: false)
        let active = reader.count("activeUserCount", required: false)
        let industry = reader.string("industry", required: false)
        let region = reader.string("region", required: false)
        let services = reader.stringArray("enabledServices", required: false)
        guard reader.collected.isEmpty else { throw DiagnosticList(reader.collected) }
        func present(_ key: String) -> Bool { reader.raw(key) != nil }
        let organization = Organization(
            id: pathID ?? id ?? "",
            displayName: displayName ?? existing?.displayName ?? "",
            licensedUserCount: present("licensedUserCount") ? licensed : existing?.licensedUserCount,
            activeUserCount: present("activeUserCount") ? active : existing?.activeUserCount,
            industry: present("industry") ? industry : existing?.industry,
            region: present("region") ? region : existing?.region
        )
        return (organization, services)
    }
}

struct OrganizationList: Encodable {
    var value: [OrganizationDTO]
    /// Every organization the search matches, across pages.
    var total: Int
    /// A relative link to the next page, absent on the last one.
    var nextLink: String?
}

struct MeasurementDTO: Encodable {
    var actionId: String
    var implemented: Bool?
    var achieved: Int?
    var total: Int?
    var observedAt: Date?
    var achievedEntities: [String]?
    var totalEntities: [String]?
    var excluded: [Exclusion]

    init(_ measurement: ActionMeasurement) {
        actionId = measurement.actionID
        switch measurement.result {
        case .implemented(let done): implemented = done
        case .counted(let achieved, let total):
            self.achieved = achieved
            self.total = total
        }
        observedAt = measurement.observedAt
        achievedEntities = measurement.achievedEntities
        totalEntities = measurement.totalEntities
        excluded = measurement.excluded
    }

    static let maximumBatch = 5_000

    /// `{"measurements": [...]}`, each entry as in `posture assess`; every problem is reported.
    static func decodeBatch(_ body: SourceNode, catalog: Catalog) throws -> [ActionMeasurement] {
        var top = NodeReader(file: "body", entry: nil, node: body)
        top.rejectUnknownKeys(["measurements"])
        let nodes = top.array("measurements", nonEmpty: true) ?? []
        var diagnostics = top.collected
        if nodes.count > maximumBatch {
            throw APIError.badRequest(
                "send at most \(maximumBatch) measurements per request, got \(nodes.count)",
                target: "measurements"
            )
        }
        let (result, problems) = AssessmentDecoder.decodeMeasurements(nodes, file: "body", catalog: catalog)
        diagnostics += problems
        guard diagnostics.isEmpty else { throw DiagnosticList(diagnostics) }
        return result
    }
}

struct MeasurementList: Encodable { var value: [MeasurementDTO] }

struct StatusDTO: Encodable {
    var actionId: String
    var status: String
    var note: String?
    var owner: String?
    var expiresAt: Date?
    var targetDate: String?
    var setBy: String?
    var setAt: Date?

    init(_ record: StatusRecord) {
        actionId = record.actionID
        status = record.status.rawValue
        note = record.note
        owner = record.owner
        expiresAt = record.expiresAt
        targetDate = record.targetDate?.description
        setBy = record.setBy
        setAt = record.setAt
    }
}

struct ChangeDTO: Encodable {
    var actionId: String
    var category: String
    var kind: String
    var occurredAt: Date
    var fromStatus: String?
    var toStatus: String?
    var pointsBefore: Double
    var pointsAfter: Double
    var delta: Double
    var maxScore: Double
    var actor: String
    var detail: String
    var cause: ChangeCause?

    init(_ entry: ChangeEntry) {
        actionId = entry.actionID
        category = entry.category.rawValue
        kind = entry.kind.rawValue
        occurredAt = entry.occurredAt
        fromStatus = entry.fromStatus?.rawValue
        toStatus = entry.toStatus?.rawValue
        pointsBefore = entry.pointsBefore
        pointsAfter = entry.pointsAfter
        delta = entry.delta
        maxScore = entry.maxScore
        actor = entry.actor
        cause = entry.cause
        detail = entry.detail
    }
}

struct ChangeList: Encodable {
    var value: [ChangeDTO]
    /// A relative link to the next page, when a page was asked for and more remain.
    var nextLink: String? = nil
}

struct SnapshotDTO: Encodable {
    var day: String
    var score: Double
    var maxScore: Double
    var percentage: Double
    var verifiedScore: Double
    var categories: [DailySnapshot.Category]
    var catalogVersion: String
    var scoringModelVersion: String
    var filled: Bool

    init(_ snapshot: DailySnapshot) {
        day = snapshot.day.description
        score = snapshot.score
        maxScore = snapshot.maxScore
        percentage = snapshot.percentage
        verifiedScore = snapshot.verifiedScore
        categories = snapshot.categories
        catalogVersion = snapshot.catalogVersion
        scoringModelVersion = snapshot.scoringModelVersion
        filled = snapshot.filled
    }
}

struct SnapshotList: Encodable {
    var value: [SnapshotDTO]
    /// A relative link to the next (older) page, absent on the last one and without paging.
    var nextLink: String? = nil
}

/// The score after a change, so the caller sees its effect in the same response.
struct ScoreSummary: Encodable {
    var currentScore: Double
    var maxScore: Double
    var percentage: Double
    var verifiedScore: Double
    var action: ScoreDocument.Action?

    init(_ document: ScoreDocument, actionID: String?) {
        currentScore = document.currentScore
        maxScore = document.maxScore
        percentage = document.percentage
        verifiedScore = document.verifiedScore
        action = actionID.flatMap { id in document.actions.first { $0.id == id } }
    }
}

/// A measurement left out because the stored one for its action was observed later.
struct IgnoredMeasurement: Encodable {
    var actionId: String
    var observedAt: Date
    var storedObservedAt: Date
    var reason: String

    init(_ older: OlderObservation) {
        actionId = older.actionID
        observedAt = older.observedAt
        storedObservedAt = older.storedObservedAt
        reason = "older than the stored measurement; kept out of the current state"
    }
}

/// The score after a batch of measurements, and the measurements left out as older.
struct MeasurementsResult: Encodable {
    var currentScore: Double
    var maxScore: Double
    var percentage: Double
    var verifiedScore: Double
    var ignored: [IgnoredMeasurement]

    /// The score's figures as ``ScoreDocument`` gives them, without building the document.
    init(_ report: ScoreReport, ignored: [OlderObservation]) {
        currentScore = report.currentScore
        maxScore = report.maxScore
        percentage = report.percentage
        verifiedScore = report.verifiedScore
        self.ignored = ignored.map(IgnoredMeasurement.init)
    }
}

struct ActionWithTags: Encodable {
    var action: ScoreDocument.Action
    var tags: [String]

    func encode(to encoder: any Encoder) throws {
        try action.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(tags, forKey: Key(stringValue: "tags"))
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

struct ActionList: Encodable {
    var asOf: String
    var value: [ActionWithTags]
}

struct ActionDetail: Encodable {
    var action: ScoreDocument.Action
    var tags: [String]
    var statusHistory: [StatusDTO]
    var changes: [ChangeDTO]
}

struct TagList: Encodable {
    var actionId: String
    var tags: [String]
}

struct PlanResponse: Encodable {
    var currentScore: Double
    var maxScore: Double
    var percentage: Double
    var plan: ScoreDocument.PlanDocument?
    var projection: ScoreDocument.ProjectionDocument

    init(_ document: ScoreDocument) {
        currentScore = document.currentScore
        maxScore = document.maxScore
        percentage = document.percentage
        plan = document.plan
        projection = document.projection
    }
}
