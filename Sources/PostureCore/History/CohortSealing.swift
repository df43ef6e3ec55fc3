/// What one organization adds to its cell on a day: its percentage and, per category in
/// `ActionCategory.allCases` order, its points and max. Also used for a cell's sums.
public struct CohortContribution: Sendable, Equatable {
    public var percentage: Double
    public var scores: [Double]
    public var maxScores: [Double]

    public init(percentage: Double, scores: [Double], maxScores: [Double]) {
        self.percentage = percentage
        self.scores = scores
        self.maxScores = maxScores
    }

    public init(percentage: Double, categories: [DailySnapshot.Category]) {
        self.percentage = percentage
        scores = ActionCategory.allCases.map { category in categories.first { $0.category == category }?.score ?? 0 }
        maxScores = ActionCategory.allCases.map { category in
            categories.first { $0.category == category }?.maxScore ?? 0
        }
    }

    public static let zero = CohortContribution(
        percentage: 0,
        scores: ActionCategory.allCases.map { _ in 0 },
        maxScores: ActionCategory.allCases.map { _ in 0 }
    )

    public static func + (lhs: Self, rhs: Self) -> Self {
        CohortContribution(
            percentage: lhs.percentage + rhs.percentage,
            scores: zip(lhs.scores, rhs.scores).map(+),
            maxScores: zip(lhs.maxScores, rhs.maxScores).map(+)
        )
    }
}

/// An organization counted in a cell (or, as an observation, seen in one on a day).
public struct CohortCellMember: Sendable, Equatable {
    public var organizationID: String
    public var cell: Comparisons.Cell
    public var contribution: CohortContribution

    public init(organizationID: String, cell: Comparisons.Cell, contribution: CohortContribution) {
        self.organizationID = organizationID
        self.cell = cell
        self.contribution = contribution
    }
}

/// A cell's totals on a closed day. Written once, when the day is sealed, and never recomputed.
public struct SealedCell: Sendable, Equatable {
    public var day: CivilDay
    public var cell: Comparisons.Cell
    public var members: Int
    public var sums: CohortContribution

    public init(day: CivilDay, cell: Comparisons.Cell, members: Int, sums: CohortContribution) {
        self.day = day
        self.cell = cell
        self.members = members
        self.sums = sums
    }
}

extension Comparisons {
    /// Seals one day. A cell's membership changes only in batches: organizations that newly
    /// appear in it wait until at least ``minimumCell`` of them have gathered, and organizations
    /// that left it (another band, industry or region, deleted, or no snapshot) keep counting with
    /// their last figures until at least ``minimumCell`` have left; an organization counts in one
    /// cell at a time, so one held in its old cell joins a new one only once released. So from one day to the next a
    /// cell's sum moves by the joined batch, the left batch and its members' own changes, never by
    /// fewer than six organizations coming or going. A day without any observation seals nothing.
    public static func seal(
        day: CivilDay,
        members: [CohortCellMember],
        observed: [CohortCellMember]
    ) -> (members: [CohortCellMember], cells: [SealedCell]) {
        guard !observed.isEmpty else { return (members, []) }
        let seen = Dictionary(observed.map { ($0.organizationID, $0) }, uniquingKeysWith: { first, _ in first })
        let current = Dictionary(grouping: members, by: \.cell)
        let arriving = Dictionary(grouping: observed, by: \.cell)
        let cellsInOrder = Set(current.keys).union(arriving.keys).sorted(by: Self.cellOrder)
        // First who stays counted where: members seen in their cell, and leavers held back until
        // six have left. An organization counts in one cell only, so one still held in its old
        // cell cannot join a new one yet.
        var staying: [Cell: [CohortCellMember]] = [:]
        var stillCounted = Set<String>()
        for cell in cellsInOrder {
            var kept: [CohortCellMember] = []
            var leaving: [CohortCellMember] = []
            for member in current[cell] ?? [] {
                if let now = seen[member.organizationID], now.cell == cell {
                    kept.append(now)
                } else {
                    leaving.append(member)
                }
            }
            staying[cell] = leaving.count < minimumCell ? kept + leaving : kept
            stillCounted.formUnion(staying[cell, default: []].map(\.organizationID))
        }
        var next: [CohortCellMember] = []
        var cells: [SealedCell] = []
        for cell in cellsInOrder {
            var cellMembers = staying[cell] ?? []
            let joining = (arriving[cell] ?? []).filter { !stillCounted.contains($0.organizationID) }
            if joining.count >= minimumCell { cellMembers += joining }
            guard !cellMembers.isEmpty else { continue }
            next += cellMembers
            cells.append(
                SealedCell(
                    day: day,
                    cell: cell,
                    members: cellMembers.count,
                    sums: cellMembers.reduce(.zero) { $0 + $1.contribution }
                )
            )
        }
        return (next, cells)
    }

    /// The cohort's average on one day from that day's sealed cells: the union of the matching
    /// cells with at least ``minimumCell`` members, or nil when there are none.
    public static func cohortDay(_ cells: [SealedCell], filter: CustomComparison) -> CohortDay? {
        let counted = cells.filter { $0.members >= minimumCell && filter.matches($0.cell) }
        guard let day = counted.first?.day else { return nil }
        let members = counted.reduce(0) { $0 + $1.members }
        let sums = counted.reduce(CohortContribution.zero) { $0 + $1.sums }
        let count = Double(members)
        return CohortDay(
            day: day,
            organizations: members,
            averagePercentage: sums.percentage / count,
            categories: ActionCategory.allCases.enumerated().map { index, category in
                CohortDay.CategoryAverage(
                    category: category,
                    averageScore: sums.scores[index] / count,
                    averageMaxScore: sums.maxScores[index] / count
                )
            }
        )
    }

    static func cellOrder(_ lhs: Cell, _ rhs: Cell) -> Bool {
        (lhs.band.lower, lhs.industry, lhs.region) < (rhs.band.lower, rhs.industry, rhs.region)
    }
}
