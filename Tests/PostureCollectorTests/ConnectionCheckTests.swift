import PostureCore
import Testing

@testable import PostureCollector

/// What a connection check reads per source, and how Graph's refusals are read.
@Suite struct ConnectionCheckTests {
    @Test(
        arguments: [
            (403, "Insufficient privileges to complete the operation.", "missing Policy.Read.All"),
            (401, "Authorization_RequestDenied", "missing Policy.Read.All"),
            (
                403, "Tenant does not have a SPO license.",
                "not licensed: Tenant does not have a SPO license."
            ),
            (
                400, "Neither tenant is B2C or tenant doesn't have premium license",
                "not licensed: Neither tenant is B2C or tenant doesn't have premium license"
            ),
            (500, "Internal error", "failed: HTTP 500: Internal error"),
        ] as [(Int, String, String)]
    )
    func refusals(_ status: Int, _ message: String, _ label: String) {
        #expect(ConnectionCheck.outcome(status: status, message: message, permission: "Policy.Read.All").label == label)
    }

    @Test func eachSourceReadsItsOwnResources() {
        let sharePoint = ConnectionCheck.probes(for: [.sharePoint])
        #expect(sharePoint.map(\.name) == ["sharepointSettings"])
        #expect(sharePoint.first?.permission == "SharePointTenantSettings.Read.All")
        let score = ConnectionCheck.probes(for: [.secureScore])
        #expect(score.map(\.name) == ["secureScores", "secureScoreControlProfiles"])
        #expect(score.allSatisfy { $0.permission == "SecurityEvents.Read.All" && $0.path.hasSuffix("$top=1") })
        let entra = ConnectionCheck.probes(for: [.entraID])
        #expect(entra.count == 15 && !entra.contains { $0.name == "sharepointSettings" })
        #expect(entra.first { $0.name == "users" }?.path.contains("$top=120") == true, "an existing $top stays")
        #expect(entra.first { $0.name == "domains" }?.path == "/domains?$top=1")
    }
}
