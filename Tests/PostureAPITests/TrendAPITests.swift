import Foundation
import PostureAPI
import PostureApp
import PostureCore
import PostureStore
import Testing
import VaporTesting

@testable import PostureServices

/// The history, metrics and settings endpoints on the demo organization (120 days to 2026-11-28).
@Suite struct TrendAPITests {
    @Test func historyMatchesTheStoredSnapshotsAndNamesActionsTaken() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            let history = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/history", token: token).body
            )
            #expect(history["from"] as? String == "2026-08-31" && history["to"] as? String == "2026-11-28")
            let series = try #require(history["series"] as? [[String: Any]])
            let stored = try await harness.runtime.service.store.snapshots(
                "contoso",
                from: CivilDay("2026-08-31"),
                to: CivilDay("2026-11-28")
            )
            #expect(series.count == stored.count && series.count == 90)
            // JSON carries the scores to about 15 digits.
            for (point, snapshot) in zip(series, stored.reversed()) {
                #expect(abs((point["score"] as? Double ?? -1) - snapshot.score) < 1e-9, "\(snapshot.day)")
            }
            let taken = try #require(history["actionsTaken"] as? [[String: Any]])
            #expect(!taken.isEmpty && taken.allSatisfy { $0["actor"] is String && $0["pointsAfter"] is Double })

            let identity = try object(
                try await harness.send(
                    .GET,
                    "/api/v1/organizations/contoso/history?category=identity&from=2026-11-01",
                    token: token
                ).body
            )
            let identityTaken = try #require(identity["actionsTaken"] as? [[String: Any]])
            #expect(identityTaken.allSatisfy { $0["category"] as? String == "Identity" })
            #expect((identity["series"] as? [[String: Any]])?.count == 28)

            let action = try object(
                try await harness.send(
                    .GET,
                    "/api/v1/organizations/contoso/actions/AdminMFAV2/history?from=2026-11-20",
                    token: token
                ).body
            )
            #expect((action["days"] as? [[String: Any]])?.count == 9)
            let missing = try await harness.send(
                .GET,
                "/api/v1/organizations/contoso/actions/NoSuchAction/history",
                token: token
            )
            #expect(missing.status == .notFound)
        }
    }

    @Test func regressionsNameTheirCausesAndEntities() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            let body = try await harness.send(
                .GET,
                "/api/v1/organizations/contoso/metrics/regressions?from=2026-08-01",
                token: token
            ).body
            let trend = try object(body)
            let regressions = try #require(trend["regressions"] as? [[String: Any]])
            let causes = regressions.compactMap { ($0["cause"] as? [String: Any])?["kind"] as? String }
            #expect(causes.contains("configurationChange"), "legacy authentication switched back on")
            #expect(causes.contains("userOrDeviceChange"))
            let named = regressions.compactMap { $0["cause"] as? [String: Any] }.filter {
                !(($0["entitiesLost"] as? [String]) ?? []).isEmpty
                    || !(($0["entitiesAdded"] as? [String]) ?? []).isEmpty
            }
            #expect(!named.isEmpty, "measurements carried the entities, so the causes name them: \(body.prefix(600))")
            let days = try #require(trend["days"] as? [[String: Any]])
            let total = days.reduce(0.0) { $0 + ($1["pointsLost"] as? Double ?? 0) }
            #expect(abs(total - (trend["totalPointsLost"] as? Double ?? -1)) < 1e-9)

            let changes = try object(
                try await harness.send(
                    .GET,
                    "/api/v1/organizations/contoso/metrics/score-changes?from=2026-08-01",
                    token: token
                ).body
            )
            let gained = try #require(changes["pointsGained"] as? Double)
            let regressed = try #require(changes["pointsRegressed"] as? Double)
            #expect(abs(gained - regressed - (changes["netChange"] as? Double ?? 0)) < 1e-9)
            #expect(abs(regressed - total) < 1e-9)

            let risk = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/metrics/risk-acceptance", token: token).body
            )
            let points = try #require(risk["points"] as? [[String: Any]])
            #expect(points.count == 90 && points.contains { ($0["actions"] as? Int ?? 0) > 0 })
        }
    }

    @Test func comparisonNeedsFiveOrganizations() async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            let comparison = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/metrics/comparison", token: token).body
            )
            let band = try #require(comparison["seatBand"] as? [String: Any])
            #expect(band["name"] as? String == "101-500")
            let points = try #require(band["points"] as? [[String: Any]])
            #expect(points.count == 90)
            #expect(points.allSatisfy { $0["enoughOrganizations"] as? Bool == false && $0["averagePercentage"] == nil })
            #expect((band["notice"] as? String)?.contains("not enough organizations to compare") == true)
            #expect(comparison["custom"] == nil)
        }
    }

    @Test func zonesAndCustomComparisonAreValidated() async throws {
        try await APIHarness.with { harness in
            let writer = try await harness.token("contoso", .readWrite)
            let zone = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/metrics/zone", token: writer).body
            )
            #expect(["bad", "okay", "good"].contains(zone["zone"] as? String ?? ""))
            let good =
                #"{"zones": [{"zone": "bad", "from": 0, "to": 30}, {"zone": "okay", "from": 30, "to": 60}, {"zone": "good", "from": 60, "to": 100}]}"#
            #expect(
                try await harness.send(.PUT, "/api/v1/organizations/contoso/zones", token: writer, json: good).status
                    == .ok
            )
            let stored = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/zones", token: writer).body
            )
            #expect(((stored["zones"] as? [[String: Any]])?.first?["to"] as? Double) == 30)
            let refused: [(String, String)] = [
                (
                    #"{"zones": [{"zone": "bad", "from": 0, "to": 30}, {"zone": "okay", "from": 35, "to": 60}, {"zone": "good", "from": 60, "to": 100}]}"#,
                    "must start where bad ends"
                ),
                (#"{"zones": [{"zone": "bad", "from": 0, "to": 100}]}"#, "each once"),
                (#"{"zones": [{"zone": "terrible", "from": 0, "to": 100}]}"#, "zone"),
                (#"{"zones": "none"}"#, "zones"),
                (#"{"zoness": []}"#, "unknown field"),
            ]
            for (body, fragment) in refused {
                let response = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/zones",
                    token: writer,
                    json: body
                )
                #expect(response.status == .badRequest && response.body.contains(fragment), "\(body): \(response.body)")
            }
            #expect(try await harness.send(.DELETE, "/api/v1/organizations/contoso/zones", token: writer).status == .ok)

            let comparison = #"{"industry": "Manufacturing", "minSeats": 101, "maxSeats": 1000}"#
            let set = try await harness.send(
                .PUT,
                "/api/v1/organizations/contoso/comparison",
                token: writer,
                json: comparison
            )
            #expect(set.status == .ok && set.body.contains("industry Manufacturing, 101–1000 seats"))
            let trend = try object(
                try await harness.send(.GET, "/api/v1/organizations/contoso/metrics/comparison", token: writer).body
            )
            #expect(
                (trend["custom"] as? [String: Any])?["description"] as? String
                    == "industry Manufacturing, 101–1000 seats"
            )
            for body in [#"{"minSeats": 10, "maxSeats": 5}"#, "{}", #"{"industry": 7}"#, #"{"seats": 5}"#] {
                let response = try await harness.send(
                    .PUT,
                    "/api/v1/organizations/contoso/comparison",
                    token: writer,
                    json: body
                )
                #expect(response.status == .badRequest, "\(body)")
            }
            #expect(
                try await harness.send(.DELETE, "/api/v1/organizations/contoso/comparison", token: writer).status
                    == .noContent
            )
        }
    }

    @Test(arguments: [
        ("from=2026-11-20&to=2026-11-01", "from", "is after"),
        ("to=2026-12-01", "to", "in the future"),
        ("from=2010-01-01", "from", "ten years"),
        ("from=yesterday", "from", "must be a day"),
        ("to=2026-02-30", "to", "must be a day"),
        ("category=Network", "category", "category must be one of"),
    ])
    func badRangesAreRefusedNamingTheParameter(query: String, target: String, fragment: String) async throws {
        try await APIHarness.with { harness in
            let token = try await harness.token()
            for path in [
                "history", "metrics/regressions", "metrics/comparison", "metrics/risk-acceptance",
                "metrics/score-changes",
            ] {
                if target == "category", path != "history", path != "metrics/regressions" { continue }
                let response = try await harness.send(
                    .GET,
                    "/api/v1/organizations/contoso/\(path)?\(query)",
                    token: token
                )
                #expect(response.status == .badRequest, "\(path)?\(query)")
                let error = try object(response.body)["error"] as? [String: Any]
                #expect(
                    error?["target"] as? String == target && (error?["message"] as? String)?.contains(fragment) == true
                )
            }
        }
    }

    @Test func recomputeDryRunIsForReadersAndApplyForGlobalAdministrators() async throws {
        try await APIHarness.with { harness in
            let reader = try await harness.token()
            let dryRun = try await harness.send(
                .POST,
                "/api/v1/organizations/contoso/history/recompute",
                token: reader,
                json: #"{"from": "2026-11-01"}"#
            )
            #expect(dryRun.status == .ok)
            let report = try object(dryRun.body)
            #expect(
                report["snapshots"] as? Int == 28 && report["changed"] as? Int == 0
                    && report["applied"] as? Bool == false
            )
            let refused = try await harness.send(
                .POST,
                "/api/v1/organizations/contoso/history/recompute",
                token: try await harness.token("contoso", .readWrite, role: .securityAdministrator),
                json: #"{"from": "2026-11-01", "apply": true}"#
            )
            #expect(refused.status == .forbidden)
            let bad = try await harness.send(
                .POST,
                "/api/v1/organizations/contoso/history/recompute",
                token: reader,
                json: #"{"from": "soon"}"#
            )
            #expect(bad.status == .badRequest && bad.body.contains("from"))
        }
    }
}
