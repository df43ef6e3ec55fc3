import Foundation
import NIOConcurrencyHelpers
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

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
}
