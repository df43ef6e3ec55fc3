import Foundation
import PostureCore
import PostureEvidence
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
        #expect(
            score.map(\.request) == [
                .graph("/security/secureScores?$top=1"), .graph("/security/secureScoreControlProfiles?$top=1"),
            ]
        )
        #expect(score.allSatisfy { $0.permission == "SecurityEvents.Read.All" })
        let entra = ConnectionCheck.probes(for: [.entraID])
        #expect(entra.count == 15 && !entra.contains { $0.name == "sharepointSettings" })
        #expect(
            entra.first { $0.name == "users" }.map { "\($0.request)".contains("$top=120") } == true,
            "an existing $top stays"
        )
        #expect(entra.first { $0.name == "domains" }?.request == .graph("/domains?$top=1"))
    }

    @Test func exchangeDefenderIntuneAndAdminCenterProbes() {
        let exchange = ConnectionCheck.probes(for: [.exchangeOnline])
        #expect(exchange.map(\.name) == ["exchangeOrganizationConfig", "safeLinksPolicies"])
        #expect(exchange.first?.request == .exchange(cmdlet: "Get-OrganizationConfig", parameters: [:]))
        #expect(exchange.allSatisfy { $0.permission == "Exchange.ManageAsApp with the Global Reader role" })
        let defender = ConnectionCheck.probes(for: [.defenderEndpoint])
        #expect(defender.map(\.request) == [.defender("/api/machines/SecureConfigurationsAssessmentByMachine?$top=1")])
        #expect(defender.first?.permission == "Vulnerability.Read.All")
        let intune = ConnectionCheck.probes(for: [.intune])
        #expect(intune.map(\.name) == ["managedDevices", "deviceCompliancePolicies"], "statuses are read per policy")
        let admin = ConnectionCheck.probes(for: [.adminCenter])
        #expect(admin.map(\.request) == [.graph("/beta/admin/appsAndServices"), .graph("/beta/admin/forms")])
    }

    /// Exchange's admin API puts the cmdlet's own error in `details` or `innererror`.
    @Test(
        arguments: [
            (
                #"{"error": {"code": "Forbidden", "message": "Insufficient privileges."}}"#,
                "Forbidden: Insufficient privileges."
            ),
            (
                #"{"error": {"code": "BadRequest", "message": "x", "details": [{"message": "The term 'Get-SafeLinksPolicy' is not recognized"}]}}"#,
                "BadRequest: The term 'Get-SafeLinksPolicy' is not recognized"
            ),
            (
                #"{"error": {"code": "InternalError", "message": "x", "innererror": {"internalException": {"message": "The role assigned to application isn't supported"}}}}"#,
                "InternalError: The role assigned to application isn't supported"
            ),
            ("<html>bad gateway</html>", "<html>bad gateway</html>"),
        ] as [(String, String)]
    )
    func serviceErrors(_ body: String, _ message: String) {
        #expect(GraphClient.graphMessage(Data(body.utf8)) == message)
    }

    @Test func nextLinksStayOnTheirServiceAndNeverLoop() throws {
        let root = try #require(URL(string: "https://outlook.office365.com"))
        #expect(GraphClient.sameOrigin(try #require(URL(string: "https://OUTLOOK.office365.com:443/x")), root))
        #expect(!GraphClient.sameOrigin(try #require(URL(string: "https://outlook.office365.com:8443/x")), root))
        #expect(!GraphClient.sameOrigin(try #require(URL(string: "http://outlook.office365.com/x")), root))
        #expect(!GraphClient.sameOrigin(try #require(URL(string: "https://evil.example/x")), root))
        var seen = Set<String>()
        try GraphClient.checkNext("https://a/1", seen: &seen)
        try GraphClient.checkNext("https://a/2", seen: &seen)
        #expect(throws: CollectorError.self) { try GraphClient.checkNext("https://a/1", seen: &seen) }
    }
}
