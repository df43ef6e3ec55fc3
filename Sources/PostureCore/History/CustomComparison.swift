import Foundation

/// The one comparison an organization defines beside its seat band: organizations of an industry,
/// a seat range and/or a region. Unset criteria match everything.
public struct CustomComparison: Sendable, Equatable, Codable {
    public var industry: String?
    public var region: String?
    public var minSeats: Int?
    public var maxSeats: Int?

    public init(industry: String? = nil, region: String? = nil, minSeats: Int? = nil, maxSeats: Int? = nil) {
        self.industry = industry
        self.region = region
        self.minSeats = minSeats
        self.maxSeats = maxSeats
    }

    /// Every problem with the definition, empty when it is usable.
    public var problems: [String] {
        var problems: [String] = []
        if industry == nil, region == nil, minSeats == nil, maxSeats == nil {
            problems.append("name at least one of industry, region, minSeats and maxSeats")
        }
        if let minSeats, minSeats < 0 { problems.append("minSeats must not be negative") }
        if let maxSeats, maxSeats < 1 { problems.append("maxSeats must be at least 1") }
        if let minSeats, let maxSeats, minSeats > maxSeats { problems.append("minSeats is above maxSeats") }
        // Whole seat bands only: ranges that differ by a few seats would single out the
        // organizations in between.
        let starts = SeatBand.allCases.map(\.lower)
        let ends = SeatBand.allCases.compactMap(\.upper)
        if let minSeats, minSeats > 1, !starts.contains(minSeats) {
            problems.append(
                "minSeats must be where a seat band starts (\(starts.map(String.init).joined(separator: ", "))), got \(minSeats)"
            )
        }
        if let maxSeats, !ends.contains(maxSeats) {
            problems.append(
                "maxSeats must be where a seat band ends (\(ends.map(String.init).joined(separator: ", "))), got \(maxSeats)"
            )
        }
        for (field, value) in [(TextLimits.Field.industry, industry), (.region, region)] {
            if let problem = TextLimits.problem(field, value, required: value != nil) { problems.append(problem) }
        }
        return problems
    }

    /// Whether an organization with these attributes on a day belongs to the cohort. Industry and
    /// region compare case-insensitively; seats count by whole band (see ``includes(_:)``).
    public func matches(seats: Int, industry: String?, region: String?) -> Bool {
        matches(Comparisons.Cell(seats: seats, industry: industry, region: region))
    }

    /// Whether a whole cell belongs to the cohort: cohorts are unions of cells.
    public func matches(_ cell: Comparisons.Cell) -> Bool {
        if let wanted = industry, wanted.lowercased() != cell.industry { return false }
        if let wanted = region, wanted.lowercased() != cell.region { return false }
        return includes(cell.band)
    }

    /// A band belongs to the seat range when it lies inside it entirely.
    public func includes(_ band: SeatBand) -> Bool {
        if let minSeats, band.lower < minSeats { return false }
        if let maxSeats { return band.upper.map { $0 <= maxSeats } ?? false }
        return true
    }

    public var description: String {
        var parts: [String] = []
        if let industry { parts.append("industry \(industry)") }
        if let region { parts.append("region \(region)") }
        switch (minSeats, maxSeats) {
        case (let low?, let high?): parts.append("\(low)–\(high) seats")
        case (let low?, nil): parts.append("at least \(low) seats")
        case (nil, let high?): parts.append("at most \(high) seats")
        case (nil, nil): break
        }
        return parts.joined(separator: ", ")
    }
}

extension SeatBand {
    /// The band as a cohort filter on seats.
    public var comparison: CustomComparison {
        CustomComparison(minSeats: self == .upTo100 ? nil : lower, maxSeats: upper ?? nil)
    }
}
