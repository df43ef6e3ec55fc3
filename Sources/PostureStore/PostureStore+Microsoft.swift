import FluentKit
import Foundation
import PostureCore

/// What an import added, changed and found already stored.
public struct MicrosoftImportSummary: Sendable, Equatable {
    public var daysAdded = 0
    public var daysChanged = 0
    public var daysUnchanged = 0
    public var profilesAdded = 0
    public var profilesChanged = 0
    public var profilesUnchanged = 0

    public init() {}

    public var changedAnything: Bool { daysAdded + daysChanged + profilesAdded + profilesChanged > 0 }
}

extension PostureStore {
    /// Stores Microsoft's days and profiles: new ones are added, changed ones replaced, equal
    /// ones left alone, so importing the same export twice changes nothing.
    package func importMicrosoft(
        _ organizationID: OrganizationID,
        scores: [MicrosoftDailyScore],
        profiles: [MicrosoftControlProfile],
        at instant: Date
    ) async throws -> MicrosoftImportSummary {
        var summary = MicrosoftImportSummary()
        let storedDays = try await MicrosoftScoreRecord.query(on: database)
            .filter(\.$organizationID == organizationID.rawValue).all()
        var dayRecords = Dictionary(storedDays.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
        for score in scores {
            let existing = dayRecords[score.day.description]
            // An older export never replaces what a newer one stored for the same day.
            if let existing, try Self.daily(existing) == score || existing.createdAt > score.createdAt {
                summary.daysUnchanged += 1
                continue
            }
            let record = existing ?? MicrosoftScoreRecord()
            if existing == nil { summary.daysAdded += 1 } else { summary.daysChanged += 1 }
            record.organizationID = organizationID.rawValue
            record.day = score.day.description
            record.createdAt = score.createdAt
            record.currentScore = score.currentScore
            record.maxScore = score.maxScore
            record.licensedUserCount = score.licensedUserCount
            record.activeUserCount = score.activeUserCount
            record.controls = String(decoding: try JSONEncoder().encode(score.controls), as: UTF8.self)
            record.importedAt = instant
            try await record.save(on: database)
            dayRecords[record.day] = record
        }
        let storedProfiles = try await MicrosoftProfileRecord.query(on: database)
            .filter(\.$organizationID == organizationID.rawValue).all()
        let profileRecords = Dictionary(
            storedProfiles.map { ($0.controlID, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        for profile in profiles {
            let existing = profileRecords[profile.id]
            let older =
                existing?.stateUpdatedAt.map { stored in profile.stateUpdatedAt.map { $0 < stored } ?? true } ?? false
            if let existing, Self.profile(existing) == profile || older {
                summary.profilesUnchanged += 1
                continue
            }
            let record = existing ?? MicrosoftProfileRecord()
            if existing == nil { summary.profilesAdded += 1 } else { summary.profilesChanged += 1 }
            record.organizationID = organizationID.rawValue
            record.controlID = profile.id
            record.title = profile.title
            record.maxScore = profile.maxScore
            record.category = profile.category
            record.deprecated = profile.deprecated
            record.state = profile.state
            record.stateUpdatedBy = profile.stateUpdatedBy
            record.stateUpdatedAt = profile.stateUpdatedAt
            record.importedAt = instant
            try await record.save(on: database)
        }
        return summary
    }

    /// Microsoft's stored history, oldest day first, optionally within days `from`…`to`. Without
    /// control scores (charts and day lists need only the totals) each day's JSON is not read.
    public func microsoftScores(
        _ organizationID: OrganizationID,
        from: CivilDay? = nil,
        to: CivilDay? = nil,
        withControls: Bool = true
    ) async throws -> [MicrosoftDailyScore] {
        var query = MicrosoftScoreRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
        if let from { query = query.filter(\.$day >= from.description) }
        if let to { query = query.filter(\.$day <= to.description) }
        if !withControls {
            query = query.field(\.$organizationID).field(\.$day).field(\.$createdAt).field(\.$currentScore)
                .field(\.$maxScore).field(\.$licensedUserCount).field(\.$activeUserCount)
        }
        return try await query.sort(\.$day).all().map { try Self.daily($0, withControls: withControls) }
    }

    /// Microsoft's latest stored day, with its control scores.
    public func latestMicrosoftScore(_ organizationID: OrganizationID) async throws -> MicrosoftDailyScore? {
        try await MicrosoftScoreRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .sort(\.$day, .descending).first().map { try Self.daily($0) }
    }

    public func microsoftProfiles(_ organizationID: OrganizationID) async throws -> [MicrosoftControlProfile] {
        try await MicrosoftProfileRecord.query(on: database).filter(\.$organizationID == organizationID.rawValue)
            .sort(\.$controlID).all().map(Self.profile)
    }

    static func daily(_ record: MicrosoftScoreRecord, withControls: Bool = true) throws -> MicrosoftDailyScore {
        MicrosoftDailyScore(
            day: CivilDay(record.day) ?? CivilDay(record.createdAt),
            createdAt: record.createdAt,
            currentScore: record.currentScore,
            maxScore: record.maxScore,
            licensedUserCount: record.licensedUserCount,
            activeUserCount: record.activeUserCount,
            controls: withControls
                ? try JSONDecoder().decode([MicrosoftControlScore].self, from: Data(record.controls.utf8)) : []
        )
    }

    static func profile(_ record: MicrosoftProfileRecord) -> MicrosoftControlProfile {
        MicrosoftControlProfile(
            id: record.controlID,
            title: record.title,
            maxScore: record.maxScore,
            category: record.category,
            deprecated: record.deprecated,
            state: record.state,
            stateUpdatedBy: record.stateUpdatedBy,
            stateUpdatedAt: record.stateUpdatedAt
        )
    }
}
