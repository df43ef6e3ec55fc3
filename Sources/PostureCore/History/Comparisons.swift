/// Seat-count bands for comparing an organization with others of similar size.
public enum SeatBand: String, CaseIterable, Sendable, Codable {
    case upTo100 = "1-100"
    case upTo500 = "101-500"
    case upTo1000 = "501-1000"
    case upTo5000 = "1001-5000"
    case upTo10000 = "5001-10000"
    case above10000 = "10001+"

    public var lower: Int {
        switch self {
        case .upTo100: 1
        case .upTo500: 101
        case .upTo1000: 501
        case .upTo5000: 1001
        case .upTo10000: 5001
        case .above10000: 10001
        }
    }

    /// Nil for the open-ended top band.
    public var upper: Int? {
        switch self {
        case .upTo100: 100
        case .upTo500: 500
        case .upTo1000: 1000
        case .upTo5000: 5000
        case .upTo10000: 10000
        case .above10000: nil
        }
    }

    /// Seats are licensed users, else active users; organizations with none fall in the first band.
    public static func band(forSeats seats: Int) -> SeatBand {
        allCases.first { band in band.upper.map { seats <= $0 } ?? true } ?? .above10000
    }

    public static func seats(licensed: Int?, active: Int?) -> Int {
        licensed ?? active ?? 0
    }
}

/// The average of a cohort of organizations on one day. Cohorts smaller than
/// ``Comparisons/minimumCohort`` are never reported, so no single organization can be inferred.
public struct CohortAverage: Sendable, Equatable {
    public var organizationCount: Int
    /// Mean of the organizations' percentages (0–100).
    public var averagePercentage: Double
    /// Mean points and mean max per category.
    public var categoryScores: [ActionCategory: (score: Double, maxScore: Double)]

    public static func == (lhs: CohortAverage, rhs: CohortAverage) -> Bool {
        lhs.organizationCount == rhs.organizationCount && lhs.averagePercentage == rhs.averagePercentage
            && ActionCategory.allCases.allSatisfy {
                lhs.categoryScores[$0]?.score == rhs.categoryScores[$0]?.score
                    && lhs.categoryScores[$0]?.maxScore == rhs.categoryScores[$0]?.maxScore
            }
    }
}

public enum Comparisons {
    public static let minimumCohort = 5

    /// The cohort's average, or nil when it has fewer than ``minimumCohort`` organizations.
    public static func average(of snapshots: [DailySnapshot]) -> CohortAverage? {
        guard snapshots.count >= minimumCohort else { return nil }
        let count = Double(snapshots.count)
        var categories: [ActionCategory: (score: Double, maxScore: Double)] = [:]
        for category in ActionCategory.allCases {
            let entries = snapshots.compactMap { $0.categories.first { $0.category == category } }
            categories[category] = (
                entries.reduce(0) { $0 + $1.score } / count, entries.reduce(0) { $0 + $1.maxScore } / count
            )
        }
        return CohortAverage(
            organizationCount: snapshots.count,
            averagePercentage: snapshots.reduce(0) { $0 + $1.percentage } / count,
            categoryScores: categories
        )
    }

    /// The organizations sharing `band` with `seats`.
    public static func sameBand(_ snapshots: [DailySnapshot], seats: Int) -> [DailySnapshot] {
        let band = SeatBand.band(forSeats: seats)
        return snapshots.filter {
            SeatBand.band(forSeats: SeatBand.seats(licensed: $0.licensedUserCount, active: $0.activeUserCount)) == band
        }
    }
}
