import Foundation

/// The all-organizations report for instance administrators: one row per organization from its
/// stored current score (the organizations page's columns), in the order asked for, and how the
/// organizations spread across percentages, zones and connection health.
public struct InstanceReport: Sendable, Equatable, Codable {
    public struct Row: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        public var points: Double
        public var maxPoints: Double
        public var percentage: Double
        public var zone: ScoreZones.Zone
        /// Percentage points since 30 days ago; nil without a snapshot then.
        public var change30: Double?
        public var regressions: Int
        /// The connection's health (`healthy`, `pending`, `failing`, `stale`); nil without one.
        public var connection: String?
    }

    public struct Distribution: Sendable, Equatable, Codable {
        /// Organizations whose percentage is in `[from, to)` (the last bucket includes 100).
        public struct Bucket: Sendable, Equatable, Codable {
            public var from: Int
            public var to: Int
            public var organizations: Int
        }

        public struct ZoneCount: Sendable, Equatable, Codable {
            public var zone: ScoreZones.Zone
            public var organizations: Int
        }

        public var buckets: [Bucket]
        public var zones: [ZoneCount]
        public var averagePercentage: Double?
        public var medianPercentage: Double?
        public var failingConnections: Int
        public var staleConnections: Int
    }

    public var generatedAt: Date
    public var sort: OrganizationListQuery.Sort
    public var descending: Bool
    public var organizations: [Row]
    /// True when the instance has more organizations than a report lists.
    public var truncated: Bool
    public var distribution: Distribution

    /// The most organizations one report lists.
    public static let maximumOrganizations = 10_000

    public init(
        rows: [OrganizationListRow],
        sort: OrganizationListQuery.Sort,
        descending: Bool,
        truncated: Bool,
        generatedAt: Date
    ) {
        self.generatedAt = generatedAt
        self.sort = sort
        self.descending = descending
        self.truncated = truncated
        organizations = rows.map {
            Row(
                id: $0.id,
                name: $0.displayName,
                points: $0.score,
                maxPoints: $0.maxScore,
                percentage: $0.percentage,
                zone: $0.zone,
                change30: $0.change30,
                regressions: $0.regressions,
                connection: $0.connection?.rawValue
            )
        }
        let percentages = rows.map(\.percentage).sorted()
        let buckets = (0..<10).map { index in
            Distribution.Bucket(
                from: index * 10,
                to: index * 10 + 10,
                organizations: percentages.filter { Self.bucket(of: $0) == index }.count
            )
        }
        let middle = percentages.count / 2
        distribution = Distribution(
            buckets: buckets,
            zones: ScoreZones.Zone.allCases.map { zone in
                Distribution.ZoneCount(zone: zone, organizations: rows.filter { $0.zone == zone }.count)
            },
            averagePercentage: percentages.isEmpty ? nil : percentages.reduce(0, +) / Double(percentages.count),
            medianPercentage: percentages.isEmpty
                ? nil
                : percentages.count % 2 == 1
                    ? percentages[middle] : (percentages[middle - 1] + percentages[middle]) / 2,
            failingConnections: rows.filter { $0.connection == .failing }.count,
            staleConnections: rows.filter { $0.connection == .stale }.count
        )
    }

    /// The bucket of a percentage: tens, with 100 in the last.
    static func bucket(of percentage: Double) -> Int {
        min(9, max(0, Int(percentage / 10)))
    }

    /// One row per organization, `id,name,points,maxPoints,percentage,zone,change30,regressions,connection`.
    public var csv: String {
        CSVWriter.render(
            header: [
                "id", "name", "points", "maxPoints", "percentage", "zone", "change30", "regressions", "connection",
            ],
            rows: organizations.map {
                [
                    $0.id, $0.name, OrganizationReport.number($0.points), OrganizationReport.number($0.maxPoints),
                    OrganizationReport.number($0.percentage), $0.zone.rawValue,
                    $0.change30.map(OrganizationReport.number) ?? "", String($0.regressions), $0.connection ?? "",
                ]
            }
        ) + "\n"
    }
}
