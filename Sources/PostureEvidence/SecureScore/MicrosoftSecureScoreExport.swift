import Foundation
import PostureCore

/// Microsoft's Secure Score as Graph returns it: `secureScores` (one entry a day) and
/// `secureScoreControlProfiles`, read from exported files or live answers.
public struct MicrosoftSecureScoreExport: Sendable {
    public static let scoresFile = "secureScores.json"
    public static let profilesFile = "secureScoreControlProfiles.json"

    public var scores: [MicrosoftDailyScore]
    public var profiles: [MicrosoftControlProfile]

    /// Decodes both collections; every problem names its file and path. A day reported twice
    /// keeps its latest entry.
    public static func decode(
        scores scoresData: Data,
        scoresFile: String = scoresFile,
        profiles profilesData: Data,
        profilesFile: String = profilesFile
    ) throws(DiagnosticList) -> MicrosoftSecureScoreExport {
        var problems: [Diagnostic] = []
        var scores: [MicrosoftDailyScore] = []
        var profiles: [MicrosoftControlProfile] = []
        do {
            let collection = try JSONDecoder().decode(GraphCollection<GraphSecureScore>.self, from: scoresData)
            for (index, entry) in collection.value.enumerated() {
                guard let created = Date(iso8601: entry.createdDateTime) else {
                    problems.append(
                        Diagnostic(
                            file: scoresFile,
                            line: nil,
                            field: "value[\(index)].createdDateTime",
                            message: "expected a time like 2026-11-20T00:00:00Z, found \"\(entry.createdDateTime)\""
                        )
                    )
                    continue
                }
                // Whole seconds, so a stored day compares equal to the same day imported again.
                scores.append(entry.daily(createdAt: created.wholeSeconds))
            }
        } catch {
            problems.append(EvidenceDecodingError.diagnostic(error, file: scoresFile, bytes: Array(scoresData)))
        }
        do {
            let collection = try JSONDecoder().decode(GraphCollection<GraphControlProfile>.self, from: profilesData)
            profiles = collection.value.map(\.profile)
        } catch {
            problems.append(EvidenceDecodingError.diagnostic(error, file: profilesFile, bytes: Array(profilesData)))
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        var byDay: [CivilDay: MicrosoftDailyScore] = [:]
        for score in scores where byDay[score.day].map({ $0.createdAt <= score.createdAt }) ?? true {
            byDay[score.day] = score
        }
        return MicrosoftSecureScoreExport(
            scores: byDay.values.sorted { $0.day < $1.day },
            profiles: profiles.sorted { $0.id < $1.id }
        )
    }

    /// Reads `secureScores.json` and `secureScoreControlProfiles.json` from a directory.
    public static func load(directory: URL) throws(DiagnosticList) -> MicrosoftSecureScoreExport {
        func read(_ name: String) -> (Data?, String) {
            let url = directory.appendingPathComponent(name)
            return (FileManager.default.contents(atPath: url.path), M365Snapshot.displayPath(url))
        }
        let (scores, scoresName) = read(scoresFile)
        let (profiles, profilesName) = read(profilesFile)
        var missing: [Diagnostic] = []
        if scores == nil {
            missing.append(
                Diagnostic(file: scoresName, line: nil, message: "missing: export GET /security/secureScores into it")
            )
        }
        if profiles == nil {
            missing.append(
                Diagnostic(
                    file: profilesName,
                    line: nil,
                    message: "missing: export GET /security/secureScoreControlProfiles into it"
                )
            )
        }
        guard let scores, let profiles else { throw DiagnosticList(missing) }
        return try decode(scores: scores, scoresFile: scoresName, profiles: profiles, profilesFile: profilesName)
    }
}

/// A number Graph writes either as a number or as text (`"count": "3"`).
struct LenientNumber: Decodable {
    var value: Double?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let number = try? container.decode(Double.self) {
            value = number
        } else {
            value = Double(try container.decode(String.self))
        }
    }
}

struct GraphSecureScore: Decodable {
    struct ControlScore: Decodable {
        var controlName: String
        var controlCategory: String?
        var score: LenientNumber?
        var count: LenientNumber?
        var total: LenientNumber?
    }
    var createdDateTime: String
    var currentScore: Double
    var maxScore: Double
    var licensedUserCount: Int?
    var activeUserCount: Int?
    var controlScores: [ControlScore]?

    func daily(createdAt: Date) -> MicrosoftDailyScore {
        MicrosoftDailyScore(
            day: CivilDay(createdAt),
            createdAt: createdAt,
            currentScore: currentScore,
            maxScore: maxScore,
            licensedUserCount: licensedUserCount,
            activeUserCount: activeUserCount,
            // In name order, so the same day compares equal however Graph ordered it.
            controls: (controlScores ?? []).sorted { $0.controlName < $1.controlName }.map { control in
                MicrosoftControlScore(
                    controlName: control.controlName,
                    category: control.controlCategory,
                    score: control.score?.value.flatMap { $0.isFinite ? $0 : nil } ?? 0,
                    count: control.count?.value.flatMap { Int(exactly: $0) },
                    total: control.total?.value.flatMap { Int(exactly: $0) }
                )
            }
        )
    }
}

struct GraphControlProfile: Decodable {
    struct StateUpdate: Decodable {
        var state: String?
        var updatedBy: String?
        var updatedDateTime: String?
    }
    var id: String
    var title: String?
    var maxScore: LenientNumber?
    var controlCategory: String?
    var deprecated: Bool?
    var controlStateUpdates: [StateUpdate]?

    var profile: MicrosoftControlProfile {
        let latest = (controlStateUpdates ?? []).max { ($0.updatedDateTime ?? "") < ($1.updatedDateTime ?? "") }
        return MicrosoftControlProfile(
            id: id,
            title: title ?? id,
            maxScore: maxScore?.value ?? 0,
            category: controlCategory,
            deprecated: deprecated ?? false,
            state: latest?.state,
            stateUpdatedBy: latest?.updatedBy,
            stateUpdatedAt: latest?.updatedDateTime.flatMap(Date.init(iso8601:))?.wholeSeconds
        )
    }
}

extension Date {
    var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
