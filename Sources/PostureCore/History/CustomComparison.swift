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
        for (field, value) in [(TextLimits.Field.industry, industry), (.region, region)] {
            if let problem = TextLimits.problem(field, value, required: value != nil) { problems.append(problem) }
        }
        return problems
    }

    /// Whether an organization with these attributes on a day belongs to the cohort. Industry and
    /// region compare case-insensitively.
    public func matches(seats: Int, industry: String?, region: String?) -> Bool {
        if let wanted = self.industry, wanted.lowercased() != industry?.lowercased() { return false }
        if let wanted = self.region, wanted.lowercased() != region?.lowercased() { return false }
        if let minSeats, seats < minSeats { return false }
        if let maxSeats, seats > maxSeats { return false }
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
