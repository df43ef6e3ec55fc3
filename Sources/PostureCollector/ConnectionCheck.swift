import Foundation
import PostureCore
import PostureEvidence

/// Checks a connection before it is relied on: that the app signs in, and, per Graph resource
/// its sources read, whether the permission is granted, missing or needs a licence the tenant
/// lacks. Reads one item of each resource; stores nothing.
public struct ConnectionCheck: Sendable {
    public typealias Outcome = ConnectionCheckReport.Outcome
    public typealias Probe = ConnectionCheckReport.Probe
    public typealias Report = ConnectionCheckReport

    /// The resources a check reads for `sources`, with the permission each needs.
    public static func probes(
        for sources: [ConnectionSource]
    ) -> [(name: String, path: String, source: ConnectionSource, permission: String)] {
        var list: [(String, String, ConnectionSource, String)] = []
        for resource in M365Resource.allCases where sources.contains(resource.source) {
            switch resource {
            case .groupMembers:
                // Read per group during a collection, with Directory.Read.All, which the
                // organization, domains and service principals already prove.
                continue
            case .onPremisesSynchronization:
                // Delegated only: an app-only collection never reads it (see docs/evidence.md).
                continue
            default:
                let path = resource.graphPath
                let limited =
                    resource.isCollection && !path.contains("$top=")
                    ? path + (path.contains("?") ? "&" : "?") + "$top=1" : path
                list.append((resource.rawValue, limited, resource.source, resource.applicationPermission))
            }
        }
        if sources.contains(.secureScore) {
            list.append(("secureScores", "/security/secureScores?$top=1", .secureScore, "SecurityEvents.Read.All"))
            list.append(
                (
                    "secureScoreControlProfiles", "/security/secureScoreControlProfiles?$top=1", .secureScore,
                    "SecurityEvents.Read.All"
                )
            )
        }
        return list
    }

    let client: GraphClient
    let sources: [ConnectionSource]

    public init(
        tenantID: String,
        clientID: String,
        credential: GraphCredential,
        loginURL: String,
        graphURL: String,
        sources: [ConnectionSource],
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        // Someone is waiting for the answer: a short timeout and few retries.
        client = GraphClient(
            tenantID: tenantID,
            clientID: clientID,
            credential: credential,
            loginURL: loginURL,
            graphURL: graphURL,
            maxAttempts: 2,
            requestTimeout: 15,
            sleep: sleep
        )
        self.sources = sources
    }

    public func run() async -> Report {
        do {
            _ = try await client.acquireToken()
        } catch {
            return Report(signInProblem: error.description, probes: [])
        }
        var probes: [Probe] = []
        for probe in Self.probes(for: sources) {
            let outcome: Outcome
            do {
                _ = try await client.get(probe.path)
                outcome = .granted
            } catch .http(let status, let message) {
                outcome = Self.outcome(status: status, message: message, permission: probe.permission)
            } catch {
                outcome = .failed(error.description)
            }
            probes.append(
                Probe(resource: probe.name, source: probe.source, permission: probe.permission, outcome: outcome)
            )
        }
        return Report(signInProblem: nil, probes: probes)
    }

    /// 401/403 mean the permission is not granted (or not consented); Graph answers a tenant
    /// without the licence a resource needs with 400, 403 or 404 naming the licence.
    static func outcome(status: Int, message: String, permission: String) -> Outcome {
        let lowered = message.lowercased()
        if lowered.contains("licens") || lowered.contains("premium") || lowered.contains("sku") {
            return .notLicensed(message)
        }
        if status == 401 || status == 403 { return .missing(permission: permission) }
        return .failed("HTTP \(status): \(message)")
    }
}
