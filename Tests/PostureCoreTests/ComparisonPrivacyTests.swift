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
                let contributing = Comparisons.publishable(members).filter {
                    filter.matches(seats: $0.seats, industry: $0.industry, region: $0.region)
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
