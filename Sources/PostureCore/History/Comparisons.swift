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
/// published averages of one day (even with member counts known, which are never published)
/// covers whole cells of at least six organizations: never fewer than five besides the asker's
/// own. Across days, a cell's membership changes only in batches of at least six
/// (``seal(day:members:observed:)``), and a sealed day never changes again.
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
            self.init(band: SeatBand.band(forSeats: seats), industry: industry, region: region)
        }

        public init(band: SeatBand, industry: String?, region: String?) {
            self.band = band
            self.industry = industry?.lowercased() ?? ""
            self.region = region?.lowercased() ?? ""
        }
    }
}
