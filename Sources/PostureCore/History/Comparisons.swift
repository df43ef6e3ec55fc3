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

/// Comparison privacy (see docs/security.md). Every cohort anyone can ask for is a union of
/// *cells*: organizations of one seat band, one industry and one region on one day. A cell with
/// fewer than ``minimumCell`` organizations counts in no cohort at all, so any sum or difference of
/// published averages (even with member counts known, which are never published) covers whole
/// cells of at least six organizations: never fewer than five besides the asker's own.
public enum Comparisons {
    /// Shown cohorts have at least this many organizations (a cohort is never smaller than a cell).
    public static let minimumCohort = minimumCell
    /// A cell counts only with this many organizations: five others besides the viewer's own.
    public static let minimumCell = 6

    /// The cell an organization falls in on a day. Industry and region compare case-insensitively;
    /// unset is a value of its own.
    public struct Cell: Hashable, Sendable {
        public var band: SeatBand
        public var industry: String
        public var region: String

        public init(seats: Int, industry: String?, region: String?) {
            band = SeatBand.band(forSeats: seats)
            self.industry = industry?.lowercased() ?? ""
            self.region = region?.lowercased() ?? ""
        }
    }

    /// The members of cells with at least ``minimumCell`` organizations on their day.
    public static func publishable(_ members: [CohortMember]) -> [CohortMember] {
        var sizes: [CivilDay: [Cell: Int]] = [:]
        for member in members {
            sizes[member.day, default: [:]][
                Cell(seats: member.seats, industry: member.industry, region: member.region),
                default: 0
            ] += 1
        }
        return members.filter {
            (sizes[$0.day]?[Cell(seats: $0.seats, industry: $0.industry, region: $0.region)] ?? 0) >= minimumCell
        }
    }
}
