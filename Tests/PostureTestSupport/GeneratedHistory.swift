import FluentKit
import Foundation
import PostureCore
import PostureStore
import SQLKit

/// Many organizations with a year of daily snapshots, generated deterministically: seats spread
/// over every band (one band kept under the comparison minimum), a few industries and regions,
/// and five actions per organization whose points drift up and down, some of them risk-accepted.
public struct GeneratedHistory: Sendable {
    public struct Member: Sendable {
        public var organization: Organization
        public var snapshots: [DailySnapshot]
    }

    public let members: [Member]
    public let firstDay: CivilDay
    public let lastDay: CivilDay

    public static let actionIDs = [
        "AdminMFAV2", "BlockLegacyAuthentication", "MFARegistrationV2", "PWAgePolicyNew", "SelfServicePasswordReset",
    ]
    public static let industries = ["Manufacturing", "Finance", "Healthcare"]
    public static let regions = ["EU", "US"]

    /// `organizations` organizations over `days` days ending on `lastDay`. Organizations are
    /// numbered from 0; the ones whose number is a multiple of 50 sit alone in the 10001+ band
    /// (fewer than five there as long as there are under 250 organizations).
    public init(organizations: Int, days: Int, lastDay: CivilDay, catalog: Catalog, seed: UInt64 = 42) {
        var random = SplitMix64(seed: seed)
        self.lastDay = lastDay
        firstDay = lastDay.adding(days: -(days - 1))
        let actions = Self.actionIDs.compactMap { catalog[$0] }
        var members: [Member] = []
        for index in 0..<organizations {
            let seats: Int
            if index % 50 == 0 {
                seats = 20_000 + index
            } else {
                let bands = [40, 300, 800, 3000, 8000]
                seats = bands[index % bands.count] + Int(random.unit() * 50)
            }
            let organization = Organization(
                id: String(format: "gen-%04d", index),
                displayName: "Generated \(index)",
                licensedUserCount: seats,
                industry: Self.industries[index % Self.industries.count],
                region: Self.regions[index % Self.regions.count]
            )
            var ratios = actions.map { _ in random.unit() }
            var snapshots: [DailySnapshot] = []
            for offset in 0..<days {
                let day = firstDay.adding(days: offset)
                var entries: [DailySnapshot.Action] = []
                for (position, action) in actions.enumerated() {
                    // A walk with occasional drops: the regressions the trends must find.
                    let step = random.unit()
                    if step < 0.05 {
                        ratios[position] = max(0, ratios[position] - 0.3)
                    } else {
                        ratios[position] = min(1, ratios[position] + (step - 0.5) * 0.04)
                    }
                    let total = 20
                    let achieved = Int((ratios[position] * Double(total)).rounded())
                    let accepted = (index + position) % 7 == 0 && offset % 60 < 30
                    let points = action.maxScore * Double(achieved) / Double(total)
                    entries.append(
                        DailySnapshot.Action(
                            id: action.id,
                            category: action.category,
                            points: points,
                            verifiedPoints: points,
                            maxScore: action.maxScore,
                            status: accepted ? .riskAccepted : (achieved == total ? .completed : .toAddress),
                            achieved: achieved,
                            total: total
                        )
                    )
                }
                let score = entries.reduce(0) { $0 + $1.points }
                let maxScore = entries.reduce(0) { $0 + $1.maxScore }
                let categories = ActionCategory.allCases.map { category in
                    let part = entries.filter { $0.category == category }
                    return DailySnapshot.Category(
                        category: category,
                        score: part.reduce(0) { $0 + $1.points },
                        maxScore: part.reduce(0) { $0 + $1.maxScore },
                        verifiedScore: part.reduce(0) { $0 + $1.verifiedPoints }
                    )
                }
                snapshots.append(
                    DailySnapshot(
                        organizationID: organization.id,
                        day: day,
                        score: score,
                        maxScore: maxScore,
                        verifiedScore: score,
                        categories: categories,
                        actions: entries,
                        catalogVersion: catalog.version,
                        scoringModelVersion: ScoringEngine.modelVersion,
                        filled: false,
                        licensedUserCount: seats,
                        activeUserCount: nil
                    )
                )
            }
            members.append(Member(organization: organization, snapshots: snapshots))
        }
        self.members = members
    }

    /// What the cohort query sees of every member on every day.
    public var cohortMembers: [CohortMember] {
        members.flatMap { member in
            member.snapshots.map { snapshot in
                CohortMember(
                    organizationID: member.organization.id,
                    day: snapshot.day,
                    seats: SeatBand.seats(licensed: snapshot.licensedUserCount, active: snapshot.activeUserCount),
                    industry: member.organization.industry,
                    region: member.organization.region,
                    percentage: snapshot.percentage,
                    categories: snapshot.categories
                )
            }
        }
    }

    /// Stores the organizations and their snapshots, in batches, through the store.
    public func store(in store: PostureStore) async throws {
        for member in members {
            try await store.createOrganization(member.organization, at: firstDay.start)
        }
        try await store.insertSnapshots(members.flatMap(\.snapshots), at: lastDay.start)
    }
}
