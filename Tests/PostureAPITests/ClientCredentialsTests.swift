import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import Testing
import VaporTesting

/// The OAuth 2.0 client-credentials grant: tokens for API clients, scopes, revocation, rate limits.
@Suite struct ClientCredentialsTests {
    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }
            .joined(separator: "&")
    }

    static func requestToken(
        _ harness: APIHarness,
        _ fields: [(String, String)],
        path: String = "/oauth2/v2.0/token"
    )
        async throws -> (status: HTTPStatus, headers: HTTPHeaders, body: [String: Any])
    {
        var result: (HTTPStatus, HTTPHeaders, [String: Any]) = (.ok, [:], [:])
        try await harness.app.testing().test(
            .POST,
            path,
            beforeRequest: { request in
                request.headers.contentType = .urlEncodedForm
                request.body = ByteBuffer(string: form(fields))
            },
            afterResponse: { response in
                result = (response.status, response.headers, try object(response.body.string))
            }
        )
        return result
    }

    @Test func aClientGetsATokenForItsOrganizationOnly() async throws {
        try await APIHarness.with { harness in
            let (client, secret) = try await harness.runtime.service.createClient(
                organizationID: "contoso",
                name: "sensor",
                scopes: [APIScope.readWrite.rawValue],
                role: .securityAdministrator,
                actor: "admin"
            )
            let granted = try await Self.requestToken(
                harness,
                [
                    ("grant_type", "client_credentials"), ("client_id", client.clientID), ("client_secret", secret),
                    ("scope", "https://graph.microsoft.com/.default"),
                ]
            )
            #expect(granted.status == .ok)
            #expect(granted.body["token_type"] as? String == "Bearer" && granted.body["expires_in"] as? Int == 3600)
            #expect(granted.headers.first(name: .cacheControl) == "no-store")
            let token = try #require(granted.body["access_token"] as? String)
            let patch = try await harness.send(
                .PATCH,
                "/v1.0/security/secureScoreControlProfiles/PIMEnabled",
                token: token,
                json: #"{"state": "Default", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}"#
            )
            #expect(patch.status == .noContent)
            #expect(try await harness.send(.GET, "/api/v1/organizations/fabrikam", token: token).status == .notFound)
            let audit = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/audit", token: token).body
            )
            #expect((audit["value"] as? [[String: Any]])?.last?["actor"] as? String == client.clientID)

            // Entra-style URL with a tenant segment works the same.
            let tenant = try await Self.requestToken(
                harness,
                [("grant_type", "client_credentials"), ("client_id", client.clientID), ("client_secret", secret)],
                path: "/contoso/oauth2/v2.0/token"
            )
            #expect(tenant.status == .ok)

            #expect(try await harness.runtime.service.revokeClient(client.clientID, actor: "admin"))
            #expect(
                try await harness.send(.GET, "/v1.0/security/secureScores?$top=1", token: token).status == .unauthorized
            )
            let afterRevocation = try await Self.requestToken(
                harness,
                [("grant_type", "client_credentials"), ("client_id", client.clientID), ("client_secret", secret)]
            )
            #expect(
                afterRevocation.status == .unauthorized && afterRevocation.body["error"] as? String == "invalid_client"
            )
        }
    }

    @Test func badRequestsGetOAuthErrors() async throws {
        try await APIHarness.with { harness in
            let (client, secret) = try await harness.runtime.service.createClient(
                organizationID: "contoso",
                name: "reader",
                scopes: [APIScope.read.rawValue],
                role: .securityReader,
                actor: "admin"
            )
            let cases: [([(String, String)], HTTPStatus, String)] = [
                (
                    [("grant_type", "password"), ("client_id", client.clientID), ("client_secret", secret)],
                    .badRequest, "unsupported_grant_type"
                ),
                (
                    [("grant_type", "client_credentials"), ("client_id", client.clientID)], .badRequest,
                    "invalid_request"
                ),
                (
                    [("grant_type", "client_credentials"), ("client_id", client.clientID), ("client_secret", "wrong")],
                    .unauthorized, "invalid_client"
                ),
                (
                    [("grant_type", "client_credentials"), ("client_id", "pc_nobody"), ("client_secret", secret)],
                    .unauthorized, "invalid_client"
                ),
                (
                    [
                        ("grant_type", "client_credentials"), ("client_id", client.clientID), ("client_secret", secret),
                        ("scope", "SecurityEvents.ReadWrite.All"),
                    ],
                    .badRequest, "invalid_scope"
                ),
            ]
            for (fields, status, code) in cases {
                let response = try await Self.requestToken(harness, fields)
                #expect(response.status == status, "\(code)")
                #expect(response.body["error"] as? String == code, "\(fields)")
                #expect(response.body["error_description"] is String)
            }
            let readToken = try await Self.requestToken(
                harness,
                [
                    ("grant_type", "client_credentials"), ("client_id", client.clientID), ("client_secret", secret),
                    ("scope", "SecurityEvents.Read.All"),
                ]
            )
            #expect(readToken.body["scope"] as? String == "SecurityEvents.Read.All")
        }
    }

    @Test func tooManyRequestsWaitWithRetryAfter() async throws {
        try await APIHarness.with { harness in
            var last: (status: HTTPStatus, headers: HTTPHeaders, body: [String: Any])?
            for _ in 0..<31 {
                last = try await Self.requestToken(
                    harness,
                    [("grant_type", "client_credentials"), ("client_id", "pc_guess"), ("client_secret", "x")]
                )
            }
            #expect(last?.status == .tooManyRequests)
            #expect(Int(last?.headers.first(name: .retryAfter) ?? "") ?? 0 >= 1)
        }
    }
}
