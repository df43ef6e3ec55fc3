import Foundation
import PostureCore
import PostureStore

/// Builds Graph `secureScore` and `secureScoreControlProfile` entities from Posture's data, with
/// the OpenType extras real clients read (`scoreInPercentage`, `implementationStatus`, `count`…).
enum GraphEntities {
    static let vendor = JSONValue.object(
        JSONObject([
            ("provider", .string("SecureScore")), ("providerVersion", .string(ScoringEngine.modelVersion)),
            ("subProvider", .null), ("vendor", .string("Posture")),
        ])
    )

    static let secureScoreSchema: [String: ODataPropertyType] = [
        "id": .string, "azureTenantId": .string, "activeUserCount": .integer, "createdDateTime": .dateTime,
        "currentScore": .number, "maxScore": .number, "licensedUserCount": .integer, "enabledServices": .collection,
        "averageComparativeScores": .collection, "controlScores": .collection, "vendorInformation": .object,
    ]

    static let profileSchema: [String: ODataPropertyType] = [
        "id": .string, "azureTenantId": .string, "actionType": .string, "actionUrl": .string,
        "controlCategory": .string, "title": .string, "deprecated": .boolean, "implementationCost": .string,
        "lastModifiedDateTime": .dateTime, "maxScore": .number, "rank": .integer, "remediation": .string,
        "remediationImpact": .string, "service": .string, "threats": .collection, "tier": .string,
        "userImpact": .string, "complianceInformation": .collection, "controlStateUpdates": .collection,
        "vendorInformation": .object,
        // The OpenType extras each profile carries: what it returns can be selected and filtered.
        "description": .string, "currentScore": .number, "scoreInPercentage": .number, "status": .string,
        "externallyManaged": .boolean,
    ]

    static func secureScoreID(_ organizationID: String, _ day: CivilDay) -> String { "\(organizationID)_\(day)" }

    /// Splits `{organizationId}_{yyyy-MM-dd}` at its last underscore.
    static func parseSecureScoreID(_ id: String) -> (organizationID: String, day: CivilDay)? {
        guard let underscore = id.lastIndex(of: "_"), let day = CivilDay(String(id[id.index(after: underscore)...]))
        else { return nil }
        return (String(id[..<underscore]), day)
    }

    static func secureScore(
        _ snapshot: DailySnapshot,
        organization: StoredOrganization,
        catalog: Catalog,
        cohorts: [JSONValue]
    ) -> JSONObject {
        secureScore(
            SecureScoreFacts(snapshot),
            organization: organization.organization,
            enabledServices: organization.enabledServices,
            cohorts: cohorts,
            controlScores: .array(GraphControlScores.values(snapshot, catalog: catalog))
        )
    }

    /// What a `secureScore` entity says of its day besides the actions.
    struct SecureScoreFacts {
        var organizationID: String
        var day: CivilDay
        var licensedUserCount: Int?
        var activeUserCount: Int?
        var score: Double
        var maxScore: Double
        var verifiedScore: Double
        var catalogVersion: String
        var scoringModelVersion: String
        var filled: Bool

        init(_ snapshot: DailySnapshot) {
            organizationID = snapshot.organizationID
            day = snapshot.day
            licensedUserCount = snapshot.licensedUserCount
            activeUserCount = snapshot.activeUserCount
            score = snapshot.score
            maxScore = snapshot.maxScore
            verifiedScore = snapshot.verifiedScore
            catalogVersion = snapshot.catalogVersion
            scoringModelVersion = snapshot.scoringModelVersion
            filled = snapshot.filled
        }

        init(_ newest: NewestSecureScore) {
            organizationID = newest.organization.id
            day = newest.day
            licensedUserCount = newest.licensedUserCount
            activeUserCount = newest.activeUserCount
            score = newest.score
            maxScore = newest.maxScore
            verifiedScore = newest.verifiedScore
            catalogVersion = newest.catalogVersion
            scoringModelVersion = newest.scoringModelVersion
            filled = newest.filled
        }
    }

    /// The entity from its facts and its `controlScores` (built, or rendered when stored).
    static func secureScore(
        _ facts: SecureScoreFacts,
        organization: Organization,
        enabledServices: [String],
        cohorts: [JSONValue],
        controlScores: JSONValue
    ) -> JSONObject {
        let percentage = facts.maxScore > 0 ? facts.score / facts.maxScore * 100 : 0
        return JSONObject([
            ("id", .string(secureScoreID(facts.organizationID, facts.day))),
            ("azureTenantId", .string(facts.organizationID)),
            ("activeUserCount", .int(facts.activeUserCount ?? organization.activeUserCount ?? 0)),
            ("createdDateTime", .string(facts.day.start.iso8601)),
            ("currentScore", .double(facts.score)),
            ("enabledServices", .array(enabledServices.map(JSONValue.string))),
            ("licensedUserCount", .int(facts.licensedUserCount ?? organization.licensedUserCount ?? 0)),
            ("maxScore", .double(facts.maxScore)),
            ("vendorInformation", vendor),
            ("averageComparativeScores", .array(cohorts)),
            ("controlScores", controlScores),
            ("scoreInPercentage", .double(rounded(percentage))),
            ("verifiedScore", .double(facts.verifiedScore)),
            ("catalogVersion", .string(facts.catalogVersion)),
            ("scoringModelVersion", .string(facts.scoringModelVersion)),
            ("filled", .bool(facts.filled)),
        ])
    }

    /// Graph spells the cohort averages per category as `identityScore`, `identityScoreMax`, …
    static func cohort(basis: String, _ average: CohortDay, band: SeatBand?) -> JSONValue {
        var object = JSONObject([
            ("basis", .string(basis)), ("averageScore", .double(rounded(average.averagePercentage))),
        ])
        if let band {
            object["SeatSizeRangeLowerValue"] = .string(String(band.lower))
            object["SeatSizeRangeUpperValue"] = band.upper.map { .string(String($0)) } ?? .null
        }
        for category in ActionCategory.allCases {
            let prefix = category.rawValue.lowercased()
            let scores = average.categories.first { $0.category == category }
            object["\(prefix)Score"] = .double(rounded(scores?.averageScore ?? 0))
            object["\(prefix)ScoreMax"] = .double(rounded(scores?.averageMaxScore ?? 0))
        }
        // No member count: next to averages, counts turn differences of cohorts into sums.
        return .object(object)
    }

    /// The AllTenants and TotalSeats cohorts of one day, from the cell-based cohort days (see
    /// ``Comparisons``); a cohort with no cell of enough organizations is left out.
    static func cohorts(
        for snapshot: DailySnapshot,
        all: [CivilDay: CohortDay],
        bands: [SeatBand: [CivilDay: CohortDay]]
    ) -> [JSONValue] {
        let band = band(licensed: snapshot.licensedUserCount, active: snapshot.activeUserCount)
        return cohorts(all: all[snapshot.day], band: band, bandDay: bands[band]?[snapshot.day])
    }

    /// The seat band a day's seats put the organization in.
    static func band(licensed: Int?, active: Int?) -> SeatBand {
        SeatBand.band(forSeats: SeatBand.seats(licensed: licensed, active: active))
    }

    static func cohorts(all: CohortDay?, band: SeatBand, bandDay: CohortDay?) -> [JSONValue] {
        var result: [JSONValue] = []
        if let all { result.append(cohort(basis: "AllTenants", all, band: nil)) }
        if let bandDay { result.append(cohort(basis: "TotalSeats", bandDay, band: band)) }
        return result
    }

    static func graphState(_ record: StatusRecord) -> String {
        if let clientState = record.clientState { return clientState }
        switch record.status {
        case .toAddress: return "Default"
        case .planned: return "Planned"
        case .riskAccepted: return "Ignored"
        case .resolvedThirdParty: return "ThirdParty"
        case .resolvedAlternateMitigation: return "AlternateMitigation"
        case .completed: return "Completed"
        }
    }

    static func controlProfile(
        _ score: ActionScore,
        organizationID: String,
        history: [StatusRecord]
    ) -> JSONObject {
        let action = score.action
        // The newest entries only: every change is kept in the store and the audit log, but one
        // profile must not grow without bound.
        let updates = history.suffix(maximumStateUpdates).map { record -> JSONValue in
            .object(
                JSONObject([
                    ("assignedTo", record.owner.map(JSONValue.string) ?? .null),
                    ("comment", record.note.map(JSONValue.string) ?? .null),
                    ("state", .string(graphState(record))),
                    ("updatedBy", record.setBy.map(JSONValue.string) ?? .null),
                    ("updatedDateTime", record.setAt.map { .string($0.iso8601) } ?? .null),
                ])
            )
        }
        var compliance: [JSONValue] = []
        for (name, ids) in [
            ("CIS Controls v8", action.compliance.cisControls), ("NIST SP 800-53 Rev. 5", action.compliance.nist80053),
        ] where !ids.isEmpty {
            compliance.append(
                .object(
                    JSONObject([
                        ("certificationName", .string(name)),
                        (
                            "certificationControls",
                            .array(ids.map { .object(JSONObject([("name", .string($0)), ("url", .string(""))])) })
                        ),
                    ])
                )
            )
        }
        let remediation = action.remediation.enumerated().map { "\($0.offset + 1). \($0.element)" }
            .joined(separator: "\n")
        return JSONObject([
            ("id", .string(action.id)),
            ("azureTenantId", .string(organizationID)),
            ("actionType", .string(action.actionType.rawValue)),
            ("actionUrl", .string(action.manageURL)),
            ("controlCategory", .string(action.category.rawValue)),
            ("title", .string(action.title)),
            ("deprecated", .bool(action.deprecated)),
            ("implementationCost", .string(action.implementationCost.rawValue)),
            ("lastModifiedDateTime", history.last?.setAt.map { .string($0.iso8601) } ?? .null),
            ("maxScore", .double(action.maxScore)),
            ("rank", score.rank.map(JSONValue.int) ?? .null),
            ("remediation", .string(remediation)),
            ("remediationImpact", .string(action.userImpactDescription)),
            ("service", .string(action.service)),
            ("threats", .array(action.threats.map { .string($0.rawValue) })),
            ("tier", .string(action.tier.rawValue)),
            ("userImpact", .string(action.userImpact.rawValue)),
            ("complianceInformation", .array(compliance)),
            ("controlStateUpdates", .array(updates)),
            ("vendorInformation", vendor),
            ("description", .string(action.description)),
            ("currentScore", .double(score.points)),
            ("scoreInPercentage", .double(rounded(score.percentage))),
            ("status", .string(score.status.rawValue)),
            ("externallyManaged", .bool(action.externallyManaged)),
        ])
    }

    /// `controlStateUpdates` carries at most this many of an action's newest status changes.
    static let maximumStateUpdates = 100

    static func rounded(_ value: Double) -> Double { GraphControlScores.rounded(value) }
}
