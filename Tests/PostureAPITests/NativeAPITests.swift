import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import Testing
import VaporTesting

@testable import PostureServices

@Suite struct NativeAPITests {
    @Test func organizationsAreIsolatedAndManaged() async throws {
        try await APIHarness.with { harness in
            let contosoReader = try await harness.token()
            let list = try object(try await harness.send(.GET, "/api/v1/organizations", token: contosoReader).body)
            #expect((list["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["contoso"])
            for path in [
                "/api/v1/organizations/fabrikam", "/api/v1/organizations/fabrikam/score",
                "/api/v1/organizations/guessed-id/score",
            ] {
                let hidden = try await harness.send(.GET, path, token: contosoReader)
                #expect(hidden.status == .notFound, "\(path)")
            }
            let admin = try await harness.token(nil, .readWrite)
            let created = try await harness.send(
                .POST,
                "/api/v1/organizations",
                token: admin,
                json:
                    #"{"id": "northwind", "displayName": "Northwind", "licensedUserCount": 300, "enabledServices": ["HasExchange"]}"#
            )
            #expect(created.status == .created)
            #expect(try object(created.body)["seatBand"] as? String == "101-500")
            let duplicate = try await harness.send(
                .POST,
                "/api/v1/organizations",
                token: admin,
                json: #"{"id": "northwind", "displayName": "N"}"#
            )
            #expect(duplicate.status == .conflict)
            let invalid = try await harness.send(
                .POST,
                "/api/v1/organizations",
                token: admin,
                json: #"{"id": "bad id", "displayName": 7}"#
            )
            #expect(
                invalid.status == .badRequest && invalid.body.contains("displayName") && invalid.body.contains("id")
            )
            let renamed = try await harness.send(
                .PATCH,
                "/api/v1/organizations/northwind",
                token: admin,
                json: #"{"displayName": "Northwind Traders"}"#
            )
            #expect(try object(renamed.body)["licensedUserCount"] as? Int == 300, "absent fields keep their values")
            let scoped = try await harness.token("contoso", .readWrite)
            #expect(
                try await harness.send(
                    .POST,
                    "/api/v1/organizations",
                    token: scoped,
                    json: #"{"id": "x", "displayName": "X"}"#
                ).status == .forbidden
            )
            #expect(
                try await harness.send(.DELETE, "/api/v1/organizations/northwind", token: admin).status == .noContent
            )
            #expect(try await harness.send(.GET, "/api/v1/organizations/northwind", token: admin).status == .notFound)
        }
    }

    /// The scenario of an older measurement arriving after a newer one: it is listed as ignored,
    /// and the score, `lastMeasuredAt` and the change log stay as they were.
    @Test func anOlderMeasurementNeverReplacesANewerOne() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let path = "/api/v1/organizations/fabrikam/measurements"
            let today =
                #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 11, "total": 12, "observedAt": "2026-11-28T06:00:00Z"}]}"#
            let october =
                #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 1, "total": 12, "observedAt": "2026-10-01T00:00:00Z"}]}"#
            let first = try object(try await harness.send(.PUT, path, token: writer, json: today).body)
            #expect((first["ignored"] as? [Any])?.isEmpty == true)
            let changes = try await harness.runtime.service.store.changes("fabrikam")
            let late = try object(try await harness.send(.PUT, path, token: writer, json: october).body)
            #expect(late["currentScore"] as? Double == first["currentScore"] as? Double)
            let ignored = try #require((late["ignored"] as? [[String: Any]])?.first)
            #expect(ignored["actionId"] as? String == "AdminMFAV2")
            #expect(ignored["observedAt"] as? String == "2026-10-01T00:00:00Z")
            #expect(ignored["storedObservedAt"] as? String == "2026-11-28T06:00:00Z")
            let score = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: writer).body
            )
            let action = try #require(
                (score["actions"] as? [[String: Any]])?.first { $0["id"] as? String == "AdminMFAV2" }
            )
            #expect(action["lastMeasuredAt"] as? String == "2026-11-28T06:00:00Z")
            #expect(try await harness.runtime.service.store.changes("fabrikam") == changes, "no regression logged")
        }
    }

    /// Right after a write, the native score, Graph's newest entry and the overview's data agree.
    @Test func everyViewShowsTodaysNumberRightAfterAWrite() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("contoso", .readWrite)
            let reader = try await harness.token()
            for achieved in [1, 11] {
                let body = #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": \#(achieved), "total": 12}]}"#
                let written = try object(
                    try await harness.send(
                        .PUT,
                        "/api/v1/organizations/contoso/measurements",
                        token: writer,
                        json: body
                    )
                    .body
                )
                let score = try object(
                    try await harness.send(.GET, "/api/v1/organizations/contoso/score", token: reader).body
                )
                let graph = try object(
                    try await harness.send(.GET, "/v1.0/security/secureScores?$top=1", token: reader).body
                )
                let newest = try #require((graph["value"] as? [[String: Any]])?.first)
                let current = try #require(written["currentScore"] as? Double)
                #expect(score["currentScore"] as? Double == current)
                #expect(
                    abs((newest["currentScore"] as? Double ?? -1) - current) < 1e-9,
                    "\(newest["currentScore"] ?? "none")"
                )
                #expect((newest["createdDateTime"] as? String)?.hasPrefix(CivilDay(APIHarness.now).description) == true)
            }
        }
    }

    @Test func measurementsChangeTheScoreInTheSameRequest() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let body =
                #"{"measurements": [{"actionId": "AdminMFAV2", "achieved": 5, "total": 100}, {"actionId": "BlockLegacyAuthentication", "implemented": true}]}"#
            let first = try object(
                try await harness.send(.PUT, "/api/v1/organizations/fabrikam/measurements", token: writer, json: body)
                    .body
            )
            #expect(abs((first["currentScore"] as? Double ?? 0) - 8.5) < 1e-9)
            let again = try object(
                try await harness.send(.PUT, "/api/v1/organizations/fabrikam/measurements", token: writer, json: body)
                    .body
            )
            #expect(again["currentScore"] as? Double == first["currentScore"] as? Double, "idempotent")
            let score = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: writer).body
            )
            #expect(score["currentScore"] as? Double == first["currentScore"] as? Double)
            let stored = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/measurements", token: writer).body
            )
            #expect((stored["value"] as? [Any])?.count == 2)
            let bad = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/measurements",
                token: writer,
                json: "{\"measurements\": [\n{\"actionId\": \"AdminMFAV2\", \"achieved\": 9, \"total\": 3}]}"
            )
            #expect(bad.status == .badRequest)
            let error = try #require(try object(bad.body)["error"] as? [String: Any])
            #expect(error["target"] as? String == "achieved")
            #expect((error["message"] as? String)?.contains("line 2") == true)
            let reader = try await harness.token("fabrikam", .read)
            #expect(
                try await harness.send(.PUT, "/api/v1/organizations/fabrikam/measurements", token: reader, json: body)
                    .status == .forbidden
            )
            let malformed = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/measurements",
                token: writer,
                json: "{\"measurements\": ["
            )
            #expect(malformed.status == .badRequest && malformed.body.contains("malformed JSON"))
            let entries = Array(repeating: #"{"actionId": "AdminMFAV2", "implemented": true}"#, count: 5_001)
            let tooMany = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/measurements",
                token: writer,
                json: "{\"measurements\": [\(entries.joined(separator: ","))]}"
            )
            #expect(tooMany.status == .badRequest && tooMany.body.contains("at most 5000"))
        }
    }

    @Test func cachedReadsFollowEveryWrite() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            func score() async throws -> Double? {
                try object(try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: writer).body)[
                    "currentScore"
                ]
                    as? Double
            }
            // Creating an organization changes the lists of every organization: done first.
            try await harness.runtime.service.createOrganization(
                Organization(id: "northwind", displayName: "Northwind"),
                actor: "test"
            )
            // The fixture wrote its data straight into the store: the first read stores the
            // current score (a write), so the cache starts from the second.
            _ = try await score()
            let before = try await score()
            let repeated = try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: writer)
            #expect(repeated.headers.first(name: "X-Cache") == "hit", "a repeated read comes from the cache")
            #expect(try object(repeated.body)["currentScore"] as? Double == before)
            // A write to another organization leaves this one's cached reads alone.
            try await harness.runtime.service.recordMeasurements(
                "northwind",
                [ActionMeasurement(actionID: "OneAdmin", result: .implemented(true))],
                actor: "sensor"
            )
            let untouched = try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: writer)
            #expect(untouched.headers.first(name: "X-Cache") == "hit", "another organization's write")
            _ = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/measurements",
                token: writer,
                json: #"{"measurements": [{"actionId": "OneAdmin", "implemented": true}]}"#
            )
            let afterWrite = try await harness.send(.GET, "/api/v1/organizations/fabrikam/score", token: writer)
            #expect(afterWrite.headers.first(name: "X-Cache") == nil, "a write empties the cache")
            #expect(try object(afterWrite.body)["currentScore"] as? Double == (before ?? 0) + 2)
            // A write that bypasses the API (the CLI, another node) is seen too.
            try await harness.runtime.service.setStatus(
                "fabrikam",
                StatusRecord(actionID: "PIMEnabled", status: .resolvedThirdParty),
                actor: "cli"
            )
            #expect(try await score() == (before ?? 0) + 12)
        }
    }

    /// The CLI beside a server on one SQLite file: its write renews the server's cached responses
    /// of the organization it wrote to and leaves every other organization's.
    @Test func anotherProcessOnTheFileRenewsOnlyWhatItWrote() async throws {
        // A file both processes name (an in-memory database is a file of one runtime's own).
        let onAFile: @Sendable (inout PostureConfiguration) -> Void = {
            $0.database = .sqliteFile($0.dataDirectory + "/posture.sqlite")
        }
        try await APIHarness.with(configure: onAFile) { harness in
            let reader = try await harness.token(nil)
            func read(_ organization: String) async throws -> (hit: Bool, score: Double?) {
                let response = try await harness.send(
                    .GET,
                    "/api/v1/organizations/\(organization)/score",
                    token: reader
                )
                #expect(response.status == .ok)
                return (
                    response.headers.first(name: "X-Cache") == "hit",
                    try object(response.body)["currentScore"] as? Double
                )
            }
            // The first reads store the current scores (writes): the cache starts after them.
            for organization in ["contoso", "fabrikam", "contoso", "fabrikam"] { _ = try await read(organization) }
            let (contoso, fabrikam) = (try await read("contoso"), try await read("fabrikam"))
            #expect(contoso.hit && fabrikam.hit)
            let before = try await read("fabrikam").score

            // Another process: its own connections, signal and reader on the same file.
            let other = try await buildApplication(
                harness.runtime.configuration,
                clock: APIHarness.clock,
                migrate: false
            )
            do {
                try await other.service.recordMeasurements(
                    "fabrikam",
                    [ActionMeasurement(actionID: "OneAdmin", result: .implemented(true))],
                    actor: "cli"
                )
                try await other.shutdown()
            } catch {
                try? await other.shutdown()
                throw error
            }
            #expect(try await read("contoso").hit, "another organization's cached reads stay")
            let after = try await read("fabrikam")
            #expect(!after.hit && after.score == (before ?? 0) + 2, "the written organization is read again")
        }
    }

    @Test func statusesTagsAndHistory() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            let set = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/actions/SelfServicePasswordReset/status",
                token: writer,
                json:
                    #"{"status": "resolvedThirdParty", "note": "Okta <script>", "owner": "iam", "expiresAt": "2027-01-31T00:00:00Z"}"#
            )
            #expect(set.status == .ok)
            let action = try #require(try object(set.body)["action"] as? [String: Any])
            #expect(
                action["status"] as? String == "resolvedThirdParty"
                    && action["claimedPoints"] as? Double == action["maxScore"] as? Double
            )
            let refused: [(String, String)] = [
                (#"{"status": "completed"}"#, "set by the system"),
                (#"{"status": "planned", "expiresAt": "2027-01-01"}"#, "expiresAt"),
                (#"{"status": "riskAccepted", "expiresAt": "2026-01-01"}"#, "already passed"),
                (#"{"status": "maybe"}"#, "unknown value"),
            ]
            for (body, fragment) in refused {
                let response = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/fabrikam/actions/PIMEnabled/status",
                    token: writer,
                    json: body
                )
                #expect(response.status == .badRequest && response.body.contains(fragment), "\(body): \(response.body)")
            }
            let device = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/actions/scid_2016/status",
                token: writer,
                json: #"{"status": "riskAccepted"}"#
            )
            #expect(device.status == .badRequest && device.body.contains("Defender"))
            #expect(
                try await harness.send(
                    .PUT,
                    "/api/v1/organizations/fabrikam/actions/Nope/status",
                    token: writer,
                    json: #"{"status": "planned"}"#
                ).status == .notFound
            )

            #expect(
                try await harness.send(
                    .PUT,
                    "/api/v1/organizations/fabrikam/actions/PIMEnabled/tags/board%20review",
                    token: writer
                ).status == .created
            )
            #expect(
                try await harness.send(
                    .PUT,
                    "/api/v1/organizations/fabrikam/actions/PIMEnabled/tags/board%20review",
                    token: writer
                ).status == .ok
            )
            let detail = try object(
                try await harness.send(
                    .GET,
                    "/api/v1/organizations/fabrikam/actions/SelfServicePasswordReset",
                    token: writer
                ).body
            )
            #expect((detail["statusHistory"] as? [[String: Any]])?.first?["note"] as? String == "Okta <script>")
            #expect((detail["changes"] as? [Any])?.isEmpty == false)
            let actions = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/actions", token: writer).body
            )
            let tagged = (actions["value"] as? [[String: Any]])?.first { $0["id"] as? String == "PIMEnabled" }
            #expect(tagged?["tags"] as? [String] == ["board review"])
            #expect(
                try await harness.send(
                    .DELETE,
                    "/api/v1/organizations/fabrikam/actions/PIMEnabled/tags/board%20review",
                    token: writer
                ).status == .noContent
            )
            #expect(
                try await harness.send(
                    .DELETE,
                    "/api/v1/organizations/fabrikam/actions/PIMEnabled/tags/board%20review",
                    token: writer
                ).status == .notFound
            )
        }
    }

    @Test func changesAreAuditedPerOrganization() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("fabrikam", .readWrite)
            _ = try await harness.send(
                .PUT,
                "/api/v1/organizations/fabrikam/actions/PIMEnabled/status",
                token: writer,
                json: #"{"status": "planned", "targetDate": "2027-01-31"}"#
            )
            let audit = try object(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/audit", token: writer).body
            )
            let entries = try #require(audit["value"] as? [[String: Any]])
            let last = try #require(entries.last)
            #expect(last["action"] as? String == "status.set" && last["target"] as? String == "PIMEnabled")
            #expect(last["actor"] as? String == "tester")
            #expect((last["after"] as? String)?.contains("2027-01-31") == true)
            #expect(last["requestID"] is String && (last["hash"] as? String)?.count == 64)
            let reader = try await harness.token("contoso", .read)
            #expect(
                try await harness.send(.GET, "/api/v1/organizations/fabrikam/audit", token: reader).status == .notFound
            )
        }
    }

    @Test func hiddenActionsPlansAndRanges() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            let visible = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/actions", token: reader).body
            )
            let all = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/actions?includeHidden=true", token: reader)
                    .body
            )
            let hidden = (all["value"] as? [[String: Any]])?.filter { $0["status"] as? String == "riskAccepted" } ?? []
            #expect(!hidden.isEmpty)
            #expect(
                (visible["value"] as? [[String: Any]])?.contains { $0["status"] as? String == "riskAccepted" } == false
            )
            let plan = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/plan?target=90", token: reader).body
            )
            let steps = try #require((plan["plan"] as? [String: Any])?["actions"] as? [Any])
            #expect(!steps.isEmpty)
            #expect((plan["projection"] as? [String: Any])?["points"] is [Any])
            #expect(
                try await harness.send(.GET, "/api/v1/organizations/contoso/plan?target=140", token: reader).status
                    == .badRequest
            )
            let snapshots = try object(
                try await harness.send(
                    .GET,
                    "/api/v1/organizations/contoso/snapshots?from=2026-11-01&to=2026-11-10",
                    token: reader
                ).body
            )
            #expect((snapshots["value"] as? [Any])?.count == 10)
            let ranges: [(String, String)] = [
                ("from=2026-11-10&to=2026-11-01", "from"), ("from=2010-01-01&to=2026-11-01", "from"),
                ("to=2027-01-01", "to"), ("from=yesterday", "from"),
            ]
            for (query, target) in ranges {
                let response = try await harness.send(
                    .GET,
                    "/api/v1/organizations/contoso/changes?\(query)",
                    token: reader
                )
                #expect(response.status == .badRequest, "\(query)")
                #expect(
                    (try object(response.body)["error"] as? [String: Any])?["target"] as? String == target,
                    "\(query)"
                )
            }
        }
    }

    /// The change log by cause and a page at a time: walking the pages gives the whole filtered
    /// list, once, in order.
    @Test func changesArePagedAndFilteredByCause() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            func list(_ path: String) async throws -> (value: [[String: Any]], next: String?) {
                let response = try await harness.send(.GET, path, token: reader)
                #expect(response.status == .ok, "\(path): \(response.body.prefix(200))")
                let body = try object(response.body)
                return (try #require(body["value"] as? [[String: Any]]), body["nextLink"] as? String)
            }
            let base = "/api/v1/organizations/contoso/changes"
            let everything = try await list(base).value
            let regressions = try await list("\(base)?cause=regressions&from=2026-09-01")
            #expect(regressions.next == nil, "no page asked for, no link")
            #expect(!regressions.value.isEmpty && regressions.value.count < everything.count)
            #expect(regressions.value.allSatisfy { $0["kind"] as? String == "pointsLost" })
            var walked: [[String: Any]] = []
            var path: String? = "\(base)?cause=regressions&from=2026-09-01&limit=7"
            var pages = 0
            while let next = path, pages < 100 {
                let page = try await list(next)
                #expect(page.value.count <= 7)
                walked += page.value
                path = page.next
                pages += 1
            }
            #expect(pages == (regressions.value.count + 6) / 7)
            #expect(
                walked.map { "\($0["occurredAt"] ?? "")\($0["actionId"] ?? "")" }
                    == regressions.value.map { "\($0["occurredAt"] ?? "")\($0["actionId"] ?? "")" }
            )
            let past = try await list("\(base)?after=999999")
            #expect(past.value.isEmpty && past.next == nil)
            for (query, target) in [
                ("cause=losses", "cause"), ("limit=0", "limit"), ("limit=501", "limit"), ("after=-1", "after"),
            ] {
                let response = try await harness.send(.GET, "\(base)?\(query)", token: reader)
                #expect(response.status == .badRequest, "\(query)")
                #expect(
                    (try object(response.body)["error"] as? [String: Any])?["target"] as? String == target,
                    "\(query)"
                )
            }
        }
    }

    @Test func healthAndOpenAPIAreOpen() async throws {
        try await APIHarness.with { harness in
            #expect(try await harness.send(.GET, "/healthz", token: nil).status == .ok)
            #expect(try await harness.send(.GET, "/readyz", token: nil).body.contains("ready"))
            let document = try object(try await harness.send(.GET, "/api/v1/openapi.json", token: nil).body)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            // Every registered route is described, with the same method.
            // Dashboard pages are not part of the API.
            let apiPrefixes = [
                "api", "v1.0", "beta", "oauth2", ".well-known", "healthz", "readyz", "metrics", ":tenant",
            ]
            for route in harness.app.routes.all {
                guard case .constant(let first) = route.path.first,
                    apiPrefixes.contains(first)
                        || route.path.first == .parameter("tenant")
                else { continue }
                let path =
                    "/"
                    + route.path.map { component -> String in
                        switch component {
                        case .constant(let text): return text
                        case .parameter(let name): return "{\(name)}"
                        default: return "*"
                        }
                    }.joined(separator: "/")
                let method = route.method.rawValue.lowercased()
                let isRefusal =
                    ["post", "put", "delete"].contains(method) && path.contains("/security/")
                    || (method == "patch" && path.hasSuffix("/secureScores")
                        || path.hasSuffix("/secureScores/{id}") && method == "patch")
                    || (method == "patch" && path.hasSuffix("secureScoreControlProfiles"))
                if isRefusal { continue }
                #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is missing from openapi.json")
            }
        }
    }
}
