/// An organization's score zones: the percentage ranges it calls bad, okay and good.
public struct ScoreZones: Sendable, Equatable, Codable {
    public enum Zone: String, Sendable, Codable, CaseIterable {
        case bad, okay, good
    }

    public struct Range: Sendable, Equatable, Codable {
        public var zone: Zone
        /// Inclusive lower bound, percent.
        public var from: Double
        /// Exclusive upper bound, percent (the last range includes 100).
        public var to: Double

        public init(zone: Zone, from: Double, to: Double) {
            self.zone = zone
            self.from = from
            self.to = to
        }
    }

    public var ranges: [Range]

    /// 0–40 bad, 40–70 okay, 70–100 good.
    public static let `default` = ScoreZones(unchecked: [
        Range(zone: .bad, from: 0, to: 40), Range(zone: .okay, from: 40, to: 70), Range(zone: .good, from: 70, to: 100),
    ])

    private init(unchecked ranges: [Range]) { self.ranges = ranges }

    /// Checks that the ranges are bad, okay, good in that order, contiguous, non-empty and cover
    /// 0–100 exactly; throws every problem found.
    public init(ranges: [Range]) throws(ScoreZonesError) {
        var problems: [String] = []
        if ranges.map(\.zone) != Zone.allCases {
            problems.append("zones must be bad, okay and good, in that order, each once")
        }
        if let first = ranges.first, first.from != 0 { problems.append("the first zone must start at 0") }
        if let last = ranges.last, last.to != 100 { problems.append("the last zone must end at 100") }
        for (index, range) in ranges.enumerated() {
            if !(range.from < range.to) {
                problems.append("\(range.zone.rawValue): from (\(range.from)) must be below to (\(range.to))")
            }
            if range.from < 0 || range.to > 100 {
                problems.append("\(range.zone.rawValue): bounds must lie within 0–100")
            }
            if index > 0, ranges[index - 1].to != range.from {
                problems.append(
                    "\(range.zone.rawValue) must start where \(ranges[index - 1].zone.rawValue) ends (\(ranges[index - 1].to))"
                )
            }
        }
        guard problems.isEmpty else { throw ScoreZonesError(problems: problems) }
        self.ranges = ranges
    }

    /// Where the okay zone starts: below it is bad. With ``goodFrom`` it fixes the zones, since
    /// they are contiguous and in order (stored as columns so lists can sort by zone in SQL).
    public var okayFrom: Double { ranges.first { $0.zone == .okay }?.from ?? 40 }

    /// Where the good zone starts.
    public var goodFrom: Double { ranges.first { $0.zone == .good }?.from ?? 70 }

    /// The zone a percentage falls in; 100 is in the last zone.
    public func zone(for percentage: Double) -> Zone {
        for range in ranges where percentage >= range.from && percentage < range.to { return range.zone }
        return percentage >= 100 ? ranges.last?.zone ?? .good : ranges.first?.zone ?? .bad
    }
}

public struct ScoreZonesError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
