import Foundation
import PostureCore
import PostureEvidence

/// Checks a connection before it is relied on: that the app signs in, and, per resource its
/// sources read, whether the permission is granted, missing or needs a licence the tenant
/// lacks. Reads one item of each resource; stores nothing.
public struct ConnectionCheck: Sendable {
    public typealias Outcome = ConnectionCheckReport.Outcome
    public typealias Probe = ConnectionCheckReport.Probe
    public typealias Report = ConnectionCheckReport

    /// One read of a check: what it is called, how it is read, and the permission it proves.
    public struct Read: Sendable {
        public var name: String
        public var request: M365Request
        public var source: ConnectionSource
        public var permission: String
    }

    /// The reads a check makes for `sources`, with the permission each needs. Exchange Online is
    /// probed with two cmdlets, not all of them: the organization's configuration proves the app's
    /// access and role, Safe Links proves the Defender for Office 365 licence.
    public static func probes(for sources: [ConnectionSource]) -> [Read] {
        var list: [Read] = []
        let skipped: Set<M365Resource> = [
            // Read per group during a collection, with Directory.Read.All, which the organization,
            // domains and service principals already prove.
            .groupMembers,
            // Delegated only: an app-only collection never reads it (see docs/evidence.md).
            .onPremisesSynchronization,
            // Read per compliance policy, with the policies' own permission.
            .deviceComplianceStatuses,
            // Public DNS: no permission to prove.
            .spfRecords,
        ]
        let exchangeProbes: Set<M365Resource> = [.exchangeOrganizationConfig, .safeLinksPolicies]
        for resource in M365Resource.allCases where sources.contains(resource.source) && !skipped.contains(resource) {
            var request = resource.request
            switch request {
            case .exchange:
                guard exchangeProbes.contains(resource) else { continue }
            case .dnsText:
                continue
            case .graph(let path), .defender(let path):
                if resource.isCollection && !path.contains("$top=") {
                    let limited = path + (path.contains("?") ? "&" : "?") + "$top=1"
                    request = resource.source == .defenderEndpoint ? .defender(limited) : .graph(limited)
                }
            }
            list.append(
                Read(
                    name: resource.rawValue,
                    request: request,
                    source: resource.source,
                    // Exchange reads nothing app-only without a directory role as well.
                    permission: resource.source == .exchangeOnline
                        ? resource.applicationPermission + " with the Global Reader role"
                        : resource.applicationPermission
                )
            )
        }
        if sources.contains(.secureScore) {
            for name in ["secureScores", "secureScoreControlProfiles"] {
                list.append(
                    Read(
                        name: name,
                        request: .graph("/security/\(name)?$top=1"),
                        source: .secureScore,
                        permission: "SecurityEvents.Read.All"
                    )
                )
            }
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
        exchangeURL: String = MicrosoftCloud.commercial.exchangeURL,
        defenderURL: String? = MicrosoftCloud.commercial.defenderURL,
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
            exchangeURL: exchangeURL,
            defenderURL: defenderURL,
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
            if case .dnsText = probe.request { continue }  // public DNS: nothing to grant
            let outcome: Outcome
            do {
                switch probe.request {
                case .graph(let path): _ = try await client.get(path)
                case .defender(let path): _ = try await client.getDefender(path)
                case .exchange(let cmdlet, let parameters): _ = try await client.invoke(cmdlet, parameters: parameters)
                case .dnsText: continue
                }
                outcome = .granted
            } catch .http(let status, let message) {
                outcome = Self.outcome(status: status, message: message, permission: probe.permission)
            } catch .serviceToken(let service, let message) where message.hasPrefix("AADSTS500011") {
                // The tenant has no such service (no Defender for Endpoint, say).
                outcome = .notLicensed("\(service) is not set up in the tenant: \(message)")
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
        // Exchange does not export a cmdlet the tenant has no licence for (Safe Links without
        // Defender for Office 365), nor one the app's directory role does not include: the message
        // says which, and the docs name the role.
        if lowered.contains("licens") || lowered.contains("premium") || lowered.contains("sku")
            || lowered.contains("is not recognized")
        {
            return .notLicensed(message)
        }
        if status == 401 || status == 403 { return .missing(permission: permission) }
        return .failed("HTTP \(status): \(message)")
    }
}
