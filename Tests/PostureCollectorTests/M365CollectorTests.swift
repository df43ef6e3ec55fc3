import Foundation
import NIOConcurrencyHelpers
import PostureCatalog
import PostureCollector
import PostureCore
import PostureEvidence
import PostureTestSupport
import Testing

/// The collector against recorded Graph answers served over real HTTP: paging, throttling,
/// failures that do not stop the rest, token expiry, and both kinds of credential.
@Suite struct M365CollectorTests {
    static let recorded = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PostureEvidenceTests/Snapshots/contoso")
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// Runs a collection against a recorded server; the sleeps it asked for are returned, not slept.
    static func collect(
        _ script: RecordedGraphServer.Script,
        credential: GraphCredential = .secret("s3cret"),
        body: (M365Collector.Result, RecordedGraphServer.Log, [Double], M365Collector) throws -> Void
    ) async throws {
        let server = try await RecordedGraphServer.start(directory: recorded, script: script)
        let dns = try await RecordedDNSServer.start(try .recorded(in: recorded))
        defer { Task { try? await dns.stop() } }
        do {
            let sleeps = NIOLockedValueBox<[Double]>([])
            let collector = M365Collector(
                tenantID: script.tenantID,
                clientID: script.clientID,
                credential: credential,
                loginURL: server.baseURL,
                graphURL: server.baseURL,
                exchangeURL: server.baseURL,
                defenderURL: server.baseURL,
                resolver: DNSResolver(host: "127.0.0.1", port: dns.port),
                now: { Date(iso8601: "2026-11-20T08:00:00.75Z")! },
                sleep: { seconds in sleeps.withLockedValue { $0.append(seconds) } }
            )
            let result = try await collector.collect()
            try body(result, server.recorded, sleeps.withLockedValue { $0 }, collector)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    static func assess(_ result: M365Collector.Result) throws -> M365Assessment {
        M365Assessment(snapshot: try M365Snapshot.decode(bundle: result.bundle), catalog: try CatalogLoader.builtIn())
    }

    @Test func collectsEveryResourceThroughPagesAndAssessesLikeTheRecording() async throws {
        try await Self.collect(RecordedGraphServer.Script()) { result, log, sleeps, _ in
            #expect(result.manifest.failures.isEmpty, "\(result.manifest.failures)")
            #expect(result.itemCounts[.users] == 7)
            // Seven users in pages of three.
            #expect(log.graphRequests.filter { $0 == "/users" }.count == 3)
            // The group a policy names was resolved; the role principal that is no group was skipped.
            #expect(result.itemCounts[.groupMembers] == 1)
            #expect(log.graphRequests.contains("/groups/9e1f0000-0000-0000-0000-0000000000aa/transitiveMembers"))
            #expect(sleeps.isEmpty)
            #expect(result.manifest.collectedAt == Date(iso8601: "2026-11-20T08:00:00Z"))
            // Exchange: one InvokeCommand per cmdlet, six mailboxes in pages of three POSTed again.
            #expect(result.itemCounts[.mailboxes] == 6)
            #expect(log.exchangeCommands.filter { $0 == "Get-Mailbox" }.count == 2)
            #expect(Set(log.exchangeCommands).count == M365Resource.allCases.filter { $0.exchangeCmdlet != nil }.count)
            // Defender for Endpoint's rows in pages, and one status request per compliance policy.
            #expect(result.itemCounts[.secureConfigurationAssessments] == 31)
            #expect(log.graphRequests.filter { $0 == "/machines/SecureConfigurationsAssessmentByMachine" }.count == 11)
            #expect(log.graphRequests.filter { $0.hasSuffix("/deviceStatuses") }.count == 4)
            #expect(log.graphRequests.contains("/admin/forms"), "Graph beta")
            #expect(result.itemCounts[.spfRecords] == 2, "the initial onmicrosoft.com domain is not looked up")

            let collected = try Self.assess(result)
            let original = M365Assessment(
                snapshot: try M365Snapshot.load(directory: Self.recorded),
                catalog: try CatalogLoader.builtIn()
            )
            #expect(collected.problems.isEmpty, "\(collected.problems)")
            #expect(collected.measurements == original.measurements)
        }
    }

    @Test func throttlingIsHonouredAndFailuresDoNotStopTheRest() async throws {
        var script = RecordedGraphServer.Script()
        script.firstAnswer = [
            "userRegistrationDetails": (429, 7), "domains": (503, nil), "conditionalAccessPolicies": (504, 2),
        ]
        script.failing = [
            "sharepointSettings": 403, "roleEligibilitySchedules": 400, "mailboxes": 403,
            "secureConfigurationAssessments": 403,
        ]
        try await Self.collect(script) { result, log, sleeps, _ in
            #expect(sleeps == [1, 7, 2], "Retry-After when given, else backoff from 1 s")
            #expect(log.graphRequests.filter { $0 == "/domains" }.count == 2)
            #expect(
                result.manifest.failures[.sharepointSettings]?.hasPrefix("HTTP 403: Authorization_RequestDenied")
                    == true
            )
            #expect(result.manifest.failures[.roleEligibilitySchedules] != nil)
            #expect(!result.resources.contains { $0.0 == .sharepointSettings })

            let assessment = try Self.assess(result)
            #expect(assessment.finding("spo_legacy_auth")?.result == "no data")
            #expect(assessment.finding("spo_legacy_auth")?.detail.contains("HTTP 403") == true)
            #expect(assessment.finding("PIMEnabled")?.result == "no data")
            #expect(assessment.finding("AdminMFAV2")?.result == "2/3")
            // A 403 from Exchange or Defender costs only the actions that read that resource.
            #expect(result.manifest.failures[.mailboxes]?.hasPrefix("HTTP 403: Forbidden") == true)
            #expect(assessment.finding("MailboxAuditingEnabled")?.result == "no data")
            #expect(assessment.finding("exo_outlookaddins")?.result == "not done", "mailboxes only sharpen it")
            #expect(assessment.finding("mdo_zapphish")?.result == "done")
            #expect(assessment.finding("scid_2010")?.result == "no data")
            #expect(assessment.finding("MDMPWReq")?.result == "2/2")
        }
    }

    @Test func anExpiredTokenIsRenewedOnce() async throws {
        var script = RecordedGraphServer.Script()
        script.expireTokenAfter = 5
        try await Self.collect(script) { result, log, _, collector in
            #expect(log.tokenRequests == 2)
            #expect(collector.tokenRequests == 2)
            #expect(result.manifest.failures.isEmpty, "\(result.manifest.failures)")
        }
    }

    /// Graph, Exchange Online and Defender for Endpoint each get a token for their own scope, and
    /// each token goes only to its own host.
    @Test func eachServiceHasItsOwnTokenAndHost() async throws {
        let server = try await RecordedGraphServer.start(directory: Self.recorded, script: .init())
        let other = server.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let collector = M365Collector(
            tenantID: RecordedGraphServer.Script().tenantID,
            clientID: "collector-app",
            credential: .secret("s3cret"),
            loginURL: server.baseURL,
            graphURL: server.baseURL,
            exchangeURL: other,
            defenderURL: other + "/",
            resolver: nil
        )
        let result = try await collector.collect(sources: [.exchangeOnline, .defenderEndpoint])
        try await server.stop()
        #expect(result.manifest.failures == [.spfRecords: "no DNS server is configured"])
        #expect(server.recorded.tokenScopes == ["\(server.baseURL)/.default", "\(other)/.default"])
        #expect(Set(server.recorded.bearerHosts).allSatisfy { $0.hasPrefix("localhost") })
    }

    @Test func aRefusedSecretStopsWithEntraIDsReason() async throws {
        let server = try await RecordedGraphServer.start(directory: Self.recorded, script: .init())
        let collector = M365Collector(
            tenantID: RecordedGraphServer.Script().tenantID,
            clientID: "collector-app",
            credential: .secret("wrong"),
            loginURL: server.baseURL,
            graphURL: server.baseURL,
            resolver: nil
        )
        await #expect(throws: CollectorError.token("AADSTS7000215: Invalid client secret provided.")) {
            try await collector.collect()
        }
        try await server.stop()
    }

    @Test func aCertificateSignsAClientAssertion() async throws {
        var script = RecordedGraphServer.Script()
        script.assertionKey = try String(
            contentsOf: Self.fixtures.appendingPathComponent("collector-test.pub.pem"),
            encoding: .utf8
        )
        let pem = try String(contentsOf: Self.fixtures.appendingPathComponent("collector-test.pem"), encoding: .utf8)
        try await Self.collect(script, credential: .certificate(try CertificateKey(pem: pem))) { result, log, _, _ in
            #expect(log.tokenRequests == 1)
            #expect(result.manifest.failures.isEmpty)
        }
        #expect(throws: CollectorError.self) {
            try CertificateKey(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
        }
    }

    @Test func nextLinksToAnotherHostAreNotFollowed() async throws {
        var script = RecordedGraphServer.Script()
        script.nextLinkBase = "http://graph.evil.example"
        try await Self.collect(script) { result, log, _, _ in
            #expect(result.manifest.failures[.users]?.contains("not at the Graph host") == true)
            #expect(
                log.graphRequests.filter { $0 == "/users" }.count == 1,
                "one page, then the foreign link is refused"
            )
            #expect(result.itemCounts[.organization] == 1, "single-page resources are unaffected")
        }
    }

    /// A redirect to another host is not followed, so the bearer token never reaches it.
    @Test func theTokenIsNotSentAlongACrossHostRedirect() async throws {
        var script = RecordedGraphServer.Script()
        script.redirectElsewhere = ["domains"]
        try await Self.collect(script) { result, log, _, _ in
            #expect(!log.bearerHosts.contains { $0.hasPrefix("localhost") }, "\(log.bearerHosts)")
            #expect(result.manifest.failures[.domains]?.hasPrefix("HTTP 302") == true, "\(result.manifest.failures)")
            #expect(result.itemCounts[.organization] == 1, "other resources are collected")
        }
    }

    @Test func aFailedResourceLeavesNoStaleFileBehind() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collected-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.collect(RecordedGraphServer.Script()) { result, _, _, _ in try result.write(to: directory) }
        #expect(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("sharepointSettings.json").path)
        )
        var script = RecordedGraphServer.Script()
        script.failing = ["sharepointSettings": 403]
        try await Self.collect(script) { result, _, _, _ in try result.write(to: directory) }
        #expect(
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("sharepointSettings.json").path)
        )
        let snapshot = try M365Snapshot.load(directory: directory)
        #expect(snapshot.missing[.sharepointSettings]?.hasPrefix("HTTP 403") == true)
    }

    @Test func theWrittenSnapshotIsAReadableDirectory() async throws {
        try await Self.collect(RecordedGraphServer.Script()) { result, _, _, _ in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "collected-\(UUID().uuidString)"
            )
            defer { try? FileManager.default.removeItem(at: directory) }
            try result.write(to: directory)
            let snapshot = try M365Snapshot.load(directory: directory)
            #expect(snapshot.manifest.collectorVersion == M365Collector.version)
            #expect(snapshot.problems.isEmpty && snapshot.missing.isEmpty)
            let manifest = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: directory.appendingPathComponent("manifest.json"))
                )
                    as? [String: Any]
            )
            #expect((manifest["resources"] as? [String: Any])?["users"] as? [String: Int] == ["items": 7])
            // Evidence names every user: readable by the owner only, whatever the umask.
            let permissions = { (path: String) in
                (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
            }
            #expect(try permissions(directory.path) == 0o700)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files.count == M365Resource.allCases.count + 1, "no partial file is left: \(files)")
            for file in files {
                #expect(try permissions(directory.appendingPathComponent(file).path) == 0o600, "\(file)")
            }
        }
    }
}
