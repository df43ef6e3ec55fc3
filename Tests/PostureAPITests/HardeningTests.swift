import Foundation
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
}
