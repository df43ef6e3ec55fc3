import Foundation
import NIOConcurrencyHelpers
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// Requests an attacker with a read-only token would send: each used to stop the process, leak
/// data or slip past a limit.
@Suite struct HardeningTests {
    @Test func hugeSkipIsABadRequestAndTheServerKeepsServing() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            for path in [
                "/v1.0/security/secureScores?$top=1&$skip=9223372036854775807",
                "/v1.0/security/secureScores?$skip=9223372036854775807",
                "/beta/security/secureScoreControlProfiles?$top=1&$skip=9223372036854775807",
                "/v1.0/security/secureScores?$top=9223372036854775807",
            ] {
                let response = try await harness.send(.GET, path, token: reader)
                #expect(response.status == .badRequest, "\(path): \(response.status)")
                #expect(try graphErrorCode(response.body) == "badRequest", "\(path)")
                #expect(response.body.contains("$skip") || response.body.contains("$top"), "\(path)")
            }
            // The same request as one sub-request of $batch answers 400 inside a 200 envelope.
            let batch = try await harness.send(
                .POST,
                "/v1.0/$batch",
                token: reader,
                json:
                    #"{"requests": [{"id": "1", "method": "GET", "url": "/security/secureScores?$top=1&$skip=9223372036854775807"}]}"#
            )
            #expect(batch.status == .ok)
            let responses = try #require(try object(batch.body)["responses"] as? [[String: Any]])
            #expect(responses.first?["status"] as? Int == 400)
            // Still alive, and the largest allowed skip is an empty page, not a trap.
            let last = try await harness.send(.GET, "/v1.0/security/secureScores?$top=1000&$skip=100000", token: reader)
            #expect(last.status == .ok)
            #expect((try object(last.body)["value"] as? [Any])?.isEmpty == true)
        }
    }

    /// Every path refuses the same over-long text with the same message, and nothing is stored.
    @Test func freeTextLimitsHoldOnEveryPath() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("contoso", .readWrite)
            let long = String(repeating: "n", count: 2_001)
            // One grapheme, thousands of scalars: counting Characters would let it through.
            let marks = "a" + String(repeating: "\u{301}", count: 2_500)
            let expected = "note must be at most 2000 characters"
            for note in [long, marks] {
                let native = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/actions/PIMEnabled/status",
                    token: writer,
                    json: try Self.json(["status": "planned", "note": note])
                )
                #expect(native.status == .badRequest && native.body.contains(expected), "\(native.body.prefix(300))")
                let graph = try await harness.send(
                    .PATCH,
                    "/v1.0/security/secureScoreControlProfiles/PIMEnabled",
                    token: writer,
                    json: try Self.json([
                        "state": "Ignored", "comment": note,
                        "vendorInformation": ["provider": "SecureScore", "vendor": "Microsoft"],
                    ])
                )
                #expect(graph.status == .badRequest && graph.body.contains(expected), "\(graph.body.prefix(300))")
                let batch = try await harness.send(
                    .POST,
                    "/v1.0/$batch",
                    token: writer,
                    json: try Self.json([
                        "requests": [
                            [
                                "id": "1", "method": "PATCH", "url": "/security/secureScoreControlProfiles/PIMEnabled",
                                "headers": ["Content-Type": "application/json"],
                                "body": [
                                    "state": "Ignored", "comment": note,
                                    "vendorInformation": ["provider": "SecureScore", "vendor": "Microsoft"],
                                ],
                            ]
                        ]
                    ])
                )
                let responses = try #require(try object(batch.body)["responses"] as? [[String: Any]])
                #expect(responses.first?["status"] as? Int == 400)
            }
            let owner = try await harness.send(
                .PUT,
                "/api/v1/organizations/contoso/actions/PIMEnabled/status",
                token: writer,
                json: try Self.json(["status": "riskAccepted", "owner": String(repeating: "o", count: 201)])
            )
            #expect(owner.body.contains("owner must be at most 200 characters"))
            let tag = try await harness.send(
                .PUT,
                "/api/v1/organizations/contoso/actions/PIMEnabled/tags/" + String(repeating: "t", count: 65),
                token: writer
            )
            #expect(tag.status == .badRequest && tag.body.contains("tag must be at most 64 characters"))
            // Nothing was stored by any refused request.
            let statuses = try await harness.runtime.service.store.statuses("contoso")
            #expect(!statuses.contains { $0.actionID == "PIMEnabled" && ($0.note?.count ?? 0) > 2_000 })
            #expect(!statuses.contains { $0.actionID == "PIMEnabled" && $0.status == .riskAccepted })
            // controlStateUpdates carries at most the 100 newest changes however many there are.
            for index in 0..<105 {
                let response = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/actions/PIMEnabled/status",
                    token: writer,
                    json: try Self.json(["status": index % 2 == 0 ? "planned" : "toAddress", "note": "step \(index)"])
                )
                #expect(response.status == .ok)
            }
            let profile = try object(
                try await harness.send(.GET, "/v1.0/security/secureScoreControlProfiles/PIMEnabled", token: writer).body
            )
            let updates = try #require(profile["controlStateUpdates"] as? [[String: Any]])
            #expect(updates.count == 100)
            #expect(updates.last?["comment"] as? String == "step 104", "the newest are kept")
        }
    }

    @Test func theAuditLogIsReadAPageAtATime() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("contoso", .readWrite)
            for index in 0..<7 {
                _ = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/actions/PIMEnabled/status",
                    token: writer,
                    json: try Self.json(["status": index % 2 == 0 ? "planned" : "toAddress"])
                )
            }
            let all = try await harness.runtime.service.store.auditEntries(organizationID: "contoso")
            var seen: [Int] = []
            var path: String? = "/api/v1/organizations/contoso/audit?limit=3"
            while let next = path {
                let page = try object(try await harness.send(.GET, next, token: writer).body)
                let value = try #require(page["value"] as? [[String: Any]])
                #expect(value.count <= 3)
                seen += value.compactMap { $0["sequence"] as? Int }
                path = page["nextLink"] as? String
            }
            #expect(seen == all.map(\.sequence))
            for bad in ["limit=0", "limit=1001", "after=-1", "limit=9223372036854775807", "after=x"] {
                let response = try await harness.send(.GET, "/api/v1/organizations/contoso/audit?\(bad)", token: writer)
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Issued tokens are recorded: they can be revoked, they never outlive 90 days, they do not open
    /// an organization created after them, and tokens nobody recorded are refused.
    @Test func issuedTokensCanBeRevokedAndDoNotOutliveTheirOrganization() async throws {
        let instant = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        try await APIHarness.with(clock: clock) { harness in
            let store = harness.runtime.service.store
            let token = try await harness.token()
            let score = "/api/v1/organizations/contoso/score"
            #expect(try await harness.send(.GET, score, token: token).status == .ok)
            let recorded = try #require(try await store.issuedTokens(organizationID: "contoso").last)
            #expect(recorded.subject == "tester" && recorded.role == .securityReader && recorded.revokedAt == nil)
            #expect(try await harness.runtime.service.revokeIssuedToken(recorded.tokenID, actor: "test"))
            instant.withLockedValue { $0 = $0.addingTimeInterval(StoreTokenRegistry.cacheLifetime + 1) }
            let refused = try await harness.send(.GET, score, token: token)
            #expect(refused.status == .unauthorized && refused.body.contains("revoked"), "\(refused.body)")
            let audit = try await store.auditEntries(organizationID: "contoso")
            #expect(audit.contains { $0.action == "token.revoke" && $0.target == recorded.tokenID })

            // At most 90 days, whatever was asked.
            let long = try await harness.token(lifetime: 365 * 86_400)
            let longRecord = try #require(try await store.issuedTokens(organizationID: "contoso").last)
            #expect(longRecord.expiresAt.timeIntervalSince(longRecord.issuedAt) == TokenService.maximumLifetime)
            #expect(try await harness.send(.GET, score, token: long).status == .ok)

            // A token for an id nobody has yet does not open the organization created later.
            let early = try await harness.token("newco", .read)
            instant.withLockedValue { $0 = $0.addingTimeInterval(60) }
            try await harness.runtime.service.createOrganization(
                Organization(id: "newco", displayName: "New Co"),
                actor: "test"
            )
            #expect(
                try await harness.send(.GET, "/api/v1/organizations/newco/score", token: early).status == .unauthorized
            )
            // Deleting an organization revokes its tokens, so re-creating the id opens nothing.
            let fabrikam = try await harness.token("fabrikam", .read)
            #expect(try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: fabrikam).status == .ok)
            _ = try await harness.runtime.service.deleteOrganization("fabrikam", actor: "test")
            instant.withLockedValue { $0 = $0.addingTimeInterval(StoreTokenRegistry.cacheLifetime + 1) }
            try await harness.runtime.service.createOrganization(
                Organization(id: "fabrikam", displayName: "Fabrikam again"),
                actor: "test"
            )
            #expect(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: fabrikam).status
                    == .unauthorized
            )

            // Signed with our key but never recorded (as by an earlier release): refused.
            let keys = try SigningKeyStore.load(from: harness.runtime.configuration.resolvedKeysDirectory)
            let unrecorded = try await TokenService(signing: keys.current, all: keys.all, clock: clock).issue(
                subject: "old",
                grant: .organization("contoso", .securityReader),
                scopes: [.read],
                lifetime: 3600
            )
            let old = try await harness.send(.GET, score, token: unrecorded)
            #expect(old.status == .unauthorized && old.body.contains("not recorded"))
        }
    }

    /// A retired signing key stops verifying the tokens it signed; the current key cannot be retired.
    @Test func retiredSigningKeysStopVerifying() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try SigningKeyStore.load(from: directory)
        let old = await TokenService(signing: first.current, all: first.all, clock: APIHarness.clock)
        let token = try await old.issue(
            subject: "t",
            grant: .organization("contoso", .securityReader),
            scopes: [.read],
            lifetime: 3600
        )
        #expect(throws: StartupError.self) { try SigningKeyStore.retire(first.current.kid, in: directory) }
        let rotated = try SigningKeyStore.create(in: directory, now: APIHarness.now.addingTimeInterval(1))
        let both = try SigningKeyStore.load(from: directory)
        #expect(
            try await TokenService(signing: both.current, all: both.all, clock: APIHarness.clock).verify(token)
                .subject == "t"
        )
        try SigningKeyStore.retire(first.current.kid, in: directory)
        let after = try SigningKeyStore.load(from: directory)
        #expect(after.all.map(\.kid) == [rotated.kid])
        let restarted = await TokenService(signing: after.current, all: after.all, clock: APIHarness.clock)
        await #expect(throws: TokenError.invalid("the token's key id is unknown")) { try await restarted.verify(token) }
    }

    /// The subtraction attack: seven organizations, one (3,000 seats) outside contoso's band. A
    /// contoso reader who somehow knew every member count multiplies and subtracts the cohort
    /// averages; it must not get any single organization's percentage. And a read-write role
    /// cannot sweep custom seat ranges a few seats apart.
    @Test func comparisonsCannotBeSubtractedToRevealAnOrganization() async throws {
        try await APIHarness.with { harness in
            let service = harness.runtime.service
            for index in 0..<5 {
                try await service.createOrganization(
                    Organization(
                        id: "peer\(index)",
                        displayName: "Peer \(index)",
                        licensedUserCount: 150 + index * 10,
                        industry: "Manufacturing",
                        region: "EU"
                    ),
                    actor: "test"
                )
                try await service.recordMeasurements(
                    OrganizationID("peer\(index)"),
                    [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: index + 1, total: 10))],
                    actor: "test"
                )
            }
            try await service.createOrganization(
                Organization(
                    id: "outsider",
                    displayName: "Outsider",
                    licensedUserCount: 3000,
                    industry: "Manufacturing",
                    region: "EU"
                ),
                actor: "test"
            )
            try await service.recordMeasurements(
                "outsider",
                [ActionMeasurement(actionID: "OneAdmin", result: .implemented(true))],
                actor: "test"
            )
            let today = CivilDay(APIHarness.now)
            let (twoDaysAgo, yesterday) = (today.adding(days: -2), today.adding(days: -1))
            _ = try await service.sync(day: twoDaysAgo)
            // The next day one newcomer joins the peers' cell, alone.
            try await service.createOrganization(
                Organization(
                    id: "newcomer",
                    displayName: "Newcomer",
                    licensedUserCount: 170,
                    industry: "manufacturing",
                    region: "eu"
                ),
                actor: "test"
            )
            try await service.recordMeasurements(
                "newcomer",
                [ActionMeasurement(actionID: "AdminMFAV2", result: .counted(achieved: 9, total: 10))],
                actor: "test"
            )
            _ = try await service.sync(day: yesterday)
            _ = try await service.sync(day: today)
            var truth: [String: Double] = [:]
            for id in ["contoso", "fabrikam", "outsider", "newcomer"] + (0..<5).map({ "peer\($0)" }) {
                truth[id] = try #require(try await service.store.snapshot(OrganizationID(id), day: yesterday))
                    .percentage
            }

            let reader = try await harness.token()
            let page = try object(
                try await harness.send(.GET, "/v1.0/security/secureScores?$top=1", token: reader).body
            )
            let newest = try #require((page["value"] as? [[String: Any]])?.first)
            let cohorts = try #require(newest["averageComparativeScores"] as? [[String: Any]])
            #expect(cohorts.allSatisfy { $0["organizationCount"] == nil }, "member counts are never published")
            let all = try #require(cohorts.first { $0["basis"] as? String == "AllTenants" }?["averageScore"] as? Double)
            let band = try #require(
                cohorts.first { $0["basis"] as? String == "TotalSeats" }?["averageScore"] as? Double
            )
            // The strongest attacker knows the true counts (9 on the instance, 7 in the band) and
            // every plausible guess near them.
            for (everyone, inBand) in [(9, 7), (8, 6), (7, 6), (8, 7), (9, 6), (7, 5), (6, 5)] {
                let recovered = Double(everyone) * all - Double(inBand) * band
                for (id, value) in truth where id != "contoso" {
                    #expect(
                        abs(recovered - value) > 0.5,
                        "\(everyone)×\(all) − \(inBand)×\(band) gives \(id)'s \(value)"
                    )
                }
            }
            // Both cohorts are the one cell of six that counts: contoso and its five peers. The
            // newcomer, one organization arriving, waits for a batch of six.
            let cell = (["contoso"] + (0..<5).map { "peer\($0)" }).map { truth[$0]! }
            let cellAverage = cell.reduce(0, +) / Double(cell.count)
            #expect(abs(all - cellAverage) < 0.01 && abs(band - cellAverage) < 0.01)

            // Across days: the averages before and after the newcomer arrived give nothing away,
            // and neither does deleting a member afterwards (sealed days never change).
            func averages() async throws -> [String: Double] {
                let list = try object(
                    try await harness.send(.GET, "/v1.0/security/secureScores?$top=3", token: reader).body
                )
                var found: [String: Double] = [:]
                for entry in list["value"] as? [[String: Any]] ?? [] {
                    let day = String((entry["createdDateTime"] as? String ?? "").prefix(10))
                    let cohorts = entry["averageComparativeScores"] as? [[String: Any]] ?? []
                    found[day] = cohorts.first { $0["basis"] as? String == "AllTenants" }?["averageScore"] as? Double
                }
                return found
            }
            let before = try await averages()
            let (dayBefore, dayAfter) = try (
                #require(before[twoDaysAgo.description]), #require(before[yesterday.description])
            )
            for (after, earlier) in [(7, 6), (8, 7), (9, 8)] {
                let recovered = Double(after) * dayAfter - Double(earlier) * dayBefore
                #expect(abs(recovered - truth["newcomer"]!) > 0.5, "\(after)×\(dayAfter) − \(earlier)×\(dayBefore)")
            }
            #expect(try await service.deleteOrganization("peer0", actor: "test"))
            #expect(try await averages() == before, "deleting a member changes no published day")

            // Custom seat ranges are whole bands: no sweep a few seats apart.
            let writer = try await harness.token("contoso", .readWrite)
            for range in [#"{"minSeats": 0, "maxSeats": 2999}"#, #"{"minSeats": 0, "maxSeats": 3000}"#] {
                let refused = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/comparison",
                    token: writer,
                    json: range
                )
                #expect(refused.status == .badRequest && refused.body.contains("seat band"), "\(refused.body)")
            }
            let wide = try await harness.send(
                .PUT,
                "/api/v1/organizations/contoso/comparison",
                token: writer,
                json: #"{"minSeats": 1, "maxSeats": 5000}"#
            )
            #expect(wide.status == .ok, "\(wide.body)")
            let trend = try await harness.send(
                .GET,
                "/api/v1/organizations/contoso/metrics/comparison?from=\(today)&to=\(today)",
                token: reader
            )
            #expect(!trend.body.contains("\"organizations\""), "no member counts in the native trend either")
            let body = try object(trend.body)
            let customCohort = try #require(body["custom"] as? [String: Any])
            let custom = try #require(
                (customCohort["points"] as? [[String: Any]])?.last?["averagePercentage"] as? Double
            )
            #expect(abs(custom - cellAverage) < 1e-6, "the outsider, alone in its cell, counts in no cohort")
        }
    }

    /// A caller who keeps asking for expensive reads runs out of budget and waits; other callers
    /// are served as before, and the budget comes back with time.
    @Test func expensiveReadsSpendAPerCallerBudget() async throws {
        let instant = NIOLockedValueBox(APIHarness.now)
        let clock = PostureClock { instant.withLockedValue { $0 } }
        // 120 days of demo history: a $filter read costs 120; the budget holds 3 × 100.
        let configure: @Sendable (inout PostureConfiguration) -> Void = { $0.readBudgetPerSecond = 100 }
        try await APIHarness.with(clock: clock, configure: configure) { harness in
            let greedy = try await harness.token()
            let other = try await harness.token()
            let filtered = "/v1.0/security/secureScores?$filter=currentScore%20gt%200"
            var statuses: [HTTPStatus] = []
            for index in 0..<4 {
                // Distinct URLs: the response cache must not hide the work.
                statuses.append(try await harness.send(.GET, filtered + "&$top=\(index + 1)", token: greedy).status)
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests, .tooManyRequests], "\(statuses)")
            let refused = try await harness.send(.GET, filtered + "&$top=9", token: greedy)
            #expect(try graphErrorCode(refused.body) == "activityLimitReached")
            #expect(Int(refused.headers.first(name: .retryAfter) ?? "") ?? 0 >= 1)
            // Inside $batch each sub-request spends too.
            let batch = try await harness.send(
                .POST,
                "/v1.0/$batch",
                token: greedy,
                json:
                    #"{"requests": [{"id": "1", "method": "GET", "url": "/security/secureScores?$filter=currentScore gt 1"}]}"#
            )
            #expect((try object(batch.body)["responses"] as? [[String: Any]])?.first?["status"] as? Int == 429)
            // Someone else is not held up…
            #expect(try await harness.send(.GET, filtered + "&$top=1", token: other).status == .ok)
            // …and the greedy caller is served again once the budget has come back.
            instant.withLockedValue { $0 = $0.addingTimeInterval(3) }
            #expect(try await harness.send(.GET, filtered + "&$top=11", token: greedy).status == .ok)
        }
    }
}
