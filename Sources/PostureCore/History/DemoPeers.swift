/// Anonymous peer organizations for the demo, so that comparisons appear on a fresh start: the
/// privacy rule shows a cohort only from cells of six organizations (``Comparisons/minimumCell``),
/// so the demo organization's cell (seat band, industry, region) needs five others at least.
/// Each peer is clearly marked in its id and name, sits in the demo organization's cell with its
/// own seat count, and gets a history of its own (``DemoHistory`` under another seed).
public enum DemoPeers {
    public static let defaultCount = 6
    public static let maximumCount = 50

    public struct Peer: Sendable, Equatable {
        public var organization: Organization
        public var seed: UInt64
    }

    public static func peers(count: Int) -> [Peer] {
        let own = DemoHistory.organization
        let band = SeatBand.band(
            forSeats: SeatBand.seats(licensed: own.licensedUserCount, active: own.activeUserCount)
        )
        return (0..<max(0, min(count, maximumCount))).map { index in
            let number = index + 1
            // Spread over the band, never outside it.
            let span = max(1, (band.upper ?? band.lower * 2) - band.lower)
            let seats = band.lower + (number * 37 + 11) % span
            return Peer(
                organization: Organization(
                    id: "demo-peer-\(number)",
                    displayName: "Demo peer \(number) (anonymous)",
                    licensedUserCount: seats,
                    activeUserCount: seats * 9 / 10,
                    industry: own.industry,
                    region: own.region
                ),
                seed: 7_000 + UInt64(number)
            )
        }
    }
}
