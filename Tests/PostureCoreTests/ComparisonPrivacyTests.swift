import Foundation
import PostureCore
import PropertyBased
import Testing

/// Comparison privacy as a property: whatever the organizations and whatever cohort is asked for,
/// the organizations behind a published average form whole cells of at least six. So any sum or
/// difference of published averages, even with every member count known, covers at least six
/// organizations (five besides the asker's own), never one organization alone.
@Suite struct ComparisonPrivacyTests {
    static let day = CivilDay("2026-11-28")!
    static let seats = [10, 90, 150, 300, 700, 3000, 8000, 20_000]
    static let industries: [String?] = [nil, "Manufacturing", "manufacturing", "Finance"]
    static let regions: [String?] = [nil, "EU", "US"]

    /// Random populations: (seat choice, industry choice, region choice, percentage) per organization.
    static let population = zip(
        Gen.int(in: 0...(seats.count - 1)),
        Gen.int(in: 0...(industries.count - 1)),
        Gen.int(in: 0...(regions.count - 1)),
        Gen.int(in: 0...100)
    ).array(of: 1...60)

    /// Every filter a person can define: whole bands, any industry or region, or none.
    static var filters: [CustomComparison] {
        var filters: [CustomComparison] = [CustomComparison()]
        for band in SeatBand.allCases { filters.append(band.comparison) }
        filters.append(CustomComparison(minSeats: 101, maxSeats: 5000))
        for industry in industries { filters.append(CustomComparison(industry: industry ?? "x")) }
        for region in regions { filters.append(CustomComparison(region: region ?? "x", maxSeats: 1000)) }
        return filters
    }

    @Test func publishedCohortsAreWholeCellsOfAtLeastSix() async {
        await propertyCheck(count: 300, input: Self.population) { rows in
            let members = rows.enumerated().map { index, row in
                CohortMember(
                    organizationID: "org\(index)",
                    day: Self.day,
                    seats: Self.seats[row.0],
                    industry: Self.industries[row.1],
                    region: Self.regions[row.2],
                    percentage: Double(row.3) + Double(index) / 1000,
                    categories: []
                )
            }
            var cellSizes: [Comparisons.Cell: Int] = [:]
            for member in members {
                cellSizes[
                    Comparisons.Cell(seats: member.seats, industry: member.industry, region: member.region),
                    default: 0
                ] += 1
            }
            for filter in Self.filters {
                // On a first day every organization is new: a cell counts when six or more arrive.
                let contributing = members.filter {
                    let cell = Comparisons.Cell(seats: $0.seats, industry: $0.industry, region: $0.region)
                    return cellSizes[cell, default: 0] >= Comparisons.minimumCell && filter.matches(cell)
                }
                var cells: [Comparisons.Cell: Int] = [:]
                for member in contributing {
                    cells[
                        Comparisons.Cell(seats: member.seats, industry: member.industry, region: member.region),
                        default: 0
                    ] += 1
                }
                for (cell, count) in cells {
                    #expect(count == cellSizes[cell], "a cell counts whole or not at all")
                    #expect(count >= Comparisons.minimumCell, "a cell of \(count) was published")
                }
                // The published average is exactly the contributing members' mean.
                if let day = Comparisons.cohortDays(members, filter: filter).first {
                    let mean = contributing.map(\.percentage).reduce(0, +) / Double(contributing.count)
                    #expect(abs(day.averagePercentage - mean) < 1e-9)
                    #expect(day.organizations >= Comparisons.minimumCell)
                } else {
                    #expect(contributing.isEmpty)
                }
            }
        }
    }

    /// Organizations over six days: (seat, industry, region, percentage, days present as bits,
    /// days in the next seat band as bits).
    static let movingPopulation = zip(
        Gen.int(in: 0...(seats.count - 1)),
        Gen.int(in: 0...(industries.count - 1)),
        Gen.int(in: 0...(regions.count - 1)),
        Gen.int(in: 0...100),
        Gen.int(in: 0...63),
        Gen.int(in: 0...63)
    ).array(of: 1...80)

    /// From one day to the next a cell gains either nobody or at least six organizations, and
    /// loses either nobody or at least six, whoever arrives, leaves, moves band or skips a day. So
    /// no difference between two days' published sums isolates fewer than six organizations; and
    /// every sealed cell is exactly the sum of the members it counts.
    @Test func cellsChangeOnlyInBatchesOfSix() async {
        await propertyCheck(count: 200, input: Self.movingPopulation) { rows in
            var counted: [CohortCellMember] = []
            for offset in 0..<6 {
                let day = Self.day.adding(days: offset)
                let observed = rows.enumerated().compactMap { index, row -> CohortCellMember? in
                    guard row.4 & (1 << offset) != 0 else { return nil }
                    let seats = Self.seats[(row.0 + (row.5 >> offset) & 1) % Self.seats.count]
                    return CohortCellMember(
                        organizationID: "org\(index)",
                        cell: Comparisons.Cell(
                            seats: seats,
                            industry: Self.industries[row.1],
                            region: Self.regions[row.2]
                        ),
                        contribution: CohortContribution(
                            percentage: Double(row.3 + offset),
                            scores: ActionCategory.allCases.map { _ in Double(index) },
                            maxScores: ActionCategory.allCases.map { _ in 10 }
                        )
                    )
                }
                let (next, cells) = Comparisons.seal(day: day, members: counted, observed: observed)
                if observed.isEmpty {
                    #expect(next == counted && cells.isEmpty, "a day without data seals nothing")
                    continue
                }
                let before = Dictionary(grouping: counted, by: \.cell).mapValues { Set($0.map(\.organizationID)) }
                let after = Dictionary(grouping: next, by: \.cell).mapValues { Set($0.map(\.organizationID)) }
                for cell in Set(before.keys).union(after.keys) {
                    let joined = after[cell, default: []].subtracting(before[cell, default: []])
                    let left = before[cell, default: []].subtracting(after[cell, default: []])
                    #expect(joined.isEmpty || joined.count >= Comparisons.minimumCell, "\(joined.count) joined")
                    #expect(left.isEmpty || left.count >= Comparisons.minimumCell, "\(left.count) left")
                }
                #expect(Set(next.map(\.organizationID)).count == next.count, "one cell per organization")
                for sealed in cells {
                    let members = next.filter { $0.cell == sealed.cell }
                    #expect(sealed.members == members.count && sealed.day == day)
                    let sum = members.reduce(CohortContribution.zero) { $0 + $1.contribution }
                    #expect(abs(sealed.sums.percentage - sum.percentage) < 1e-9)
                    // Members seen in their cell today count with today's figures.
                    for member in members {
                        if let now = observed.first(where: { $0.organizationID == member.organizationID }),
                            now.cell == member.cell
                        {
                            #expect(member.contribution == now.contribution)
                        }
                    }
                }
                counted = next
            }
        }
    }

    @Test(arguments: [
        (CustomComparison(minSeats: 0, maxSeats: 2999), "maxSeats must be where a seat band ends"),
        (CustomComparison(minSeats: 2999), "minSeats must be where a seat band starts"),
        (CustomComparison(minSeats: 150, maxSeats: 500), "minSeats must be where a seat band starts"),
    ])
    func seatRangesAreWholeBands(comparison: CustomComparison, problem: String) {
        #expect(comparison.problems.contains { $0.hasPrefix(problem) }, "\(comparison.problems)")
    }

    @Test func wholeBandRangesAreAccepted() {
        #expect(CustomComparison(minSeats: 101, maxSeats: 5000).problems.isEmpty)
        #expect(CustomComparison(minSeats: 0, maxSeats: 100).problems.isEmpty)
        #expect(CustomComparison(industry: "Finance", minSeats: 10001).problems.isEmpty)
    }
}
