import Foundation

/// One organization's standing in a cohort on one day, as the cohort query reports it.
public struct CohortDay: Sendable, Equatable, Codable {
    public struct CategoryAverage: Sendable, Equatable, Codable {
        public var category: ActionCategory
        /// Mean points and mean max of the cohort in this category.
        public var averageScore: Double
        public var averageMaxScore: Double

        public init(category: ActionCategory, averageScore: Double, averageMaxScore: Double) {
            self.category = category
            self.averageScore = averageScore
            self.averageMaxScore = averageMaxScore
        }
    }

    public var day: CivilDay
    public var organizations: Int
    /// Mean of the members' percentages.
    public var averagePercentage: Double
    public var categories: [CategoryAverage]

    public init(day: CivilDay, organizations: Int, averagePercentage: Double, categories: [CategoryAverage]) {
        self.day = day
        self.organizations = organizations
        self.averagePercentage = averagePercentage
        self.categories = categories
    }
}

/// What an organization looks like to a cohort query on one day.
public struct CohortMember: Sendable, Equatable {
    public var organizationID: String
    public var day: CivilDay
    public var seats: Int
    public var industry: String?
    public var region: String?
    public var percentage: Double
    public var categories: [DailySnapshot.Category]

    public init(
        organizationID: String,
        day: CivilDay,
        seats: Int,
        industry: String?,
        region: String?,
        percentage: Double,
        categories: [DailySnapshot.Category]
    ) {
        self.organizationID = organizationID
        self.day = day
        self.seats = seats
        self.industry = industry
        self.region = region
        self.percentage = percentage
        self.categories = categories
    }
}

/// One day of the comparison trend: the organization's percentage beside its cohort's average,
/// or the reason there is none.
public struct ComparisonPoint: Sendable, Equatable, Codable {
    public var day: CivilDay
    public var percentage: Double?
    /// Nil when the cohort is too small to show. Member counts are never published: next to
    /// averages they let differences be turned into sums.
    public var averagePercentage: Double?
    public var enoughOrganizations: Bool
    public var categories: [CohortDay.CategoryAverage]?
}

extension Comparisons {
    /// The message shown instead of a cohort average under the minimum.
    public static let notEnough = "not enough organizations to compare"

    /// Joins the organization's own series with the cohort's days, hiding every cohort day under
    /// ``minimumCohort`` organizations so no single organization can be inferred.
    public static func trend(own: [CivilDay: Double], cohort: [CohortDay], days: [CivilDay]) -> [ComparisonPoint] {
        let cohortByDay = Dictionary(cohort.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
        return days.map { day in
            let group = cohortByDay[day]
            let enough = (group?.organizations ?? 0) >= minimumCohort
            return ComparisonPoint(
                day: day,
                percentage: own[day],
                averagePercentage: enough ? group?.averagePercentage : nil,
                enoughOrganizations: enough,
                categories: enough ? group?.categories : nil
            )
        }
    }

    /// The cohort aggregate computed in memory from every organization's days, sealing each day in
    /// order from the first: the reference the database must match.
    public static func cohortDays(_ members: [CohortMember], filter: CustomComparison) -> [CohortDay] {
        sealAll(members).compactMap { cohortDay($0, filter: filter) }
    }

    /// Every day's sealed cells, day by day from an empty membership.
    public static func sealAll(_ members: [CohortMember]) -> [[SealedCell]] {
        let byDay = Dictionary(grouping: members, by: \.day)
        var counted: [CohortCellMember] = []
        return byDay.keys.sorted().map { day in
            let observed = byDay[day]!.map { member in
                CohortCellMember(
                    organizationID: member.organizationID,
                    cell: Cell(seats: member.seats, industry: member.industry, region: member.region),
                    contribution: CohortContribution(percentage: member.percentage, categories: member.categories)
                )
            }
            let sealed = seal(day: day, members: counted, observed: observed)
            counted = sealed.members
            return sealed.cells
        }
    }
}
