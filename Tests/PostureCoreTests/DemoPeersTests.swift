import PostureCore
import Testing

/// The demo's anonymous peers share the demo organization's privacy cell, so its comparisons
/// can show, and say in their ids and names what they are.
@Suite struct DemoPeersTests {
    @Test(arguments: [0, 1, 5, 6, 50, 80])
    func peersFillTheDemoOrganizationsCell(_ count: Int) {
        let peers = DemoPeers.peers(count: count)
        #expect(peers.count == min(count, DemoPeers.maximumCount))
        let own = DemoHistory.organization
        func cell(_ organization: Organization) -> Comparisons.Cell {
            Comparisons.Cell(
                seats: SeatBand.seats(licensed: organization.licensedUserCount, active: organization.activeUserCount),
                industry: organization.industry,
                region: organization.region
            )
        }
        #expect(peers.allSatisfy { cell($0.organization) == cell(own) })
        #expect(Set(peers.map(\.organization.id)).count == peers.count)
        #expect(Set(peers.map(\.seed)).count == peers.count)
        #expect(
            peers.allSatisfy {
                $0.organization.id.hasPrefix("demo-peer-") && $0.organization.displayName.hasSuffix("(anonymous)")
            }
        )
        #expect(DemoPeers.defaultCount + 1 >= Comparisons.minimumCell, "enough for the privacy rule")
    }
}
