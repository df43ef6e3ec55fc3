import PostureCore
import Testing

/// The rules a connection's settings and credential obey, and each cloud's endpoints.
@Suite struct ConnectionSettingsTests {
    static func settings(
        tenant: String = "contoso.onmicrosoft.com",
        client: String = "11111111-2222-3333-4444-555555555555"
    )
        -> ConnectionSettings
    {
        ConnectionSettings(tenantID: tenant, clientID: client, credentialKind: .secret)
    }

    @Test(
        arguments: [
            ("contoso.onmicrosoft.com", true), ("0b7d5c2a-1f0e-4f43-9a4e-6f4c8d7e9a10", true), ("a.b", true),
            ("contoso", false), ("", false), ("-bad.example", false), ("bad-.example", false), ("con toso.com", false),
            ("0b7d5c2a-1f0e-4f43-9a4e-6f4c8d7e9a1", false), ("münchen.de", false),
            (String(repeating: "a", count: 64) + ".example", false),
        ] as [(String, Bool)]
    )
    func tenants(_ tenant: String, _ valid: Bool) {
        #expect(Self.settings(tenant: tenant).problems.contains { $0.field == "tenantId" } == !valid)
    }

    @Test(
        arguments: [
            ("11111111-2222-3333-4444-555555555555", true), ("11111111222233334444555555555555", false),
            ("1111111-2222-3333-4444-5555555555555", false), ("gggggggg-2222-3333-4444-555555555555", false),
            ("", false),
        ] as [(String, Bool)]
    )
    func clients(_ client: String, _ valid: Bool) {
        #expect(Self.settings(client: client).problems.contains { $0.field == "clientId" } == !valid)
    }

    @Test(
        arguments: [
            ("https://login.microsoftonline.us", nil), ("http://127.0.0.1:8089", nil), ("http://localhost/x", nil),
            ("http://login.example", "must use https"), ("ftp://login.example", "must use https"),
            ("https://login.example/?q=1", "without a query"), ("not a url", "without a query"),
        ] as [(String, String?)]
    )
    func endpoints(_ url: String, _ problem: String?) {
        let found = ConnectionSettings.endpointProblem(url)
        if let problem {
            #expect(found?.contains(problem) == true, "\(found ?? "none")")
        } else {
            #expect(found == nil)
        }
    }

    @Test func sourcesMustBeNamedOnce() {
        var settings = Self.settings()
        #expect(settings.problems.isEmpty)
        settings.sources = []
        #expect(settings.problems.map(\.field) == ["sources"])
        settings.sources = [.entraID, .entraID]
        #expect(settings.problems.first?.message == "names a source twice")
    }

    @Test(
        arguments: [
            (MicrosoftCloud.commercial, "https://login.microsoftonline.com", "https://graph.microsoft.com"),
            (.gcc, "https://login.microsoftonline.com", "https://graph.microsoft.com"),
            (.gccHigh, "https://login.microsoftonline.us", "https://graph.microsoft.us"),
            (.dod, "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
            (.china, "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"),
        ]
    )
    func cloudsHaveTheirOwnEndpoints(_ cloud: MicrosoftCloud, _ login: String, _ graph: String) {
        var settings = Self.settings()
        settings.cloud = cloud
        #expect(settings.effectiveLoginURL == login && settings.effectiveGraphURL == graph)
        settings.graphURL = "http://127.0.0.1:9"
        #expect(settings.effectiveGraphURL == "http://127.0.0.1:9", "an endpoint set apart wins")
    }

    @Test(
        arguments: [
            (ConnectionCredential.secret("abc~DEF.123"), nil), (.secret(""), "is empty"),
            (.secret(String(repeating: "x", count: 1_025)), "longer than 1024"), (.secret("a\u{7}b"), "control"),
            (.certificate(pem: "-----BEGIN CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----"), nil),
            (.certificate(pem: "-----BEGIN CERTIFICATE-----"), "PRIVATE KEY block"),
        ] as [(ConnectionCredential, String?)]
    )
    func credentials(_ credential: ConnectionCredential, _ problem: String?) {
        if let problem {
            #expect(credential.problem?.message.contains(problem) == true, "\(credential.problem?.message ?? "none")")
        } else {
            #expect(credential.problem == nil)
        }
    }

    @Test func namesBecomeCloudsAndSourcesOrAProblemNamingTheField() throws {
        #expect(try MicrosoftCloud.named("gcc-high") == .gccHigh)
        #expect(
            throws: ConnectionProblem(
                field: "cloud",
                "must be one of commercial, gcc, gcc-high, dod, china, got \"mars\""
            )
        ) {
            try MicrosoftCloud.named("mars")
        }
        #expect(try ConnectionSource.named(["secure-score", "entra-id"]) == [.secureScore, .entraID])
        #expect(try ConnectionSource.named([]).isEmpty, "an empty list is the settings' problem to name")
        #expect(
            throws: ConnectionProblem(
                field: "sources",
                "\"mail\" is not a source; use entra-id, sharepoint, secure-score, exchange-online, defender-endpoint, "
                    + "intune, admin-center"
            )
        ) {
            try ConnectionSource.named(["entra-id", "mail"])
        }
    }
}
