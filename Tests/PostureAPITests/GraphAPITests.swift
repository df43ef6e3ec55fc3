import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureServices
import PostureStore
import Testing
import VaporTesting

@Suite struct GraphAPITests {
    @Test func secureScoresAreNewestFirstWithAbsolutePaging() async throws {
        // The Host the links use must be one the operator allowed.
        let allowHost: @Sendable (inout PostureConfiguration) -> Void = { $0.allowedHosts = ["posture.test:8080"] }
        try await APIHarness.with(configure: allowHost) { harness in
            let token = try await harness.token()
            let first = try await harness.send(
                .GET,
                "/v1.0/security/secureScores?$count=true",
                token: token,
                headers: [("Host", "posture.test:8080")]
            )
            #expect(first.status == .ok)
            #expect(first.headers.contentType == .json)
            let page = try object(first.body)
            #expect(page["@odata.count"] as? Int == 120)
            let values = try #require(page["value"] as? [[String: Any]])
            #expect(values.count == 100, "the server page size")
            #expect(values.first?["id"] as? String == "contoso_2026-11-28")
            let ids = values.compactMap { $0["id"] as? String }
            #expect(ids == ids.sorted(by: >))
            #expect(values.first?["activeUserCount"] as? Int == 104)
            let next = try #require(page["@odata.nextLink"] as? String)
            #expect(next.hasPrefix("http://posture.test:8080/v1.0/security/secureScores?"))
            let second = try object(
                try await harness.send(.GET, String(next.dropFirst("http://posture.test:8080".count)), token: token)
                    .body
            )
            let more = try #require(second["value"] as? [[String: Any]])
            #expect(more.count == 20 && second["@odata.nextLink"] == nil)
            #expect(Set(ids).isDisjoint(with: more.compactMap { $0["id"] as? String }))
            // With $top, paging stops at what the client asked for.
            let limited = try object(
                try await harness.send(.GET, "/v1.0/security/secureScores?$top=7&$skip=7", token: token).body
            )
            #expect((limited["value"] as? [[String: Any]])?.first?["id"] as? String == "contoso_2026-11-21")
            #expect((limited["value"] as? [Any])?.count == 7 && limited["@odata.nextLink"] == nil)
        }
    }

    @Test func percentEncodedOptionsAndSelect() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            let response = try await harness.send(
                .GET,
                "/beta/security/secureScores?%24top=1&%24select=currentScore,maxScore",
                token: token
            )
            let value = try #require((try object(response.body)["value"] as? [[String: Any]])?.first)
            #expect(Set(value.keys) == ["id", "currentScore", "maxScore"])
            let count = try await harness.send(.GET, "/v1.0/security/secureScores/$count", token: token)
            #expect(count.body == "120" && count.headers.contentType?.subType == "plain")
        }
    }

    @Test func secureScoreCarriesControlScoresThatSumToTheScore() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            let response = try await harness.send(.GET, "/v1.0/security/secureScores/contoso_2026-11-28", token: token)
            let score = try object(response.body)
            let controls = try #require(score["controlScores"] as? [[String: Any]])
            let sum = controls.compactMap { $0["score"] as? Double }.reduce(0, +)
            #expect(abs(sum - (score["currentScore"] as? Double ?? -1)) < 1e-6)
            let admin = try #require(controls.first { $0["controlName"] as? String == "AdminMFAV2" })
            #expect(admin["count"] is String && admin["total"] is String)
            #expect(admin["scoreInPercentage"] is Double)
            #expect(score["averageComparativeScores"] as? [Any] != nil)
            let missing = try await harness.send(.GET, "/v1.0/security/secureScores/contoso_2020-01-01", token: token)
            #expect(missing.status == .notFound)
            #expect(try graphErrorCode(missing.body) == "itemNotFound")
            let otherTenant = try await harness.send(
                .GET,
                "/v1.0/security/secureScores/fabrikam_2026-11-28",
                token: token
            )
            #expect(otherTenant.status == .notFound)
        }
    }

    @Test func filterOrderAndErrorsOnProfiles() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            let identity = try object(
                try await harness.send(
                    .GET,
                    "/v1.0/security/secureScoreControlProfiles?$filter=controlCategory%20eq%20'identity'%20and%20maxScore%20ge%205&$orderby=maxScore%20desc",
                    token: token
                ).body
            )
            let values = try #require(identity["value"] as? [[String: Any]])
            #expect(!values.isEmpty)
            #expect(
                values.allSatisfy {
                    $0["controlCategory"] as? String == "Identity" && ($0["maxScore"] as? Double ?? 0) >= 5
                }
            )
            let scores = values.compactMap { $0["maxScore"] as? Double }
            #expect(scores == scores.sorted(by: >))
            let bad = try await harness.send(
                .GET,
                "/v1.0/security/secureScoreControlProfiles?$filter=contains(title,'MFA')",
                token: token
            )
            #expect(bad.status == .badRequest)
            #expect(try graphErrorCode(bad.body) == "badRequest")
            #expect(bad.body.contains("contains"))
            let top = try await harness.send(.GET, "/v1.0/security/secureScoreControlProfiles?$top=abc", token: token)
            #expect(top.status == .badRequest && top.body.contains("$top"))
        }
    }

    /// The extras every profile returns (its points, percentage and status) can be selected and
    /// filtered like the declared properties.
    @Test func profileExtrasCanBeSelectedAndFiltered() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            let selected = try object(
                try await harness.send(
                    .GET,
                    "/v1.0/security/secureScoreControlProfiles?$select=id,currentScore,scoreInPercentage,status",
                    token: token
                ).body
            )
            let rows = try #require(selected["value"] as? [[String: Any]])
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { Set($0.keys) == ["id", "currentScore", "scoreInPercentage", "status"] })
            for (filter, holds) in [
                ("status%20eq%20'toAddress'", { (row: [String: Any]) in row["status"] as? String == "toAddress" }),
                (
                    "scoreInPercentage%20ge%2050",
                    { (row: [String: Any]) in (row["scoreInPercentage"] as? Double ?? -1) >= 50 }
                ),
                ("currentScore%20gt%200", { (row: [String: Any]) in (row["currentScore"] as? Double ?? 0) > 0 }),
            ] {
                let response = try await harness.send(
                    .GET,
                    "/v1.0/security/secureScoreControlProfiles?$filter=\(filter)",
                    token: token
                )
                #expect(response.status == .ok, "\(filter): \(response.body)")
                let values = try #require(try object(response.body)["value"] as? [[String: Any]])
                #expect(!values.isEmpty && values.count < 117 && values.allSatisfy(holds), "\(filter)")
            }
        }
    }

    @Test func patchRecordsTheStateAndReadsItBack() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("contoso", .readWrite)
            let body =
                #"{"State": "reviewed", "Comment": "checked <b>twice</b>", "AssignedTo": "ana@contoso.example", "VendorInformation": {"Provider": "SecureScore", "Vendor": "Microsoft"}}"#
            let patched = try await harness.send(
                .PATCH,
                "/v1.0/security/secureScoreControlProfiles/PIMEnabled",
                token: writer,
                json: body
            )
            #expect(patched.status == .noContent && patched.body.isEmpty)
            let profile = try object(
                try await harness.send(.GET, "/v1.0/security/secureScoreControlProfiles/PIMEnabled", token: writer).body
            )
            let last = try #require((profile["controlStateUpdates"] as? [[String: Any]])?.last)
            #expect(last["state"] as? String == "Reviewed")
            #expect(last["comment"] as? String == "checked <b>twice</b>")
            #expect(last["assignedTo"] as? String == "ana@contoso.example")
            #expect(last["updatedBy"] as? String == "tester")

            let ignored =
                #"{"state": "Ignored", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}"#
            let represented = try await harness.send(
                .PATCH,
                "/beta/security/secureScoreControlProfiles/PIMEnabled",
                token: writer,
                json: ignored,
                headers: [("Prefer", "return=representation")]
            )
            #expect(represented.status == .ok)
            let updated = try object(represented.body)
            #expect(updated["status"] as? String == "riskAccepted")
            #expect((updated["controlStateUpdates"] as? [[String: Any]])?.last?["state"] as? String == "Ignored")
        }
    }

    @Test func patchRefusals() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            let writer = try await harness.token("contoso", .readWrite)
            let vendor = #""vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}"#
            let forbidden = try await harness.send(
                .PATCH,
                "/v1.0/security/secureScoreControlProfiles/PIMEnabled",
                token: reader,
                json: "{\"state\": \"Ignored\", \(vendor)}"
            )
            #expect(forbidden.status == .forbidden)
            #expect(try graphErrorCode(forbidden.body) == "accessDenied")
            let cases: [(String, String, String)] = [
                ("PIMEnabled", #"{"state": "Ignored"}"#, "vendorInformation"),
                ("PIMEnabled", "{\"state\": \"Sleeping\", \(vendor)}", "unknown state"),
                ("PIMEnabled", "{\"state\": \"Completed\", \(vendor)}", "set by the system"),
                ("scid_2016", "{\"state\": \"Ignored\", \(vendor)}", "managed externally"),
            ]
            for (id, body, fragment) in cases {
                let response = try await harness.send(
                    .PATCH,
                    "/v1.0/security/secureScoreControlProfiles/\(id)",
                    token: writer,
                    json: body
                )
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.body.contains(fragment), "\(response.body)")
            }
            let completed = try await harness.runtime.service.currentReport("contoso").actions.first {
                $0.status == .completed
            }
            let locked = try await harness.send(
                .PATCH,
                "/v1.0/security/secureScoreControlProfiles/\(try #require(completed).action.id)",
                token: writer,
                json: "{\"state\": \"Ignored\", \(vendor)}"
            )
            #expect(locked.status == .badRequest && locked.body.contains("locked"))
            let unknown = try await harness.send(
                .PATCH,
                "/v1.0/security/secureScoreControlProfiles/Nope",
                token: writer,
                json: "{\(vendor)}"
            )
            #expect(unknown.status == .notFound)
            let method = try await harness.send(.DELETE, "/v1.0/security/secureScores", token: writer)
            #expect(method.status == .methodNotAllowed && method.headers.first(name: .allow) == "GET")
            #expect(try graphErrorCode(method.body) == "notSupported")
            let put = try await harness.send(
                .PUT,
                "/v1.0/security/secureScoreControlProfiles/PIMEnabled",
                token: writer
            )
            #expect(put.status == .methodNotAllowed && put.headers.first(name: .allow) == "GET, PATCH")
        }
    }

    @Test func tokensAreChecked() async throws {
        try await APIHarness.with { harness in
            let missing = try await harness.send(.GET, "/v1.0/security/secureScores", token: nil)
            #expect(missing.status == .unauthorized)
            #expect(try graphErrorCode(missing.body) == "InvalidAuthenticationToken")
            #expect(missing.headers.first(name: "WWW-Authenticate") != nil)
            let expired = try await harness.token(lifetime: -60)
            #expect(try await harness.send(.GET, "/v1.0/security/secureScores", token: expired).status == .unauthorized)
            let good = try await harness.token()
            let tampered = String(good.dropLast(2)) + (good.hasSuffix("AA") ? "BB" : "AA")
            #expect(
                try await harness.send(.GET, "/v1.0/security/secureScores", token: tampered).status == .unauthorized
            )
            #expect(
                try await harness.send(.GET, "/v1.0/security/secureScores", token: "not.a.jwt").status == .unauthorized
            )
            let all = try await harness.token(nil)
            let unnamed = try await harness.send(.GET, "/v1.0/security/secureScores", token: all)
            #expect(unnamed.status == .badRequest && unnamed.body.contains("organization"))
            #expect(
                try await harness.send(.GET, "/v1.0/security/secureScores?organization=contoso&$top=1", token: all)
                    .status == .ok
            )
        }
    }
}

@Suite struct GraphBatchTests {
    @Test func batchesRunEachRequestWithTheCallersToken() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("contoso", .readWrite)
            let body = """
                {"requests": [
                  {"id": "1", "method": "PATCH", "url": "security/secureScoreControlProfiles/PIMEnabled",
                   "headers": {"Content-Type": "application/json"},
                   "body": {"state": "thirdParty", "comment": "via batch", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}},
                  {"id": "2", "method": "GET", "url": "/security/secureScoreControlProfiles/PIMEnabled?$select=controlStateUpdates"},
                  {"id": "3", "method": "PATCH", "url": "https://graph.microsoft.com/beta/security/secureScoreControlProfiles/scid_2016",
                   "body": {"state": "Ignored", "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}}},
                  {"id": "4", "method": "GET", "url": "/users"}
                ]}
                """
            let response = try await harness.send(.POST, "/v1.0/$batch", token: writer, json: body)
            #expect(response.status == .ok)
            let responses = try #require(try object(response.body)["responses"] as? [[String: Any]])
            #expect(responses.map { $0["id"] as? String } == ["1", "2", "3", "4"])
            #expect(responses.map { $0["status"] as? Int } == [204, 200, 400, 400])
            let updates = (responses[1]["body"] as? [String: Any])?["controlStateUpdates"] as? [[String: Any]]
            #expect(updates?.last?["state"] as? String == "ThirdParty")
            #expect(updates?.last?["comment"] as? String == "via batch")

            let reader = try await harness.token("contoso", .read)
            let denied = try await harness.send(.POST, "/v1.0/$batch", token: reader, json: body)
            let statuses = (try object(denied.body)["responses"] as? [[String: Any]])?.map { $0["status"] as? Int }
            #expect(statuses?.first == 403, "the read token cannot PATCH inside a batch either")
            #expect(try await harness.send(.POST, "/v1.0/$batch", token: nil, json: body).status == .unauthorized)
            let many =
                "{\"requests\": ["
                + (1...21).map { "{\"id\": \"\($0)\", \"method\": \"GET\", \"url\": \"/security/secureScores\"}" }
                .joined(separator: ",") + "]}"
            #expect(try await harness.send(.POST, "/v1.0/$batch", token: writer, json: many).status == .badRequest)
        }
    }
}
